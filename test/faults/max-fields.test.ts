/**
 * Fuzz, every field at its maximum (reliability promise 5, support/max-fields.ts):
 * each client message of the sync socket (before and after authentication)
 * and of the pairing socket, with each string field in turn at its schema's
 * maximum, at the size that makes the frame exactly the frame limit, and one
 * byte past it, in three fillers (ASCII, two-byte, surrogate pairs).
 *
 * Two relay children on Postgres: one with the fuzz suite's small limits
 * (64 KiB frames) and one with the defaults (5.6 MB frames, 4 MiB events).
 * Pass: every frame gets a typed answer (never `internal`) or a clean close
 * (a close code, 1009 for a frame past the limit); the relay never exits,
 * /healthz answers 200, no error-level log line. Full scale sends every
 * filler to the default relay and repeats both passes; CI scale sends the
 * default relay ASCII only.
 */
import {
  DEFAULT_LIMITS,
  ERROR_CODES,
  PAIRING_ERROR_CODES,
  PAIRING_WS_PATH,
  WS_PATH,
  decodePairingServerFrame,
  decodeServerMessage,
  ready,
  signAuth,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { pairingTemplates, syncTemplates, type Json } from './support/fuzz-gen';
import { maxFieldFrames, type Filler, type MaxFrame } from './support/max-fields';
import { health, startRelayChild, type RelayChild } from '../../testkit/src/relay';
import { SCALE, count, report, rng } from './support/scale';
import { faultIdentity, type Identity } from '../../testkit/src/identities';
import { setUpAccount } from '../../testkit/src/protocol-device';

const ANSWER_MS = 30_000;
const REPEATS = count(3, 1);
const AUTH_LIMIT = 4096;
const PAIRING_LIMIT = 4096;
const SMALL = { frame: 64 * 1024, event: 32 * 1024 };
const CODES = new Set<string>([...ERROR_CODES, ...PAIRING_ERROR_CODES]);

let pg: PostgresCluster | undefined;
const relays: RelayChild[] = [];

interface Tally {
  frames: number;
  answered: number;
  closed: number;
  closes: Map<number, number>;
  bad: string[];
  bytes: number;
}

interface Conn {
  ws: WebSocket;
  next(): Promise<{ text?: string; close?: number }>;
}

async function openConn(url: string): Promise<Conn> {
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  const queue: { text?: string; close?: number }[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (d) => {
    queue.push({ text: d.toString() });
    wake?.();
  });
  ws.on('close', (code) => {
    queue.push({ close: code });
    wake?.();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_q, res) => reject(new Error(`refused ${res.statusCode}`)));
  });
  const next = async (): Promise<{ text?: string; close?: number }> => {
    const deadline = Date.now() + ANSWER_MS;
    for (;;) {
      const item = queue.shift();
      if (item !== undefined) return item;
      if (Date.now() > deadline) return {};
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  };
  return { ws, next };
}

/** Sends each frame and waits for its answer or the close; reconnects as needed. */
async function drive(
  url: string,
  frames: MaxFrame[],
  kind: 'sync' | 'pairing',
  tally: Tally,
  auth?: Identity,
): Promise<void> {
  let conn: Conn | undefined;
  const connect = async (): Promise<Conn> => {
    const c = await openConn(url);
    const hello = await c.next();
    if (auth !== undefined) {
      const challenge = (JSON.parse(hello.text ?? '{}') as { challenge?: string }).challenge ?? '';
      c.ws.send(
        JSON.stringify({
          type: 'auth',
          v: 1,
          accountId: auth.accountId,
          deviceId: auth.deviceId,
          signature: signAuth(auth.signing.secretKey, challenge, auth.accountId, auth.deviceId),
        }),
      );
      const readyFrame = await c.next();
      if (!(readyFrame.text ?? '').includes('"ready"')) {
        throw new Error(`not ready: ${JSON.stringify(readyFrame).slice(0, 200)}`);
      }
    }
    return c;
  };
  for (const f of frames) {
    conn ??= await connect();
    tally.frames += 1;
    tally.bytes += f.bytes;
    conn.ws.send(f.text);
    const got = await conn.next();
    if (got.close !== undefined) {
      tally.closed += 1;
      tally.closes.set(got.close, (tally.closes.get(got.close) ?? 0) + 1);
      if (f.name.includes('over-limit') && got.close !== 1009 && got.close !== 1006) {
        tally.bad.push(`${f.name}: closed ${got.close}, not 1009`);
      }
      conn = undefined;
      continue;
    }
    if (got.text === undefined) {
      tally.bad.push(`${f.name} (${f.bytes} bytes): no answer and no close`);
      conn.ws.terminate();
      conn = undefined;
      continue;
    }
    tally.answered += 1;
    if (f.name.includes('over-limit')) tally.bad.push(`${f.name}: answered past the frame limit`);
    const decoded =
      kind === 'sync' ? decodeServerMessage(got.text) : decodePairingServerFrame(got.text);
    if (!decoded.ok) tally.bad.push(`${f.name}: untyped answer ${got.text.slice(0, 120)}`);
    else if (decoded.value.type === 'error') {
      const code = decoded.value.code;
      if (!CODES.has(code) || code === 'internal') tally.bad.push(`${f.name}: error ${code}`);
    }
    // Before authentication, anything answered is then closed (only one auth is taken).
    if (kind === 'sync' && auth === undefined) {
      const after = await conn.next();
      if (after.close === undefined) tally.bad.push(`${f.name}: answered before auth, not closed`);
      else tally.closes.set(after.close, (tally.closes.get(after.close) ?? 0) + 1);
      conn.ws.terminate();
      conn = undefined;
    }
  }
  conn?.ws.terminate();
}

const FILLERS: readonly Filler[] = ['ascii', 'two-byte', 'surrogate-pairs'];

async function pass(
  relay: RelayChild,
  limits: { frame: number },
  fillers: readonly Filler[],
  me: Identity,
  seed: number,
): Promise<Tally> {
  const tally: Tally = { frames: 0, answered: 0, closed: 0, closes: new Map(), bad: [], bytes: 0 };
  const ws = relay.base.replace(/^http/, 'ws');
  const r = rng(seed);
  const sync = syncTemplates(r, me);
  const pairing = pairingTemplates(r);
  const framesOf = (templates: Record<string, Json>[], limit: number): MaxFrame[] =>
    templates.flatMap((t) => maxFieldFrames(t, limit, fillers));
  // Before authentication (the auth frame limit), after it (the frame limit), pairing.
  await drive(`${ws}${WS_PATH}`, framesOf(sync, AUTH_LIMIT), 'sync', tally);
  await drive(
    `${ws}${WS_PATH}`,
    framesOf(
      sync.filter((t) => t['type'] !== 'revoke'),
      limits.frame,
    ),
    'sync',
    tally,
    me,
  );
  await drive(`${ws}${PAIRING_WS_PATH}`, framesOf(pairing, PAIRING_LIMIT), 'pairing', tally);
  return tally;
}

beforeAll(async () => {
  await ready();
  pg = await startPostgres();
  const common = {
    DATABASE_URL: pg.url,
    RELAY_CONNECT_PER_MINUTE: '100000000',
    RELAY_PAIRING_LOOKUPS_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  };
  relays.push(
    await startRelayChild({
      env: {
        ...common,
        RELAY_MAX_FRAME_BYTES: String(SMALL.frame),
        RELAY_MAX_EVENT_BYTES: String(SMALL.event),
      },
    }),
    await startRelayChild({ env: common }),
  );
}, 300_000);

afterAll(async () => {
  for (const r of relays) await r.stop('SIGKILL');
  pg?.destroy();
});

describe('fuzz: every field at its maximum', () => {
  it('answers or cleanly closes every field at its schema maximum and at the frame limit', async () => {
    const [small, full] = relays;
    if (small === undefined || full === undefined) throw new Error('no relays');
    const started = performance.now();
    const tallies: Tally[] = [];
    for (let k = 0; k < REPEATS; k++) {
      for (const [i, relay] of [small, full].entries()) {
        const me = faultIdentity(930 + k * 2 + i, 1);
        await setUpAccount(relay.base, me, []);
        const limits = i === 0 ? SMALL : { frame: DEFAULT_LIMITS.maxFrameBytes };
        // The default relay gets ASCII only at CI scale: its frames are 5.6 MB each.
        const fillers = i === 0 || SCALE === 'full' ? FILLERS : FILLERS.slice(0, 1);
        tallies.push(await pass(relay, limits, fillers, me, 7000 + k * 10 + i));
      }
    }
    const sum = (f: (t: Tally) => number): number => tallies.reduce((n, t) => n + f(t), 0);
    const closes = new Map<number, number>();
    for (const t of tallies) for (const [c, n] of t.closes) closes.set(c, (closes.get(c) ?? 0) + n);
    const bad = tallies.flatMap((t) => t.bad);
    const loud = relays.flatMap((r) =>
      r.logs.filter((l) => /"level":(50|60)/.test(l) || /unhandled/i.test(l)),
    );
    report('max-fields', {
      frames: sum((t) => t.frames),
      answered: sum((t) => t.answered),
      closed: sum((t) => t.closed),
      bad: bad.length,
      errorLogLines: loud.length,
      MB: Math.round(sum((t) => t.bytes) / 1e6),
      rssSmallMB: Math.round(small.rss() / 2 ** 20),
      rssDefaultMB: Math.round(full.rss() / 2 ** 20),
      ms: Math.round(performance.now() - started),
    });
    report('max-fields closes', Object.fromEntries([...closes].map(([c, n]) => [String(c), n])));
    for (const r of relays) {
      expect(r.unexpectedExit).toBeUndefined();
      expect(await health(r.base)).toBe(200);
    }
    expect(bad.slice(0, 20)).toEqual([]);
    expect(loud.slice(0, 10)).toEqual([]);
  });
});
