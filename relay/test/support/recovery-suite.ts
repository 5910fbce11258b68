/**
 * Every recovery route and each of its errors (docs/protocol.md "Recovery
 * routes"), run on PGlite and on Postgres: PUT, GET (with its decoys and its
 * per-IP limit), DELETE, and restore, which registers a device that then
 * authenticates over the WebSocket. Ends with a timing comparison of known and
 * unknown ids.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import {
  PROTOCOL_VERSION,
  RECOVERY_CLOCK_SKEW_MS,
  RECOVERY_STATUS_PATH,
  buildRecoveryCancel,
  buildRecoveryDelete,
  buildRecoveryPut,
  buildRecoveryRestore,
  buildRecoveryStatus,
  CairnError,
  fromBase64,
  fromHex,
  generatePhrase,
  openRecoveryBlobWithKeys,
  recoveryCredentials,
  RECOVERY_CANCEL_PATH,
  recoveryPath,
  recoveryRestorePath,
  sealRecoveryBlobWithKeys,
  toHex,
  type RecoveryCredentials,
} from '@cairn/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RELAY_LIMITS } from '../../src/config.js';
import type { StoreConfig } from '../../src/store/index.js';
import { connectDevice, type ProtocolDevice } from '../../../testkit/src/protocol-device.js';
import { b64Id, fakeRecord, identity, type Identity } from '../../../testkit/src/identities.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';
import { auc, ksStatistic, median } from './timing.js';

const A1 = identity(1, 1);
const A2 = identity(1, 2);
const B1 = identity(2, 1);
const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const NONCE = fromHex('606162636465666768696a6b6c6d6e6f7071727374757677');
const entropy = (fill: number): Uint8Array => new Uint8Array(16).fill(fill);

type Json = Record<string, unknown>;

/** Strictly increasing signedAt values near the relay's clock. */
let lastSignedAt = 0;
const signedNow = (): number => (lastSignedAt = Math.max(Date.now(), lastSignedAt + 1));

function codeOfError(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof CairnError) return e.code;
    throw e;
  }
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const signer = (d: Identity) => ({
  accountId: d.accountId,
  deviceId: d.deviceId,
  signing: d.signing,
});

export function recoverySuite(
  name: string,
  database: () => Promise<StoreConfig>,
  dispose: () => Promise<void> = async () => {},
): void {
  describe(`recovery routes: ${name}`, () => {
    const relays: RunningRelay[] = [];
    const sockets: ProtocolDevice[] = [];
    let main: RunningRelay;
    let credsA: RecoveryCredentials;
    let credsB: RecoveryCredentials;
    let idA: string;
    let blobA: Uint8Array;

    const start = async (
      opts: Parameters<typeof startRelay>[1] = {},
      db?: StoreConfig,
    ): Promise<RunningRelay> => {
      const r = await startRelay(db ?? (await database()), opts);
      relays.push(r);
      for (const d of [A1, A2, B1]) {
        const device = {
          deviceId: d.deviceId,
          signingKey: b64(d.signing.publicKey),
          boxKey: b64(d.box.publicKey),
          label: d.label,
        };
        const outcome =
          d === A2
            ? await r.app.relay.store.addDevice(d.accountId, device)
            : await r.app.relay.store.registerAccount(d.accountId, device);
        expect(outcome).not.toBe('conflict');
      }
      return r;
    };
    const send = (
      method: 'GET' | 'PUT' | 'DELETE' | 'POST',
      url: string,
      body?: unknown,
      relay = main,
      remoteAddress = '127.0.0.1',
    ): Promise<LightMyRequestResponse> =>
      relay.app.inject({
        method,
        url,
        remoteAddress,
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      });
    const put = (id: string, body: unknown, relay = main) =>
      send('PUT', recoveryPath(id), body, relay);
    const del = (id: string, body: unknown, relay = main) =>
      send('DELETE', recoveryPath(id), body, relay);
    const get = (id: string, relay = main, ip = '127.0.0.1') =>
      send('GET', recoveryPath(id), undefined, relay, ip);
    const restore = (id: string, body: unknown, relay = main, ip = '127.0.0.1') =>
      send('POST', recoveryRestorePath(id), body, relay, ip);
    const putBody = (d: Identity, creds: RecoveryCredentials, blob: Uint8Array, at = signedNow()) =>
      buildRecoveryPut(signer(d), creds.recoveryId, blob, creds.restoreKey.publicKey, at);
    const errorOf = (res: LightMyRequestResponse): { status: number; code: unknown } => ({
      status: res.statusCode,
      code: res.json<Json>().code,
    });

    beforeAll(async () => {
      // The suite sends many writes from one address; the write budget has its own test.
      main = await start({ limits: { registerPerMinute: 10_000 } });
      credsA = recoveryCredentials(generatePhrase(entropy(0x11)));
      credsB = recoveryCredentials(generatePhrase(entropy(0x22)));
      idA = toHex(credsA.recoveryId);
      blobA = sealRecoveryBlobWithKeys(credsA, K_MASTER, A1.accountId, NONCE);
    });
    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      for (const r of relays) await r.close();
      await dispose();
    });

    describe('PUT', () => {
      it('stores the blob (204) and GET returns it', async () => {
        const res = await put(idA, putBody(A1, credsA, blobA));
        expect(res.statusCode).toBe(204);
        const got = await get(idA);
        expect(got.statusCode).toBe(200);
        expect(got.json()).toEqual({ blob: b64(blobA) });
        const opened = openRecoveryBlobWithKeys(
          credsA,
          fromBase64(got.json<Json>()['blob'] as string)!,
        );
        expect(opened.accountId).toBe(A1.accountId);
        expect(toHex(opened.kMaster)).toBe(toHex(K_MASTER));
      });

      it('refuses a malformed id, a blob of the wrong size or version, a wrong protocol version', async () => {
        const body = putBody(A1, credsA, blobA);
        expect(errorOf(await put(idA.toUpperCase(), body))).toEqual({
          status: 400,
          code: 'bad-message',
        });
        expect(errorOf(await put(idA.slice(2), body))).toEqual({
          status: 400,
          code: 'bad-message',
        });
        const short = { ...body, blob: b64(blobA.subarray(0, 88)) };
        expect(errorOf(await put(idA, short))).toEqual({ status: 400, code: 'bad-message' });
        const long = { ...body, blob: b64(new Uint8Array([...blobA, 0])) };
        expect(errorOf(await put(idA, long))).toEqual({ status: 400, code: 'bad-message' });
        const v2 = Uint8Array.from(blobA);
        v2[0] = 2;
        const res = await put(idA, putBody(A1, credsA, v2));
        expect(errorOf(res)).toEqual({ status: 400, code: 'bad-message' });
        expect(res.json<Json>()['message']).toMatch(/version/);
        const { signature: _s, ...unsigned } = body;
        expect(errorOf(await put(idA, unsigned))).toEqual({ status: 400, code: 'bad-message' });
        expect(errorOf(await put(idA, { ...body, v: PROTOCOL_VERSION + 1 }))).toEqual({
          status: 400,
          code: 'unsupported-version',
        });
        const huge = await send('PUT', recoveryPath(idA), { ...body, pad: 'x'.repeat(10_000) });
        expect(errorOf(huge)).toEqual({ status: 413, code: 'too-large' });
      });

      it('refuses a bad signature, an unknown device, another account’s device: 401', async () => {
        // Signed for another recovery id, then sent to this one.
        const other = buildRecoveryPut(
          signer(A1),
          credsB.recoveryId,
          blobA,
          credsA.restoreKey.publicKey,
          signedNow(),
        );
        expect(errorOf(await put(idA, other))).toEqual({ status: 401, code: 'auth-failed' });
        // Signed by B1's key under A1's ids.
        const forged = buildRecoveryPut(
          { ...signer(A1), signing: B1.signing },
          credsA.recoveryId,
          blobA,
          credsA.restoreKey.publicKey,
          signedNow(),
        );
        expect(errorOf(await put(idA, forged))).toEqual({ status: 401, code: 'auth-failed' });
        const stranger = identity(9, 9);
        expect(errorOf(await put(idA, putBody(stranger, credsA, blobA)))).toEqual({
          status: 401,
          code: 'auth-failed',
        });
        // B1 naming account A.
        const crossed = buildRecoveryPut(
          { ...signer(B1), accountId: A1.accountId },
          credsA.recoveryId,
          blobA,
          credsA.restoreKey.publicKey,
          signedNow(),
        );
        expect(errorOf(await put(idA, crossed))).toEqual({ status: 401, code: 'auth-failed' });
        // A changed blob no longer matches the signed hash.
        const body = putBody(A1, credsA, blobA);
        const swapped = Uint8Array.from(blobA);
        swapped[40]! ^= 1;
        expect(errorOf(await put(idA, { ...body, blob: b64(swapped) }))).toEqual({
          status: 401,
          code: 'auth-failed',
        });
        expect((await get(idA)).json()).toEqual({ blob: b64(blobA) });
      });

      it('refuses a replayed request and one outside the clock window: 401', async () => {
        const body = putBody(A1, credsA, blobA);
        // The account has a blob now: storing one again is a change that waits (202).
        expect((await put(idA, body)).statusCode).toBe(202);
        const replay = await put(idA, body);
        expect(errorOf(replay)).toEqual({ status: 401, code: 'auth-failed' });
        expect(replay.json<Json>()['message']).toMatch(/replayed/);
        const old = putBody(A1, credsA, blobA, Date.now() - RECOVERY_CLOCK_SKEW_MS - 60_000);
        expect(errorOf(await put(idA, old))).toEqual({ status: 401, code: 'auth-failed' });
        const future = putBody(A1, credsA, blobA, Date.now() + RECOVERY_CLOCK_SKEW_MS + 60_000);
        expect(errorOf(await put(idA, future))).toEqual({ status: 401, code: 'auth-failed' });
      });

      it('refuses an id another account holds: 409 exists', async () => {
        const res = await put(idA, putBody(B1, credsA, blobA));
        expect(errorOf(res)).toEqual({ status: 409, code: 'exists' });
        expect((await get(idA)).json()).toEqual({ blob: b64(blobA) });
      });
    });

    describe('GET', () => {
      it('answers an unknown id with a stable decoy of the same shape as a stored blob', async () => {
        const unknown = toHex(credsB.recoveryId);
        const [known, first, again, other] = await Promise.all([
          get(idA),
          get(unknown),
          get(unknown),
          get('ab'.repeat(32)),
        ]);
        for (const res of [known, first, again, other]) {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe(known.headers['content-type']);
          expect(res.headers['content-length']).toBe(known.headers['content-length']);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(Object.keys(res.headers).sort()).toEqual(Object.keys(known.headers).sort());
        }
        const decoy = fromBase64(first.json<Json>()['blob'] as string)!;
        expect(decoy).toHaveLength(89);
        expect(decoy[0]).toBe(1);
        expect(again.json()).toEqual(first.json());
        expect(other.json()).not.toEqual(first.json());
        // The phrase's own keys tell: the AEAD fails, "no backup for this phrase".
        expect(codeOfError(() => openRecoveryBlobWithKeys(credsB, decoy))).toBe('wrong-phrase');
      });

      it('keeps the decoy across a restart (the decoy key is stored)', async () => {
        const unknown = toHex(credsB.recoveryId);
        const db = await database();
        const first = await start({}, db);
        const before = (await get(unknown, first)).json();
        await first.close();
        relays.splice(relays.indexOf(first), 1);
        const second = await start({}, db);
        expect((await get(unknown, second)).json()).toEqual(before);
      });

      it('refuses a malformed id: 400', async () => {
        expect(errorOf(await get('not-hex'))).toEqual({ status: 400, code: 'bad-message' });
      });
    });

    describe('restore', () => {
      const NEW = identity(1, 7, { label: 'restored phone' });
      const request = (creds: RecoveryCredentials, d: Identity = NEW) =>
        buildRecoveryRestore(creds.restoreKey, creds.recoveryId, {
          deviceId: d.deviceId,
          signingKey: d.signing.publicKey,
          boxKey: d.box.publicKey,
          label: d.label,
        });

      it('registers the device and returns the account and the blob, in one call', async () => {
        const res = await restore(idA, request(credsA));
        expect(res.statusCode).toBe(201);
        expect(res.json()).toEqual({
          accountId: A1.accountId,
          deviceId: NEW.deviceId,
          blob: b64(blobA),
          created: true,
        });
        const device = await main.app.relay.store.getDevice(A1.accountId, NEW.deviceId);
        expect(device).toMatchObject({
          label: 'restored phone',
          signingKey: b64(NEW.signing.publicKey),
        });
        // The new device authenticates and reads what A1 pushed.
        const a1 = await connectDevice(main.base, A1);
        const restored = await connectDevice(main.base, NEW);
        sockets.push(a1, restored);
        const stream = b64Id(32, 0x61);
        const eventId = b64Id(16, 0x62);
        expect((await a1.client.push(stream, eventId, fakeRecord(64, 3))).ok).toBe(true);
        const page = await restored.client.pull(stream, 0);
        expect(page.ok && page.value.events.map((e) => e.eventId)).toEqual([eventId]);
      });

      it('answers a retry 200 with created: false', async () => {
        const res = await restore(idA, request(credsA));
        expect(res.statusCode).toBe(200);
        expect(res.json<Json>()['created']).toBe(false);
      });

      it('answers an unknown id and a wrong restore key alike: 404 not-found', async () => {
        const unknown = await restore(toHex(credsB.recoveryId), request(credsB));
        // Right id, signed by another phrase's restore key.
        const wrongKey = await restore(
          idA,
          buildRecoveryRestore(credsB.restoreKey, credsA.recoveryId, {
            deviceId: A2.deviceId,
            signingKey: NEW.signing.publicKey,
            boxKey: NEW.box.publicKey,
            label: 'x',
          }),
        );
        expect(errorOf(unknown)).toEqual({ status: 404, code: 'not-found' });
        expect(wrongKey.statusCode).toBe(404);
        expect(wrongKey.body).toBe(unknown.body);
        expect(Object.keys(wrongKey.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
        expect(await main.app.relay.store.getDevice(A1.accountId, A2.deviceId)).toMatchObject({
          label: A2.label,
        });
      });

      it('refuses a device id taken with other keys (409) and malformed bodies (400)', async () => {
        const taken = request(credsA, { ...identity(1, 8), deviceId: A1.deviceId });
        expect(errorOf(await restore(idA, taken))).toEqual({ status: 409, code: 'exists' });
        const body = request(credsA, identity(1, 8));
        expect(errorOf(await restore(idA, { ...body, label: '' }))).toEqual({
          status: 400,
          code: 'bad-message',
        });
        expect(errorOf(await restore(idA, { ...body, v: 99 }))).toEqual({
          status: 400,
          code: 'unsupported-version',
        });
        expect(errorOf(await restore('zz', body))).toEqual({ status: 400, code: 'bad-message' });
      });
    });

    describe('status', () => {
      const status = (body: unknown) => send('POST', RECOVERY_STATUS_PATH, body);

      it('tells a device of the account which recovery id it has, and when it was stored', async () => {
        const a = await status(buildRecoveryStatus(signer(A2), Date.now()));
        expect(a.statusCode).toBe(200);
        const body = a.json<Json>();
        expect(body['recoveryId']).toBe(idA);
        expect(Math.abs(Number(body['updatedAt']) - Date.now())).toBeLessThan(10 * 60_000);
        const b = await status(buildRecoveryStatus(signer(B1), Date.now()));
        expect(b.json()).toEqual({ recoveryId: null, updatedAt: null, pending: null });
      });

      it('refuses a bad signature, a stale clock and a malformed body', async () => {
        const forged = buildRecoveryStatus({ ...signer(A1), signing: B1.signing }, Date.now());
        expect(errorOf(await status(forged))).toEqual({ status: 401, code: 'auth-failed' });
        const stale = buildRecoveryStatus(signer(A1), Date.now() - RECOVERY_CLOCK_SKEW_MS - 60_000);
        expect(errorOf(await status(stale))).toEqual({ status: 401, code: 'auth-failed' });
        expect(errorOf(await status({ v: 1 }))).toEqual({ status: 400, code: 'bad-message' });
      });
    });

    describe('DELETE', () => {
      it('refuses a bad signature (401) and a revoked device (403)', async () => {
        const forged = buildRecoveryDelete(
          { ...signer(A1), signing: B1.signing },
          credsA.recoveryId,
          signedNow(),
        );
        expect(errorOf(await del(idA, forged))).toEqual({ status: 401, code: 'auth-failed' });
        const revoked = identity(1, 5);
        await main.app.relay.store.addDevice(revoked.accountId, {
          deviceId: revoked.deviceId,
          signingKey: b64(revoked.signing.publicKey),
          boxKey: b64(revoked.box.publicKey),
          label: revoked.label,
        });
        expect(await main.app.relay.store.revokeDevice(revoked.accountId, revoked.deviceId)).toBe(
          'revoked',
        );
        const body = buildRecoveryDelete(signer(revoked), credsA.recoveryId, signedNow());
        expect(errorOf(await del(idA, body))).toEqual({ status: 403, code: 'revoked' });
        expect(
          errorOf(
            await send(
              'POST',
              RECOVERY_STATUS_PATH,
              buildRecoveryStatus(signer(revoked), Date.now()),
            ),
          ),
        ).toEqual({ status: 403, code: 'revoked' });
        expect(errorOf(await put(idA, putBody(revoked, credsA, blobA)))).toEqual({
          status: 403,
          code: 'revoked',
        });
        expect((await get(idA)).json()).toEqual({ blob: b64(blobA) });
      });

      it('lets no other account delete the blob: 404', async () => {
        const body = buildRecoveryDelete(signer(B1), credsA.recoveryId, signedNow());
        expect(errorOf(await del(idA, body))).toEqual({ status: 404, code: 'not-found' });
        expect((await get(idA)).json()).toEqual({ blob: b64(blobA) });
      });

      it('deletes after the delay; then GET answers a decoy, restore 404, a second delete 404', async () => {
        const body = buildRecoveryDelete(signer(A2), credsA.recoveryId, signedNow());
        const asked = Date.now();
        const res = await del(idA, body);
        expect(res.statusCode).toBe(202);
        const pending = res.json<{ pending: { effectiveAt: number } }>().pending;
        expect(pending).toMatchObject({ op: 'delete', requestedBy: A2.deviceId, recoveryId: idA });
        const delay = DEFAULT_RELAY_LIMITS.recoveryDelayMs;
        expect(Math.abs(pending.effectiveAt - (asked + delay))).toBeLessThan(60_000);
        // Until then the blob stays, and every device of the account is told.
        expect((await get(idA)).json()).toEqual({ blob: b64(blobA) });
        const told = await send(
          'POST',
          RECOVERY_STATUS_PATH,
          buildRecoveryStatus(signer(A1), Date.now()),
        );
        expect(told.json<Json>()['pending']).toMatchObject({
          op: 'delete',
          requestedBy: A2.deviceId,
        });
        // The relay's sweep, once the delay has passed.
        expect(await main.app.relay.store.applyDueRecovery(pending.effectiveAt)).toBe(1);
        const after = await get(idA);
        expect(after.statusCode).toBe(200);
        expect(after.json()).not.toEqual({ blob: b64(blobA) });
        const r = await restore(
          idA,
          buildRecoveryRestore(credsA.restoreKey, credsA.recoveryId, {
            deviceId: identity(1, 6).deviceId,
            signingKey: identity(1, 6).signing.publicKey,
            boxKey: identity(1, 6).box.publicKey,
            label: 'late',
          }),
        );
        expect(errorOf(r)).toEqual({ status: 404, code: 'not-found' });
        // The replayed delete is stale; a fresh one finds nothing.
        expect(errorOf(await del(idA, body))).toEqual({ status: 401, code: 'auth-failed' });
        const again = buildRecoveryDelete(signer(A1), credsA.recoveryId, signedNow());
        expect(errorOf(await del(idA, again))).toEqual({ status: 404, code: 'not-found' });
        expect(errorOf(await del(idA, {}))).toEqual({ status: 400, code: 'bad-message' });
        const after2 = await send(
          'POST',
          RECOVERY_STATUS_PATH,
          buildRecoveryStatus(signer(A1), Date.now()),
        );
        expect(after2.json()).toEqual({ recoveryId: null, updatedAt: null, pending: null });
      });
    });

    describe('pending changes', () => {
      it('a replacement waits for the delay; any device sees it and can cancel it', async () => {
        const DELAY = 400;
        const r = await start({ limits: { registerPerMinute: 10_000, recoveryDelayMs: DELAY } });
        const on = (d: Identity, at = signedNow()) => buildRecoveryStatus(signer(d), at);
        const statusOf = async (d: Identity) =>
          (await send('POST', RECOVERY_STATUS_PATH, on(d), r)).json<Json>();
        expect((await put(idA, putBody(A1, credsA, blobA), r)).statusCode).toBe(204);
        // A stolen A1 swaps in a phrase of its own: it waits, and A2 is told.
        const thief = recoveryCredentials(generatePhrase(entropy(0x33)));
        const thiefBlob = sealRecoveryBlobWithKeys(thief, K_MASTER, A1.accountId, NONCE);
        const idThief = toHex(thief.recoveryId);
        const swap = await put(idThief, putBody(A1, thief, thiefBlob), r);
        expect(swap.statusCode).toBe(202);
        expect(swap.json<Json>()['pending']).toMatchObject({ op: 'replace', recoveryId: idThief });
        expect((await statusOf(A2))['pending']).toMatchObject({
          op: 'replace',
          requestedBy: A1.deviceId,
          recoveryId: idThief,
        });
        // A2 cancels; past the delay the old phrase still restores, the thief's does not.
        const cancel = await send(
          'POST',
          RECOVERY_CANCEL_PATH,
          buildRecoveryCancel(signer(A2), signedNow()),
          r,
        );
        expect(cancel.statusCode).toBe(204);
        await new Promise((res) => setTimeout(res, DELAY + 100));
        expect((await get(idA, r)).json()).toEqual({ blob: b64(blobA) });
        expect((await get(idThief, r)).json()).not.toEqual({ blob: b64(thiefBlob) });
        expect((await statusOf(A2))['pending']).toBeNull();
        const none = await send(
          'POST',
          RECOVERY_CANCEL_PATH,
          buildRecoveryCancel(signer(A2), signedNow()),
          r,
        );
        expect(errorOf(none)).toEqual({ status: 404, code: 'not-found' });
        // Not cancelled, a replacement takes effect at its time.
        expect((await put(idThief, putBody(A1, thief, thiefBlob), r)).statusCode).toBe(202);
        await new Promise((res) => setTimeout(res, DELAY + 100));
        expect((await get(idThief, r)).json()).toEqual({ blob: b64(thiefBlob) });
        expect((await statusOf(A1))['recoveryId']).toBe(idThief);
        // A cancel is signed like the rest: another account's device, or a replay, is refused.
        const forged = buildRecoveryCancel({ ...signer(A1), signing: B1.signing }, signedNow());
        expect(errorOf(await send('POST', RECOVERY_CANCEL_PATH, forged, r))).toEqual({
          status: 401,
          code: 'auth-failed',
        });
      });
    });

    describe('limits', () => {
      it('rate-limits GET and restore per IP, together, with Retry-After', async () => {
        const limited = await start({ limits: { recoveryLookupsPerMinute: 3 } });
        const id = 'cd'.repeat(32);
        expect((await get(id, limited, '10.0.0.1')).statusCode).toBe(200);
        expect((await get(id, limited, '10.0.0.1')).statusCode).toBe(200);
        const r = await restore(id, {}, limited, '10.0.0.1');
        expect(r.statusCode).toBe(400); // counted, then refused for its body
        const over = await get(id, limited, '10.0.0.1');
        expect(over.statusCode).toBe(429);
        expect(over.json()).toMatchObject({ type: 'error', code: 'rate-limited' });
        expect(over.json<Json>()['retryAfterMs']).toBeGreaterThan(0);
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        expect((await restore(id, {}, limited, '10.0.0.1')).statusCode).toBe(429);
        // Another address has its own budget.
        expect((await get(id, limited, '10.0.0.2')).statusCode).toBe(200);
      });

      it('rate-limits PUT, DELETE and status per IP, together', async () => {
        const limited = await start({ limits: { registerPerMinute: 2 } });
        const statusBody = buildRecoveryStatus(signer(A1), Date.now());
        const post = (ip: string) => send('POST', RECOVERY_STATUS_PATH, statusBody, limited, ip);
        expect((await post('10.0.1.1')).statusCode).toBe(200);
        const d = await send('DELETE', recoveryPath(idA), {}, limited, '10.0.1.1');
        expect(d.statusCode).toBe(400); // counted, then refused for its body
        const over = await send(
          'PUT',
          recoveryPath(idA),
          putBody(A1, credsA, blobA),
          limited,
          '10.0.1.1',
        );
        expect(errorOf(over)).toEqual({ status: 429, code: 'rate-limited' });
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        expect((await post('10.0.1.2')).statusCode).toBe(200);
      });
    });

    describe('timing', () => {
      it('answers stored and unknown ids in the same time (distributions compared)', async () => {
        const relay = await start({ limits: { recoveryLookupsPerMinute: 1_000_000 } });
        const store = relay.app.relay.store;
        // Many stored ids, so neither side is a single hot row.
        const known: string[] = [];
        for (let n = 0; n < 40; n++) {
          const accountId = `ac${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;
          await store.registerAccount(accountId, {
            deviceId: 'dd0000aa-0000-4000-8000-000000000000',
            signingKey: b64Id(32, 1),
            boxKey: b64Id(32, 2),
            label: 'bench',
          });
          const id = nodeRandomBytes(32).toString('hex');
          const blob = Buffer.alloc(89, n);
          blob[0] = 1;
          expect(
            await store.putRecovery(
              accountId,
              { recoveryId: id, blob: blob.toString('base64'), restoreKey: b64Id(32, 3) },
              1,
            ),
          ).toBe('stored');
          known.push(id);
        }
        const unknown = Array.from({ length: 40 }, () => nodeRandomBytes(32).toString('hex'));
        const time = async (id: string): Promise<number> => {
          const t0 = performance.now();
          const res = await get(id, relay);
          const t = performance.now() - t0;
          expect(res.statusCode).toBe(200);
          expect(res.body).toHaveLength(131); // {"blob":"…"} with 120 base64 characters
          return t;
        };
        for (let i = 0; i < 40; i++) await time(i % 2 === 0 ? known[i]! : unknown[i]!); // warm-up
        const a: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < 200; i++) {
          // Interleaved, alternating which goes first, so drift hits both alike.
          const k = known[i % known.length]!;
          const u = unknown[i % unknown.length]!;
          if (i % 2 === 0) {
            a.push(await time(k));
            b.push(await time(u));
          } else {
            b.push(await time(u));
            a.push(await time(k));
          }
        }
        const figures = {
          medianKnownMs: Number(median(a).toFixed(3)),
          medianUnknownMs: Number(median(b).toFixed(3)),
          auc: Number(auc(a, b).toFixed(3)),
          ks: Number(ksStatistic(a, b).toFixed(3)),
        };
        console.info(`recovery GET timing (${name}, 200 each):`, figures);
        // Generous bounds: a real difference (a skipped query shifts every
        // sample) drives the AUC towards 0 or 1 and the KS distance towards 1;
        // scheduler noise on a loaded machine moves the medians, not the ranks.
        expect(figures.medianUnknownMs / figures.medianKnownMs).toBeGreaterThan(2 / 3);
        expect(figures.medianUnknownMs / figures.medianKnownMs).toBeLessThan(1.5);
        expect(figures.auc).toBeGreaterThan(0.3);
        expect(figures.auc).toBeLessThan(0.7);
        expect(figures.ks).toBeLessThan(0.3);
      });
    });
  });
}
