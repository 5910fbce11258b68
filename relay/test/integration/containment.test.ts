/**
 * One connection's bug closes that connection, never the process: a throw
 * injected at the start of `onFrame` (the fault hook `beforeFrame`, on both
 * sockets, before and after authentication) gets that socket an `internal`
 * error and close 1011, while every other connection, new connections and
 * /healthz carry on. Without the containment, the rejected `onFrame`
 * promise is unhandled and the process (here: the test run) goes down.
 */
import { PAIRING_WS_PATH, CLOSE_CODES, toBase64 } from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  connectDevice,
  openDevice,
  type ProtocolDevice,
} from '../../../testkit/src/protocol-device.js';
import { b64Id, fakeRecord, identity } from '../../../testkit/src/identities.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const A1 = identity(80, 1);
const B1 = identity(81, 1);
const MARK = 'inject-a-bug-here';

let relay: RunningRelay;
const sockets: { ws: WebSocket }[] = [];

/** The close code, or a failure after 10 s (a relay that lost the connection's bug never closes it). */
const closeCode = (ws: WebSocket): Promise<number> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not closed')), 10_000);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

beforeAll(async () => {
  relay = await startRelay(
    { kind: 'pglite' },
    {
      metricsToken: 't',
      faults: {
        beforeFrame(text) {
          if (text.includes(MARK)) throw new TypeError('an injected bug in onFrame');
        },
      },
    },
  );
  for (const d of [A1, B1]) {
    await relay.app.relay.store.registerAccount(d.accountId, {
      deviceId: d.deviceId,
      signingKey: toBase64(d.signing.publicKey),
      boxKey: toBase64(d.box.publicKey),
      label: d.label,
    });
  }
});

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await relay.close();
});

async function device(d: typeof A1): Promise<ProtocolDevice> {
  const c = await connectDevice(relay.base, d);
  sockets.push(c);
  return c;
}

async function othersCarryOn(bystander: ProtocolDevice): Promise<void> {
  expect((await bystander.client.ping()).ok).toBe(true);
  expect(
    (await bystander.client.push(b64Id(32, 0x80), b64Id(16, Date.now() % 250), fakeRecord(64, 1)))
      .ok,
  ).toBe(true);
  const again = await device(A1);
  expect((await again.client.ping()).ok).toBe(true);
  expect((await fetch(`${relay.base}/healthz`)).status).toBe(200);
}

const bugs = async (): Promise<number> =>
  (await relay.app.relay.metrics.bugs.get()).values[0]?.value ?? 0;

describe('a bug on one connection', () => {
  it('closes an authenticated sync socket with internal / 1011; the relay serves the others', async () => {
    const before = await bugs();
    const bystander = await device(B1);
    const victim = await device(A1);
    const closed = closeCode(victim.ws);
    victim.ws.send(JSON.stringify({ type: 'ping', id: 1, note: MARK }));
    expect(await closed).toBe(CLOSE_CODES.internal);
    expect(victim.errors.map((e) => e.code)).toContain('internal');
    expect(await bugs()).toBe(before + 1);
    await othersCarryOn(bystander);
  });

  it('closes a socket before authentication the same way', async () => {
    const bystander = await device(B1);
    const early = await openDevice(relay.base);
    sockets.push(early);
    const closed = closeCode(early.ws);
    early.ws.send(`{"type":"auth","${MARK}":1}`);
    expect(await closed).toBe(CLOSE_CODES.internal);
    await othersCarryOn(bystander);
  });

  it('closes a pairing socket the same way', async () => {
    const bystander = await device(B1);
    const url = `${relay.base.replace(/^http/, 'ws')}${PAIRING_WS_PATH}`;
    const ws = new WebSocket(url);
    sockets.push({ ws });
    const frames: string[] = [];
    ws.on('message', (m) => frames.push(m.toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = closeCode(ws);
    ws.send(JSON.stringify({ type: 'pair-abort', v: 1, reason: 'cancelled', note: MARK }));
    expect(await closed).toBe(CLOSE_CODES.internal);
    expect(frames.some((f) => f.includes('"internal"'))).toBe(true);
    // Another pairing socket still works.
    const next = new WebSocket(url);
    sockets.push({ ws: next });
    const hello = await new Promise<string>((resolve) =>
      next.once('message', (m) => resolve(m.toString())),
    );
    expect(JSON.parse(hello)).toMatchObject({ type: 'pairing-hello' });
    await othersCarryOn(bystander);
  });
});
