/**
 * Guessing pairing codes (reliability promise 6, pairing): a relay child
 * process on Postgres holds one real open offer while lookups of random codes
 * arrive from several loopback addresses (127.0.0.2 …), over HTTP and over the
 * pairing WebSocket:
 *
 *   "A code is single-use, expires, and lookups by code are rate-limited per IP."
 *
 * Pass: 0 guesses hit; the guesses the relay evaluated stay within each
 * address's budget (10 a minute by default); every refusal is a 429 with
 * `Retry-After`; the real code still works; 5 refused responses burn it (the
 * lockout), after which lookups and joins answer `burned`.
 */
import { Agent, request } from 'node:http';
import {
  PAIRING_LOOKUP_PATH,
  PAIRING_WS_PATH,
  buildPairingAuth,
  randomBytes,
  sha256,
  toBase64,
  utf8,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { startRelayChild, waitUntil, type RelayChild } from '../../testkit/src/relay';
import { count, report } from './support/scale';
import { faultIdentity } from '../../testkit/src/identities';
import { setUpAccount } from '../../testkit/src/protocol-device';

const GUESSES = count(100_000, 10_000);
const PER_MINUTE = 10;
const GUESS_IPS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

let pg: PostgresCluster | undefined;
let relay: RelayChild | undefined;
const P1 = faultIdentity(910, 1);

const randomCode = (): string => Array.from(randomBytes(12), (b) => BASE32[b % 32] ?? 'A').join('');
const lookupKeyOf = (code: string): string => toBase64(sha256(utf8(code)));
const b64 = (n: number): string => toBase64(randomBytes(n));

function lookup(
  agent: Agent,
  key: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const body = JSON.stringify({ v: 1, lookupKey: key });
  const port = Number(new URL(relay?.base ?? 'http://127.0.0.1:1').port);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: PAIRING_LOOKUP_PATH,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const retry = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: retry, body: text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Frames {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  closed: { code: number } | undefined;
}

async function pairingSocket(localAddress = '127.0.0.1'): Promise<Frames> {
  const ws = new WebSocket(`${relay?.base.replace(/^http/, 'ws') ?? ''}${PAIRING_WS_PATH}`, {
    localAddress,
  });
  const f: Frames = { ws, frames: [], closed: undefined };
  ws.on('message', (d) => {
    const parsed: unknown = JSON.parse(d.toString());
    if (typeof parsed === 'object' && parsed !== null)
      f.frames.push(Object.fromEntries(Object.entries(parsed)));
  });
  ws.on('close', (code) => (f.closed = { code }));
  ws.on('error', () => undefined);
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('unexpected-response', (_q, res) => j(new Error(`upgrade refused ${res.statusCode}`)));
  });
  await waitUntil('pairing-hello', () => f.frames.length > 0, 10_000);
  return f;
}

const responseFrame = () => ({
  type: 'pair-response',
  v: 1,
  x25519: b64(32),
  mlkemCiphertext: b64(1088),
  device: {
    id: 'fa000001-0000-4000-8000-00000000fa17',
    ed25519: b64(32),
    x25519: b64(32),
    label: 'guesser',
  },
  mac: b64(32),
});

beforeAll(async () => {
  pg = await startPostgres();
  relay = await startRelayChild({
    env: { DATABASE_URL: pg.url, RELAY_PAIRING_LOOKUPS_PER_MINUTE: String(PER_MINUTE) },
  });
  await setUpAccount(relay.base, P1, []);
});

afterAll(async () => {
  await relay?.stop('SIGKILL');
  pg?.destroy();
});

describe('attacks: pairing codes', () => {
  it(`finds nothing in ${GUESSES} guesses, bounds them per address, and locks out`, async () => {
    // A, with a real offer open.
    const code = randomCode();
    const key = lookupKeyOf(code);
    const a = await pairingSocket();
    const challenge = String(a.frames[0]?.['challenge']);
    a.ws.send(
      JSON.stringify(buildPairingAuth(P1.signing.secretKey, challenge, P1.accountId, P1.deviceId)),
    );
    await waitUntil(
      'pairing-ready',
      () => a.frames.some((f) => f['type'] === 'pairing-ready'),
      10_000,
    );
    a.ws.send(
      JSON.stringify({
        type: 'pairing-open',
        lookupKey: key,
        offer: {
          type: 'pair-offer',
          v: 1,
          x25519: b64(32),
          mlkem: b64(1184),
          commit: b64(32),
          mac: b64(32),
        },
        ttlMs: 600_000,
      }),
    );
    await waitUntil(
      'pairing-opened',
      () => a.frames.some((f) => f['type'] === 'pairing-opened'),
      10_000,
    );

    // The guessers: HTTP lookups from four addresses, as fast as they answer.
    const started = Date.now();
    const statuses = new Map<number, number>();
    let hits = 0;
    let missingRetryAfter = 0;
    let sent = 0;
    let resets = 0;
    const evaluated = new Map<string, number>();
    await Promise.all(
      GUESS_IPS.flatMap((ip) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: ip });
        return [0, 1, 2, 3].map(async () => {
          while (sent < GUESSES) {
            sent += 1;
            const guess = randomCode();
            if (guess === code) continue;
            let r: Awaited<ReturnType<typeof lookup>>;
            try {
              r = await lookup(agent, lookupKeyOf(guess));
            } catch (e) {
              // A kept-alive socket the server had just closed: count it, ask again.
              resets += 1;
              if (resets > GUESSES / 100) throw e;
              continue;
            }
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            if (r.status === 200) hits += 1;
            if (r.status === 404) evaluated.set(ip, (evaluated.get(ip) ?? 0) + 1);
            if (r.status === 429 && (r.retryAfter === undefined || Number(r.retryAfter) < 1))
              missingRetryAfter += 1;
          }
          agent.destroy();
        });
      }),
    );
    const minutes = (Date.now() - started) / 60_000;
    // Guesses over the pairing socket draw from the same budget.
    const wsIp = '127.0.0.6';
    let wsRefused = 0;
    let wsEvaluated = 0;
    for (let n = 0; n < PER_MINUTE + 5; n += 1) {
      const b = await pairingSocket(wsIp);
      b.ws.send(
        JSON.stringify({
          type: 'pairing-join',
          v: 1,
          lookupKey: lookupKeyOf(randomCode()),
          response: responseFrame(),
        }),
      );
      await waitUntil('join answer', () => b.frames.length > 1 || b.closed !== undefined, 10_000);
      const answer = b.frames[1];
      if (answer?.['code'] === 'rate-limited') {
        wsRefused += 1;
        expect(Number(answer['retryAfterMs'])).toBeGreaterThan(0);
      } else if (answer?.['code'] === 'not-found') wsEvaluated += 1;
      else hits += 1;
      b.ws.terminate();
    }
    expect(hits).toBe(0);
    expect(missingRetryAfter).toBe(0);
    const budget = Math.ceil(PER_MINUTE * (1 + minutes)) + 1;
    for (const ip of GUESS_IPS) expect(evaluated.get(ip) ?? 0).toBeLessThanOrEqual(budget);
    expect(wsEvaluated).toBeLessThanOrEqual(PER_MINUTE);
    expect(wsRefused).toBeGreaterThan(0);

    // The real code still finds its offer: guessing did not burn it.
    const owner = new Agent({ localAddress: '127.0.0.7' });
    expect((await lookup(owner, key)).status).toBe(200);

    // Lockout: five responses that A refuses (their MAC does not verify) burn the code.
    for (let n = 0; n < 5; n += 1) {
      const b = await pairingSocket(`127.0.0.${10 + n}`);
      const seen = a.frames.length;
      b.ws.send(
        JSON.stringify({ type: 'pairing-join', v: 1, lookupKey: key, response: responseFrame() }),
      );
      await waitUntil(
        'A hears the join',
        () => a.frames.slice(seen).some((f) => f['type'] === 'pairing-from'),
        10_000,
      );
      const from = a.frames.slice(seen).find((f) => f['type'] === 'pairing-from');
      a.ws.send(JSON.stringify({ type: 'pairing-reject', joiner: from?.['joiner'] }));
      await waitUntil('B is told', () => b.frames.length > 1 || b.closed !== undefined, 10_000);
      b.ws.terminate();
    }
    await waitUntil(
      'the offer to burn',
      () => a.frames.some((f) => f['type'] === 'pairing-ended'),
      10_000,
    );
    expect(a.frames.find((f) => f['type'] === 'pairing-ended')?.['reason']).toBe('burned');
    const afterBurn = await lookup(new Agent({ localAddress: '127.0.0.20' }), key);
    expect(afterBurn.status).toBe(410);
    expect(afterBurn.body).toContain('burned');
    const late = await pairingSocket('127.0.0.21');
    late.ws.send(
      JSON.stringify({ type: 'pairing-join', v: 1, lookupKey: key, response: responseFrame() }),
    );
    await waitUntil(
      'late join answer',
      () => late.frames.length > 1 || late.closed !== undefined,
      10_000,
    );
    expect(late.frames[1]?.['code']).toBe('burned');
    late.ws.terminate();
    a.ws.terminate();

    report('attacks: pairing codes', {
      guesses: sent,
      hits,
      evaluated: [...evaluated.values()].reduce((x, y) => x + y, 0),
      budgetPerAddress: budget,
      addresses: GUESS_IPS.length,
      ...Object.fromEntries([...statuses].map(([s, n]) => [`s${s}`, n])),
      resets,
      wsRefused,
      wsEvaluated,
      lockoutAfter: 5,
      minutes: minutes.toFixed(2),
    });
  });
});
