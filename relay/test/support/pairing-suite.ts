/**
 * The pairing routes over real sockets, on PGlite and on Postgres: the whole
 * honest flow with the real pairing core, expiry, single use, burning after
 * five refused responses, the per-IP lookup budget with Retry-After, aborts,
 * and that frames reach only the offering account's socket. With a shared
 * database (Postgres) also A and B on two relay processes.
 */
import {
  PAIRING_CLOSE_CODES,
  acceptPairingOffer,
  createPairingOffer,
  PAIRING_PROTOCOL_VERSION,
  decodePairEnvelope,
  decodePairResponse,
  decodePairReveal,
  encodePairEnvelope,
  encodePairResponse,
  encodePairReveal,
  confirmPairingSas,
  openPairingEnvelope,
  receivePairingResponse,
  receivePairingReveal,
  releaseMasterKey,
  signAuth,
  toBase64,
  type PairingDevice,
  type PairingServerFrame,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayLimitsConfig } from '../../src/config.js';
import type { StoreConfig } from '../../src/store/index.js';
import { connectDevice } from '../../../testkit/src/protocol-device.js';
import { identity, type Identity } from '../../../testkit/src/identities.js';
import {
  join,
  lookup,
  lookupKeyOf,
  offerorSocket,
  openOffer,
  openPairing,
  type PairingSocket,
} from './pairing-client.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const K_MASTER = Uint8Array.from({ length: 32 }, (_, i) => i);

/** B's identity: keys of test device (90 + n, 1), to be added to `account`'s account. */
function newDevice(n: number, account: Identity): { pairing: PairingDevice; as: Identity } {
  const t = identity(90 + n, 1, { label: `Chromium on Linux ${n}` });
  return {
    pairing: {
      id: t.deviceId,
      ed25519: t.signing.publicKey,
      x25519: t.box.publicKey,
      label: t.label,
    },
    as: { ...t, accountId: account.accountId },
  };
}

const isFrame = <K extends PairingServerFrame['type']>(
  frame: PairingServerFrame,
  type: K,
): frame is Extract<PairingServerFrame, { type: K }> => frame.type === type;

function expectFrame<K extends PairingServerFrame['type']>(
  frame: PairingServerFrame,
  type: K,
): Extract<PairingServerFrame, { type: K }> {
  if (!isFrame(frame, type)) throw new Error(`expected ${type}, got ${JSON.stringify(frame)}`);
  return frame;
}

/** A well-formed pair-response to some other offer (the relay checks shape only). */
function anyResponse(n: number): object {
  const created = createPairingOffer({ now: Date.now() });
  const t = identity(80 + n, 1);
  const accepted = acceptPairingOffer(
    created.offer,
    { code: created.code },
    { id: t.deviceId, ed25519: t.signing.publicKey, x25519: t.box.publicKey, label: 'x' },
  );
  if (!accepted.ok) throw accepted.error;
  return encodePairResponse(accepted.value.response);
}

export function pairingSuite(
  name: string,
  database: () => Promise<StoreConfig>,
  options: { shared: boolean; dispose?: () => Promise<void> },
): void {
  describe(`pairing routes: ${name}`, () => {
    const relays: RunningRelay[] = [];
    const sockets: PairingSocket[] = [];
    let main: RunningRelay;
    let account = 0;
    const start = async (limits: Partial<RelayLimitsConfig> = {}): Promise<RunningRelay> => {
      const r = await startRelay(await database(), {
        limits: { pairingLookupsPerMinute: 1000, ...limits },
      });
      relays.push(r);
      return r;
    };
    /** A fresh account with one device, A. */
    const deviceA = async (relay = main): Promise<Identity> => {
      const a = identity(50 + ++account, 1);
      await relay.app.relay.store.registerAccount(a.accountId, {
        deviceId: a.deviceId,
        signingKey: toBase64(a.signing.publicKey),
        boxKey: toBase64(a.box.publicKey),
        label: a.label,
      });
      return a;
    };
    const track = <T extends PairingSocket>(s: T): T => {
      sockets.push(s);
      return s;
    };

    beforeAll(async () => {
      main = await start();
    }, 120_000);
    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      for (const r of relays) await r.close();
      await options.dispose?.();
    });

    /** Runs a whole honest pairing; A on `relayA`, B on `relayB`. */
    const pairThrough = async (
      relayA: RunningRelay,
      relayB: RunningRelay,
      n: number,
    ): Promise<void> => {
      const a = await deviceA(relayA);
      const b = newDevice(n, a);
      const sa = track(await offerorSocket(relayA.base, a));
      const { created, expiresAt } = await openOffer(sa);
      expect(expiresAt).toBeGreaterThan(Date.now());
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);

      const joined = await join(relayB.base, created.code, b.pairing);
      const sb = track(joined.socket);
      const from = expectFrame(await sa.next(), 'pairing-from');
      expect(from.message).toEqual(encodePairResponse(joined.response));
      const response = decodePairResponse(from.message);
      if (!response.ok) throw response.error;
      const answered = receivePairingResponse(created.state, response.value, Date.now());
      if (!answered.ok) throw answered.error;
      sa.send({
        type: 'pairing-to',
        joiner: from.joiner,
        message: encodePairReveal(answered.reveal),
      });

      const reveal = decodePairReveal(await sb.next());
      if (!reveal.ok) throw reveal.error;
      const comparing = receivePairingReveal(joined.state, reveal.value);
      if (!comparing.ok) throw comparing.error;
      expect(comparing.value.sas).toBe(answered.sas);

      const envelope = releaseMasterKey(answered.state, K_MASTER, a.accountId);
      if (!envelope.ok) throw envelope.error;
      sa.send({
        type: 'pairing-complete',
        joiner: from.joiner,
        device: encodePairResponse(joined.response).device,
        envelope: encodePairEnvelope(envelope.value),
      });
      const sealed = decodePairEnvelope(await sb.next());
      if (!sealed.ok) throw sealed.error;
      // B's user confirmed the same digits.
      const confirmed = confirmPairingSas(comparing.value.state);
      if (!confirmed.ok) throw confirmed.error;
      const opened = openPairingEnvelope(confirmed.value, sealed.value);
      if (!opened.ok) throw opened.error;
      expect(opened.value).toEqual({ kMaster: K_MASTER, accountId: a.accountId });
      expect(expectFrame(await sa.next(), 'pairing-completed').deviceId).toBe(b.pairing.id);
      expect((await sb.closed).code).toBe(PAIRING_CLOSE_CODES.done);
      expect((await sa.closed).code).toBe(PAIRING_CLOSE_CODES.done);

      // A registered B's exact keys: B now authenticates on the sync socket with its own.
      const stored = await relayA.app.relay.store.getDevice(a.accountId, b.pairing.id);
      expect(stored).toMatchObject({
        signingKey: toBase64(b.pairing.ed25519),
        boxKey: toBase64(b.pairing.x25519),
        label: b.pairing.label,
        revokedAt: null,
      });
      const synced = await connectDevice(relayB.base, b.as);
      expect(synced.ready.deviceId).toBe(b.pairing.id);
      await synced.close();

      // Single use: the code now answers "used", and so does a join.
      const again = await lookup(relayB.base, lookupKeyOf(created.code));
      expect(again.status).toBe(410);
      expect(await again.json()).toMatchObject({ type: 'error', code: 'used' });
    };

    it('pairs a device: lookup, join, reveal, same SAS, complete, B authenticates', async () => {
      await pairThrough(main, main, 1);
    });

    it.runIf(options.shared)('pairs across two relay processes on one database', async () => {
      const other = await start();
      await pairThrough(main, other, 2);
      await pairThrough(other, main, 3);
    });

    it('answers a lookup of an unknown code with 404, a bad body with 400', async () => {
      const r = await lookup(main.base, toBase64(new Uint8Array(32).fill(7)));
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ type: 'error', code: 'not-found' });
      const bad = await lookup(main.base, 'AAAA');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'bad-message' });
      const version = await lookup(main.base, toBase64(new Uint8Array(32)), { v: 2 });
      expect(version.status).toBe(400);
      expect(await version.json()).toMatchObject({ code: 'unsupported-version' });
    });

    it('expires offers: lookup and join say so, and A is told', async () => {
      const relay = await start({ pairingTtlMs: 400 });
      const a = await deviceA(relay);
      const sa = track(await offerorSocket(relay.base, a));
      expect(sa.hello.ttlMs).toBe(400);
      const { created, expiresAt } = await openOffer(sa, 600_000);
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(400);
      expect(expectFrame(await sa.next(2000), 'pairing-ended').reason).toBe('expired');
      expect((await sa.closed).code).toBe(PAIRING_CLOSE_CODES.ended);
      const r = await lookup(relay.base, lookupKeyOf(created.code));
      expect(r.status).toBe(410);
      expect(await r.json()).toMatchObject({
        code: 'expired',
        message: expect.stringMatching(/expired/),
      });
      const late = track(await openPairing(relay.base));
      late.send({
        type: 'pairing-join',
        v: PAIRING_PROTOCOL_VERSION,
        lookupKey: lookupKeyOf(created.code),
        response: anyResponse(1),
      });
      expect(await late.next()).toMatchObject({ type: 'error', code: 'expired' });
      expect((await late.closed).code).toBe(PAIRING_CLOSE_CODES.ended);
    });

    it('takes one reveal per offer; later joiners are cancelled or refused', async () => {
      const a = await deviceA();
      const sa = track(await offerorSocket(main.base, a));
      const { created } = await openOffer(sa);
      const first = await join(main.base, created.code, newDevice(10, a).pairing);
      const second = await join(main.base, created.code, newDevice(11, a).pairing);
      track(first.socket);
      track(second.socket);
      // The two joins race through the relay: tell them apart by the response each sent.
      const fa = expectFrame(await sa.next(), 'pairing-from');
      const fb = expectFrame(await sa.next(), 'pairing-from');
      expect(fa.joiner).not.toBe(fb.joiner);
      const firstFirst =
        JSON.stringify(fa.message) === JSON.stringify(encodePairResponse(first.response));
      const [f1, f2] = firstFirst ? [fa, fb] : [fb, fa];
      expect(f1.message).toEqual(encodePairResponse(first.response));
      const r1 = decodePairResponse(f1.message);
      if (!r1.ok) throw r1.error;
      const answered = receivePairingResponse(created.state, r1.value, Date.now());
      if (!answered.ok) throw answered.error;
      sa.send({
        type: 'pairing-to',
        joiner: f1.joiner,
        message: encodePairReveal(answered.reveal),
      });
      expect((await first.socket.next()).type).toBe('pair-reveal');
      // A second reveal, to the other joiner, is refused by the relay.
      sa.send({
        type: 'pairing-to',
        joiner: f2.joiner,
        message: encodePairReveal(answered.reveal),
      });
      expect(await sa.next()).toMatchObject({ type: 'error', code: 'used' });
      const third = await lookup(main.base, lookupKeyOf(created.code));
      expect(await third.json()).toMatchObject({ code: 'used' });
      // Completing with the first cancels the second.
      const envelope = releaseMasterKey(answered.state, K_MASTER, a.accountId);
      if (!envelope.ok) throw envelope.error;
      sa.send({
        type: 'pairing-complete',
        joiner: f1.joiner,
        device: encodePairResponse(first.response).device,
        envelope: encodePairEnvelope(envelope.value),
      });
      expect((await first.socket.next()).type).toBe('pair-envelope');
      expect(await second.socket.next()).toMatchObject({ type: 'pair-abort', reason: 'cancelled' });
      expect((await second.socket.closed).code).toBe(PAIRING_CLOSE_CODES.ended);
    });

    it('registers only the device B sent, and only after a reveal to that joiner', async () => {
      const a = await deviceA();
      const sa = track(await offerorSocket(main.base, a));
      const { created } = await openOffer(sa);
      const b = newDevice(12, a);
      const j = await join(main.base, created.code, b.pairing);
      track(j.socket);
      const from = expectFrame(await sa.next(), 'pairing-from');
      const device = encodePairResponse(j.response).device;
      const envelope = { type: 'pair-envelope', v: 1, sealed: toBase64(new Uint8Array(89)) };
      sa.send({ type: 'pairing-complete', joiner: from.joiner, device, envelope });
      expect(await sa.next()).toMatchObject({ type: 'error', code: 'unknown-joiner' });
      const r = decodePairResponse(from.message);
      if (!r.ok) throw r.error;
      const answered = receivePairingResponse(created.state, r.value, Date.now());
      if (!answered.ok) throw answered.error;
      sa.send({
        type: 'pairing-to',
        joiner: from.joiner,
        message: encodePairReveal(answered.reveal),
      });
      await j.socket.next();
      sa.send({
        type: 'pairing-complete',
        joiner: from.joiner,
        device: { ...device, ed25519: toBase64(new Uint8Array(32).fill(9)) },
        envelope,
      });
      expect(await sa.next()).toMatchObject({ type: 'error', code: 'bad-message' });
      expect(await main.app.relay.store.getDevice(a.accountId, b.pairing.id)).toBeUndefined();
    });

    it('burns the code after five refused responses', async () => {
      const a = await deviceA();
      const sa = track(await offerorSocket(main.base, a));
      const { created } = await openOffer(sa);
      for (let i = 1; i <= 5; i++) {
        const j = await join(main.base, created.code, newDevice(20 + i, a).pairing);
        track(j.socket);
        const from = expectFrame(await sa.next(), 'pairing-from');
        sa.send({ type: 'pairing-reject', joiner: from.joiner });
        expect(await j.socket.next()).toMatchObject({ type: 'pair-abort', reason: 'tampered' });
        expect((await j.socket.closed).code).toBe(PAIRING_CLOSE_CODES.ended);
        if (i < 5) {
          expect((await lookup(main.base, lookupKeyOf(created.code))).status).toBe(200);
        }
      }
      expect(expectFrame(await sa.next(), 'pairing-ended').reason).toBe('burned');
      expect((await sa.closed).code).toBe(PAIRING_CLOSE_CODES.ended);
      const r = await lookup(main.base, lookupKeyOf(created.code));
      expect(r.status).toBe(410);
      expect(await r.json()).toMatchObject({ code: 'burned' });
    });

    it('burns the code when either side aborts, or when A goes away', async () => {
      // B: "they don't match" after the reveal.
      const a = await deviceA();
      const sa = track(await offerorSocket(main.base, a));
      const { created } = await openOffer(sa);
      const j = await join(main.base, created.code, newDevice(30, a).pairing);
      track(j.socket);
      const from = expectFrame(await sa.next(), 'pairing-from');
      j.socket.send({ type: 'pair-abort', v: 1, reason: 'mismatch' });
      expect(await sa.next()).toEqual({
        type: 'pairing-from',
        joiner: from.joiner,
        message: { type: 'pair-abort', v: 1, reason: 'mismatch' },
      });
      expect(await (await lookup(main.base, lookupKeyOf(created.code))).json()).toMatchObject({
        code: 'burned',
      });

      // A aborts: the waiting B hears it.
      const sa2 = track(await offerorSocket(main.base, a));
      const o2 = await openOffer(sa2);
      const j2 = await join(main.base, o2.created.code, newDevice(31, a).pairing);
      track(j2.socket);
      await sa2.next();
      sa2.send({ type: 'pair-abort', v: 1, reason: 'mismatch' });
      expect(await j2.socket.next()).toMatchObject({ type: 'pair-abort', reason: 'mismatch' });
      expect((await sa2.closed).code).toBe(PAIRING_CLOSE_CODES.ended);
      expect((await lookup(main.base, lookupKeyOf(o2.created.code))).status).toBe(410);

      // A closes its socket: the offer burns.
      const sa3 = await offerorSocket(main.base, a);
      const o3 = await openOffer(sa3);
      sa3.ws.close();
      await sa3.closed;
      await new Promise((r) => setTimeout(r, 200));
      expect(await (await lookup(main.base, lookupKeyOf(o3.created.code))).json()).toMatchObject({
        code: 'burned',
      });
    });

    it('limits lookups per IP, with Retry-After, over HTTP and WebSocket together', async () => {
      const relay = await start({ pairingLookupsPerMinute: 3 });
      const key = toBase64(new Uint8Array(32).fill(3));
      for (let i = 0; i < 2; i++) expect((await lookup(relay.base, key)).status).toBe(404);
      const s = track(await openPairing(relay.base));
      s.send({
        type: 'pairing-join',
        v: 1,
        lookupKey: key,
        response: anyResponse(2),
      });
      expect(await s.next()).toMatchObject({ type: 'error', code: 'not-found' });
      const limited = await lookup(relay.base, key);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(20);
      const body = (await limited.json()) as {
        code: string;
        retryAfterMs: number;
        message: string;
      };
      expect(body).toMatchObject({ type: 'error', code: 'rate-limited' });
      expect(body.retryAfterMs).toBeGreaterThan(0);
      expect(body.message).toMatch(/too many/);
      const s2 = track(await openPairing(relay.base));
      s2.send({
        type: 'pairing-join',
        v: 1,
        lookupKey: key,
        response: anyResponse(2),
      });
      const refused = await s2.next();
      expect(refused).toMatchObject({ type: 'error', code: 'rate-limited' });
      expect(refused.type === 'error' ? refused.retryAfterMs : 0).toBeGreaterThan(0);
    });

    it("forwards only to the offering account's socket", async () => {
      const a = await deviceA();
      const other = await deviceA();
      const sa = track(await offerorSocket(main.base, a));
      const so = track(await offerorSocket(main.base, other));
      const { created } = await openOffer(sa);
      await openOffer(so);
      const b = newDevice(40, a);
      const j = await join(main.base, created.code, b.pairing);
      track(j.socket);
      const from = expectFrame(await sa.next(), 'pairing-from');
      await so.quiet(200);
      // The other account cannot address A's joiner, nor register it.
      so.send({
        type: 'pairing-to',
        joiner: from.joiner,
        message: { type: 'pair-abort', v: 1, reason: 'cancelled' },
      });
      expect(await so.next()).toMatchObject({ type: 'error', code: 'unknown-joiner' });
      so.send({
        type: 'pairing-complete',
        joiner: from.joiner,
        device: encodePairResponse(j.response).device,
        envelope: { type: 'pair-envelope', v: 1, sealed: toBase64(new Uint8Array(89)) },
      });
      expect(await so.next()).toMatchObject({ type: 'error', code: 'unknown-joiner' });
      await j.socket.quiet(200);
      expect(await main.app.relay.store.getDevice(other.accountId, b.pairing.id)).toBeUndefined();
    });

    it('authenticates A with its own signature context, and refuses revoked devices', async () => {
      const a = await deviceA();
      const s = track(await openPairing(main.base));
      s.send({
        type: 'pairing-open',
        lookupKey: toBase64(new Uint8Array(32)),
        offer: {},
        ttlMs: 1,
      });
      expect(await s.next()).toMatchObject({ type: 'error', code: 'bad-message' });
      // A signature for the sync socket is not valid here.
      s.send({
        type: 'pairing-auth',
        v: 1,
        accountId: a.accountId,
        deviceId: a.deviceId,
        signature: signAuth(a.signing.secretKey, s.hello.challenge, a.accountId, a.deviceId),
      });
      expect(await s.next()).toMatchObject({ type: 'error', code: 'auth-failed' });
      expect((await s.closed).code).toBe(PAIRING_CLOSE_CODES.authFailed);

      // Another device of the account revokes A (an account's last device cannot be revoked).
      const other = identity(50 + account, 2);
      await main.app.relay.store.addDevice(a.accountId, {
        deviceId: other.deviceId,
        signingKey: toBase64(other.signing.publicKey),
        boxKey: toBase64(other.box.publicKey),
        label: other.label,
      });
      expect(await main.app.relay.store.revokeDevice(a.accountId, a.deviceId)).toBe('revoked');
      await expect(offerorSocket(main.base, a)).rejects.toThrow(/revoked/);
    });

    it('refuses A-only frames before auth and a second offer on one socket', async () => {
      const a = await deviceA();
      const s = track(await openPairing(main.base));
      s.send({ type: 'pairing-reject', joiner: '0'.repeat(32) });
      expect(await s.next()).toMatchObject({ type: 'error', code: 'not-authenticated' });
      const sa = track(await offerorSocket(main.base, a));
      await openOffer(sa);
      await expect(openOffer(sa)).rejects.toThrow(/busy/);
      sa.send('not a frame');
      expect(await sa.next()).toMatchObject({ type: 'error', code: 'bad-message' });
    });
  });
}
