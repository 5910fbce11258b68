/**
 * Revocation is airtight on the relay: a device revoked while its `auth` is
 * in flight never gets a live session, whichever way the race falls.
 *
 * The device lookups of A2's auth are held at a gate (a store wrapper), and
 * A1 revokes A2 while they wait:
 *  - the revocation commits after the auth read the device (a stale "active"):
 *    the session joins the hub, looks again, sees the revocation, and closes;
 *  - the revocation commits after that second look: the session is in the hub
 *    by then, so the revocation reaches it there (in this process, or by
 *    NOTIFY from another one) and closes it.
 * A2 must see `revoked` and close 4403, never `ready`. Run on PGlite (one
 * process) and on Postgres with A1 and A2 on two relay processes.
 */
import { CLOSE_CODES, toBase64 } from '@cairn/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { RelayStore } from '../../src/store/types.js';
import { openStore, type StoreConfig } from '../../src/store/index.js';
import {
  connectDevice,
  openDevice,
  type ProtocolDevice,
} from '../../../testkit/src/protocol-device.js';
import { identity, type Identity } from '../../../testkit/src/identities.js';
import { freshDatabase, postgresUrl } from '../support/pg.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const relays: RunningRelay[] = [];
const sockets: ProtocolDevice[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  for (const r of relays) await r.close();
  for (const c of cleanups) await c();
});

/** A store whose lookups of `held` wait for `release` (the nth lookup, counting from 1). */
function gated(store: RelayStore, held: Identity, nth: number) {
  let calls = 0;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached = (): void => undefined;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'getDevice') return Reflect.get(target, prop, receiver) as unknown;
      return async (accountId: string, deviceId: string) => {
        const found = await target.getDevice(accountId, deviceId);
        if (deviceId === held.deviceId && ++calls === nth) {
          reached();
          await gate;
        }
        return found;
      };
    },
  });
  return { store: wrapped, release, atGate };
}

async function accountOf(store: RelayStore, a: number): Promise<[Identity, Identity]> {
  const d1 = identity(a, 1);
  const d2 = identity(a, 2);
  const keys = (d: Identity) => ({
    deviceId: d.deviceId,
    signingKey: toBase64(d.signing.publicKey),
    boxKey: toBase64(d.box.publicKey),
    label: d.label,
  });
  await store.registerAccount(d1.accountId, keys(d1));
  await store.addDevice(d1.accountId, keys(d2));
  return [d1, d2];
}

/** A2 authenticates on `b` while A1, on `a`, revokes it at the gate. */
async function race(
  a: RunningRelay,
  b: RunningRelay,
  gate: ReturnType<typeof gated>,
  d1: Identity,
  d2: Identity,
  inHub: boolean,
): Promise<void> {
  const revoker = await connectDevice(a.base, d1);
  sockets.push(revoker);
  const victim = await openDevice(b.base);
  sockets.push(victim);
  const frames: string[] = [];
  victim.ws.on('message', (m) => frames.push(m.toString()));
  const auth = victim.client.authenticate({
    accountId: d2.accountId,
    deviceId: d2.deviceId,
    signingSecretKey: d2.signing.secretKey,
  });
  await gate.atGate;
  expect((await revoker.client.revoke(d2.deviceId)).ok).toBe(true);
  // Held at its second look, the session is in the hub: the revocation reaches
  // it there (by NOTIFY when another process revoked) before the look returns.
  if (inHub) await victim.closed;
  gate.release();
  const answer = await auth;
  expect(!answer.ok && answer.error.code).toBe('revoked');
  expect((await victim.closed).code).toBe(CLOSE_CODES.revoked);
  expect(frames.some((f) => f.includes('"ready"'))).toBe(false);
  // And from then on it is refused outright.
  await expect(connectDevice(b.base, d2)).rejects.toThrow(/revoked/);
}

describe('a device revoked while it authenticates', () => {
  for (const [nth, when] of [
    [1, 'after its auth read the device'],
    [2, 'after its second look, once it joined the hub'],
  ] as const) {
    it(`gets no session on PGlite, revoked ${when}`, async () => {
      const base = await openStore({ kind: 'pglite' });
      cleanups.push(() => base.close());
      const [d1, d2] = await accountOf(base, 90 + nth);
      const gate = gated(base, d2, nth);
      const r = await startRelay({ kind: 'pglite' }, { store: gate.store });
      relays.push(r);
      await race(r, r, gate, d1, d2, nth === 2);
    });

    it(`gets no session on Postgres with two relay processes, revoked ${when}`, async () => {
      const db = await freshDatabase(postgresUrl());
      cleanups.push(() => db.drop());
      const config: StoreConfig = { kind: 'postgres', url: db.url };
      const a = await startRelay(config);
      relays.push(a);
      const base = await openStore(config);
      cleanups.push(() => base.close());
      const [d1, d2] = await accountOf(base, 95 + nth);
      const gate = gated(base, d2, nth);
      const b = await startRelay(config, { store: gate.store });
      relays.push(b);
      await race(a, b, gate, d1, d2, nth === 2);
    });
  }
});
