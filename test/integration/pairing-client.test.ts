/**
 * The app's pairing flows in Node: device A's OfferSession and device B's
 * JoinSession (client/src/pairing) over real sockets to the real relay
 * (buildRelay on PGlite), then B's access to the account through the sync
 * socket, the device list, and revocation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACCOUNTS_PATH,
  buildRegisterRequest,
  decodePairingQr,
  ed25519KeyPair,
  fromHex,
  ready,
  x25519KeyPair,
  type PairingDevice,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay as startRelayOn, type RunningRelay } from '../../testkit/src/relay.js';
import {
  listDevices,
  relabelDevice,
  revokeDevice,
  type RelayAccess,
} from '../../client/src/pairing/devices';
import { JoinSession } from '../../client/src/pairing/join-session';
import { OfferSession } from '../../client/src/pairing/offer-session';
import { nodeSocket } from '../support/harness-device';

await ready();

const K_MASTER = fromHex('1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100');
const dirs: string[] = [];
const relays: RunningRelay[] = [];

async function startRelay(pairingTtlMs?: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-pairing-client-'));
  dirs.push(dir);
  const relay = await startRelayOn(
    { kind: 'pglite', dataDir: dir },
    {
      limits: {
        pairingLookupsPerMinute: 1000,
        ...(pairingTtlMs === undefined ? {} : { pairingTtlMs }),
      },
    },
  );
  relays.push(relay);
  return relay.base;
}

let accounts = 0;

/** Registers a fresh account whose first device is A; returns A's relay access. */
async function deviceA(base: string): Promise<RelayAccess> {
  const n = ++accounts;
  const accountId = `a7${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;
  const deviceId = `d7${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;
  const signing = ed25519KeyPair(seed(1, n));
  const box = x25519KeyPair(seed(2, n));
  const res = await fetch(`${base}${ACCOUNTS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildRegisterRequest(accountId, deviceId, signing, box.publicKey, 'A')),
  });
  expect(res.status).toBe(201);
  return {
    relayUrl: base,
    accountId,
    deviceId,
    signingSecretKey: signing.secretKey,
    connect: nodeSocket,
  };
}

/** B's identity: fixed keys per n, a fresh id. */
function deviceB(n: number): { pairing: PairingDevice; secret: Uint8Array } {
  const signing = ed25519KeyPair(seed(3, n));
  const box = x25519KeyPair(seed(4, n));
  return {
    pairing: {
      id: `b7${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`,
      ed25519: signing.publicKey,
      x25519: box.publicKey,
      label: `Chromium on Linux ${n}`,
    },
    secret: signing.secretKey,
  };
}

const seed = (tag: number, n: number): Uint8Array =>
  fromHex(
    `${tag.toString(16).padStart(2, '0')}${n.toString(16).padStart(6, '0')}`.padEnd(64, '5a'),
  );

function until<T extends { stage: string }, S extends T['stage']>(
  w: { get(): T; subscribe(l: () => void): () => void },
  stage: S,
  ms = 10_000,
): Promise<Extract<T, { stage: S }>> {
  const is = (v: T): v is Extract<T, { stage: S }> => v.stage === stage;
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const v = w.get();
      if (is(v)) {
        resolve(v);
        return true;
      }
      if (v.stage === 'ended' || v.stage === 'done') {
        reject(new Error(`ended at ${JSON.stringify(v)} while waiting for ${stage}`));
        return true;
      }
      return false;
    };
    if (check()) return;
    const timer = setTimeout(
      () => reject(new Error(`no ${stage}: ${JSON.stringify(w.get())}`)),
      ms,
    );
    const off = w.subscribe(() => {
      if (check()) {
        clearTimeout(timer);
        off();
      }
    });
  });
}

function start(base: string, a: RelayAccess) {
  const offer = new OfferSession({ ...a, kMaster: K_MASTER });
  const running = offer.run();
  return { offer, running };
}

function joiner(base: string, n: number) {
  const b = deviceB(n);
  const adopted: { kMaster: Uint8Array; accountId: string; relayUrl: string }[] = [];
  const session = new JoinSession({
    relayUrl: base,
    device: b.pairing,
    fetch: (url, init) => fetch(url, init),
    connect: nodeSocket,
    adopt: async (joined) => {
      adopted.push({ ...joined, kMaster: Uint8Array.from(joined.kMaster) });
      return { ok: true };
    },
  });
  return { session, b, adopted };
}

describe('pairing from the app (Node, real relay)', () => {
  let base: string;
  beforeAll(async () => {
    base = await startRelay();
  }, 120_000);
  afterAll(async () => {
    for (const r of relays) await r.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('pairs by typed code: same digits, the key arrives, B joins the account', async () => {
    const a = await deviceA(base);
    const { offer, running } = start(base, a);
    const waiting = await until(offer, 'waiting');
    expect(waiting.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const qr = decodePairingQr(waiting.qr);
    expect(qr.ok && qr.value.account).toBe(a.accountId);

    const { session, b, adopted } = joiner(base, 1);
    const joining = session.run({ code: waiting.code.toLowerCase() });
    const onA = await until(offer, 'confirming');
    const onB = await until(session, 'comparing');
    expect(onA.sas).toMatch(/^\d{6}$/);
    expect(onB.sas).toBe(onA.sas);
    expect(onA.label).toBe(b.pairing.label);

    offer.confirm();
    await until(offer, 'done');
    // The key is on B, held: B's own user has not confirmed yet.
    await new Promise((r) => setTimeout(r, 200));
    expect(session.get()).toMatchObject({ stage: 'comparing' });
    expect(adopted).toEqual([]);
    session.confirm();
    await until(session, 'done');
    await Promise.all([running, joining]);
    expect(adopted).toEqual([{ kMaster: K_MASTER, accountId: a.accountId, relayUrl: base }]);

    // B is a device of the account now, with its own key; A sees it in the list.
    const accessB: RelayAccess = {
      ...a,
      deviceId: b.pairing.id,
      signingSecretKey: b.secret,
    };
    const seenByB = await listDevices(accessB);
    expect(seenByB.ok && seenByB.value.find((d) => d.current)?.deviceId).toBe(b.pairing.id);
    const seenByA = await listDevices(a);
    if (!seenByA.ok) throw new Error(seenByA.error.message);
    expect(seenByA.value.map((d) => [d.deviceId, d.label, d.current])).toEqual([
      [a.deviceId, 'A', true],
      [b.pairing.id, b.pairing.label, false],
    ]);

    // Each names itself and the other; both lists show the names at once.
    expect((await relabelDevice(a, a.deviceId, 'Laptop')).ok).toBe(true);
    expect((await relabelDevice(accessB, a.deviceId, 'Work laptop')).ok).toBe(true);
    expect((await relabelDevice(a, b.pairing.id, 'Phone')).ok).toBe(true);
    for (const access of [a, accessB]) {
      const names = await listDevices(access);
      expect(names.ok && names.value.map((d) => d.label)).toEqual(['Work laptop', 'Phone']);
    }

    // Revoked: B is refused at once, A carries on.
    expect((await revokeDevice(a, b.pairing.id)).ok).toBe(true);
    const renameRefused = await relabelDevice(accessB, b.pairing.id, 'Mine');
    expect(!renameRefused.ok && renameRefused.error.code).toBe('revoked');
    const refused = await listDevices(accessB);
    expect(!refused.ok && refused.error.code).toBe('revoked');
    const still = await listDevices(a);
    expect(still.ok && still.value.find((d) => d.deviceId === b.pairing.id)?.revokedAt).toBeTypeOf(
      'number',
    );
  });

  it("ends both sides when A's user says the digits do not match", async () => {
    const a = await deviceA(base);
    const { offer, running } = start(base, a);
    const waiting = await until(offer, 'waiting');
    const { session, adopted } = joiner(base, 2);
    const joining = session.run({ code: waiting.code });
    await until(offer, 'confirming');
    await until(session, 'comparing');
    offer.mismatch();
    const endedB = await until(session, 'ended');
    expect(endedB.message).toMatch(/do not match/);
    expect(offer.get()).toMatchObject({ stage: 'ended', reason: 'mismatch' });
    await Promise.all([running, joining]);
    expect(adopted).toEqual([]);

    // The code is burned: typing it again gets a clear error.
    const again = joiner(base, 3);
    await again.session.run({ code: waiting.code });
    expect(again.session.get()).toMatchObject({
      stage: 'ended',
      message: expect.stringMatching(/cancelled/),
    });
  });

  it("ends both sides when B's user says the digits do not match", async () => {
    const a = await deviceA(base);
    const { offer, running } = start(base, a);
    const waiting = await until(offer, 'waiting');
    const { session } = joiner(base, 4);
    const joining = session.run({ code: waiting.code });
    await until(offer, 'confirming');
    await until(session, 'comparing');
    session.mismatch();
    const endedA = await until(offer, 'ended');
    expect(endedA.message).toMatch(/other device says the digits do not match/);
    await Promise.all([running, joining]);
  });

  it('pairs from the QR payload, and refuses a reused code', async () => {
    const a = await deviceA(base);
    const { offer, running } = start(base, a);
    const waiting = await until(offer, 'waiting');
    const qr = decodePairingQr(waiting.qr);
    if (!qr.ok) throw qr.error;
    const { session, adopted } = joiner(base, 5);
    const joining = session.run({ qr: qr.value });
    await until(offer, 'confirming');
    await until(session, 'comparing');
    // B's user may confirm first: B then waits for the key.
    session.confirm();
    expect(session.get()).toMatchObject({ stage: 'confirmed' });
    offer.confirm();
    await until(session, 'done');
    await Promise.all([running, joining]);
    expect(adopted[0]?.accountId).toBe(a.accountId);

    const reuse = joiner(base, 6);
    await reuse.session.run({ code: waiting.code });
    expect(reuse.session.get()).toMatchObject({
      stage: 'ended',
      message: expect.stringMatching(/already been used/),
    });
  });

  it('reports an unknown code, and a malformed one before any request', async () => {
    const unknown = joiner(base, 7);
    await unknown.session.run({ code: 'ABCD-EFGH-JKMN' });
    expect(unknown.session.get()).toMatchObject({ message: expect.stringMatching(/No device/) });
    const malformed = joiner(base, 8);
    await malformed.session.run({ code: 'hello' });
    expect(malformed.session.get()).toMatchObject({ message: expect.stringMatching(/12 letters/) });
  });

  it('expires on both sides', async () => {
    const short = await startRelay(800);
    const a = await deviceA(short);
    const { offer, running } = start(short, a);
    const waiting = await until(offer, 'waiting');
    expect(waiting.expiresAt - Date.now()).toBeLessThanOrEqual(800);
    const ended = await until(offer, 'ended', 5000);
    expect(ended.reason).toBe('expired');
    await running;
    const late = joiner(short, 9);
    await late.session.run({ code: waiting.code });
    expect(late.session.get()).toMatchObject({ message: expect.stringMatching(/expired/) });
  });

  it('refuses to offer from a device the relay does not know', async () => {
    const a = await deviceA(base);
    const { offer, running } = start(base, {
      ...a,
      deviceId: 'dd999999-0000-4000-8000-000000000000',
    });
    await running;
    expect(offer.get()).toMatchObject({
      stage: 'ended',
      message: expect.stringMatching(/does not know/),
    });
  });
});
