/**
 * Every message and every error of the relay protocol over real sockets, run
 * on PGlite and on Postgres. `database()` gives each relay of the suite its
 * storage: the same fresh Postgres database for all, or a new PGlite folder
 * each (one process per PGlite folder). Every relay starts with accounts A
 * (device A1) and B (device B1).
 */
import { CLOSE_CODES, MAX_LABEL_LENGTH, PROTOCOL_VERSION, signAuth, WS_PATH } from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StoreConfig } from '../../src/store/index.js';
import {
  connectDevice,
  nextFrame,
  openDevice,
  register,
  type ProtocolDevice,
} from '../../../testkit/src/protocol-device.js';
import { b64Id, fakeRecord, registration, identity } from '../../../testkit/src/identities.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const A1 = identity(1, 1);
const A2 = identity(1, 2);
const A3 = identity(1, 3);
const B1 = identity(2, 1);
const S = b64Id(32, 0x51);
const METRICS_TOKEN = 'operator-token-for-tests';
const ev = (n: number): string => {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(n, 12);
  return b.toString('base64');
};

export function relaySuite(
  name: string,
  database: () => Promise<StoreConfig>,
  dispose: () => Promise<void> = async () => {},
): void {
  describe(`relay protocol: ${name}`, () => {
    const relays: RunningRelay[] = [];
    const sockets: ProtocolDevice[] = [];
    let main: RunningRelay;
    const start = async (opts: Parameters<typeof startRelay>[1] = {}): Promise<RunningRelay> => {
      const r = await startRelay(await database(), opts);
      relays.push(r);
      for (const d of [A1, B1]) {
        const outcome = await r.app.relay.store.registerAccount(d.accountId, {
          deviceId: d.deviceId,
          signingKey: Buffer.from(d.signing.publicKey).toString('base64'),
          boxKey: Buffer.from(d.box.publicKey).toString('base64'),
          label: d.label,
        });
        expect(outcome).not.toBe('conflict');
      }
      return r;
    };
    const device = async (
      d: ReturnType<typeof identity>,
      base = main.base,
    ): Promise<Awaited<ReturnType<typeof connectDevice>>> => {
      const c = await connectDevice(base, d);
      sockets.push(c);
      return c;
    };

    beforeAll(async () => {
      // This suite keeps its sockets open until the end: more per device than a real one holds.
      main = await start({ metricsToken: METRICS_TOKEN, limits: { maxSocketsPerDevice: 100 } });
    });
    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      for (const r of relays) await r.close();
      await dispose();
    });

    describe('HTTP', () => {
      it('reports health and metrics', async () => {
        const h = await fetch(`${main.base}/healthz`);
        expect(h.status).toBe(200);
        expect(await h.json()).toMatchObject({ ok: true });
        const auth = { authorization: `Bearer ${METRICS_TOKEN}` };
        const m = await (await fetch(`${main.base}/metrics`, { headers: auth })).text();
        expect(m).toContain('cairn_relay_connections');
        expect(m).toContain('cairn_relay_commit_batch_size');
      });

      it('serves /metrics only for the operator token, never to the public', async () => {
        const none = await fetch(`${main.base}/metrics`);
        expect(none.status).toBe(401);
        expect(await none.json()).toMatchObject({ type: 'error', code: 'auth-failed' });
        const wrong = await fetch(`${main.base}/metrics`, {
          headers: { authorization: `Bearer ${METRICS_TOKEN}x` },
        });
        expect(wrong.status).toBe(401);
        expect(await wrong.text()).not.toContain('cairn_relay');
        const bare = await start();
        const off = await fetch(`${bare.base}/metrics`);
        expect(off.status).toBe(404);
        expect(await off.text()).not.toContain('cairn_relay');
      });

      it('registers an account idempotently, with proof of possession', async () => {
        expect((await register(main.base, A1)).status).toBe(200);
        const fresh = identity(3, 1);
        const first = await register(main.base, fresh);
        expect(first.status).toBe(201);
        expect(await first.json()).toEqual({
          accountId: fresh.accountId,
          deviceId: fresh.deviceId,
          created: true,
        });
        const again = await register(main.base, fresh);
        expect(again.status).toBe(200);
        expect(await again.json()).toMatchObject({ created: false });
        // Another key for the same ids: taken.
        const thief = { ...identity(4, 1), accountId: fresh.accountId, deviceId: fresh.deviceId };
        const taken = await register(main.base, thief);
        expect(taken.status).toBe(409);
        expect(await taken.json()).toMatchObject({ type: 'error', code: 'exists' });
      });

      it('answers every bad registration with a typed error', async () => {
        const post = (body: string): Promise<Response> =>
          fetch(`${main.base}/v1/accounts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
        const good = registration(identity(5, 1));
        const cases: [string, number, string][] = [
          [JSON.stringify({ ...good, label: 'tampered' }), 401, 'auth-failed'],
          [JSON.stringify({ ...good, signingKey: b64Id(32, 9) }), 401, 'auth-failed'],
          [JSON.stringify({ ...good, accountId: 'not-a-uuid' }), 400, 'bad-message'],
          [JSON.stringify({ ...good, signature: 'AAAA' }), 400, 'bad-message'],
          [JSON.stringify({ ...good, v: 2 }), 400, 'unsupported-version'],
          ['{"v":1,', 400, 'bad-frame'],
          [JSON.stringify({ ...good, label: 'x'.repeat(20_000) }), 413, 'too-large'],
        ];
        for (const [body, status, code] of cases) {
          const r = await post(body);
          expect([r.status, ((await r.json()) as { code: string }).code]).toEqual([status, code]);
        }
      });
    });

    describe('auth handshake', () => {
      it('sends hello with a fresh challenge and the limits', async () => {
        const c1 = await openDevice(main.base);
        const c2 = await openDevice(main.base);
        sockets.push(c1, c2);
        expect(c1.client.relayHello).toMatchObject({ type: 'hello', v: PROTOCOL_VERSION });
        expect(c1.client.relayHello?.limits.maxPullLimit).toBe(1000);
        expect(c1.client.relayHello?.challenge).not.toBe(c2.client.relayHello?.challenge);
      });

      it('authenticates a registered device', async () => {
        const c = await device(A1);
        expect(c.ready).toEqual({ type: 'ready', accountId: A1.accountId, deviceId: A1.deviceId });
        expect((await c.client.ping()).ok).toBe(true);
      });

      const refused = async (
        auth: (challenge: string) => object,
        code: string,
        closeCode: number,
      ): Promise<void> => {
        const c = await openDevice(main.base);
        sockets.push(c);
        const challenge = c.client.relayHello?.challenge ?? '';
        const answer = nextFrame(c.ws);
        c.ws.send(JSON.stringify(auth(challenge)));
        expect(await answer).toMatchObject({ type: 'error', code });
        expect((await c.closed).code).toBe(closeCode);
      };
      const authFor = (d: typeof A1, challenge: string, over: object = {}): object => ({
        type: 'auth',
        v: PROTOCOL_VERSION,
        accountId: d.accountId,
        deviceId: d.deviceId,
        signature: signAuth(d.signing.secretKey, challenge, d.accountId, d.deviceId),
        ...over,
      });

      it('refuses a wrong signature, an unknown device, a forged id, a stale challenge', async () => {
        const fail = CLOSE_CODES.authFailed;
        await refused(
          (ch) =>
            authFor(A1, ch, {
              signature: signAuth(B1.signing.secretKey, ch, A1.accountId, A1.deviceId),
            }),
          'auth-failed',
          fail,
        );
        await refused((ch) => authFor(identity(9, 9), ch), 'auth-failed', fail);
        // A1's key, claiming B1's device in B's account.
        await refused(
          (ch) =>
            authFor(A1, ch, {
              accountId: B1.accountId,
              deviceId: B1.deviceId,
              signature: signAuth(A1.signing.secretKey, ch, B1.accountId, B1.deviceId),
            }),
          'auth-failed',
          fail,
        );
        // B1's device id under A's account.
        await refused((ch) => authFor(B1, ch, { accountId: A1.accountId }), 'auth-failed', fail);
        const stale = b64Id(32, 0x77);
        await refused(() => authFor(A1, stale), 'auth-failed', fail);
      });

      it('refuses another protocol version', async () => {
        await refused(
          (ch) => authFor(A1, ch, { v: 2 }),
          'unsupported-version',
          CLOSE_CODES.badVersion,
        );
      });

      it('closes a socket that sends anything but auth before ready; a second auth is refused', async () => {
        const early = await openDevice(main.base);
        sockets.push(early);
        const answer = nextFrame(early.ws);
        early.ws.send(JSON.stringify({ type: 'streams', id: 7 }));
        expect(await answer).toMatchObject({ type: 'error', code: 'not-authenticated', ref: 7 });
        expect((await early.closed).code).toBe(CLOSE_CODES.notAuthenticated);
        for (const frame of ['not json', '{"type":"ping","id":1}', '{"type":"auth","v":1}']) {
          const s = await openDevice(main.base);
          sockets.push(s);
          s.ws.send(frame);
          expect((await s.closed).code).toBe(CLOSE_CODES.notAuthenticated);
        }
        const c = await openDevice(main.base);
        sockets.push(c);
        const r = await c.client.authenticate({
          accountId: A1.accountId,
          deviceId: A1.deviceId,
          signingSecretKey: A1.signing.secretKey,
        });
        expect(r.ok).toBe(true);
        const again = nextFrame(c.ws);
        c.ws.send(JSON.stringify(authFor(A1, c.client.relayHello?.challenge ?? '')));
        expect(await again).toMatchObject({ type: 'error', code: 'not-authenticated' });
      });

      it('closes a socket that does not authenticate in time', async () => {
        const r = await start({ limits: { authTimeoutMs: 200 } });
        const c = await openDevice(r.base);
        expect((await c.closed).code).toBe(CLOSE_CODES.authTimeout);
      });
    });

    describe('push, pull, bootstrap, streams, fan-out', () => {
      it('acks after commit, answers a retry with the original seq, fans out to others only', async () => {
        // Registration cannot add a device to an existing account…
        expect((await register(main.base, A2)).status).toBe(409);
        // …pairing does, through the store.
        await main.app.relay.store.addDevice(A2.accountId, {
          deviceId: A2.deviceId,
          signingKey: Buffer.from(A2.signing.publicKey).toString('base64'),
          boxKey: Buffer.from(A2.box.publicKey).toString('base64'),
          label: A2.label,
        });
        const a1 = await device(A1);
        const a2 = await device(A2);
        const b1 = await device(B1);
        const data = fakeRecord(100, 1);
        const ack = await a1.client.push(S, ev(1), data);
        expect(ack).toEqual({ ok: true, value: { type: 'ack', ref: 1, seq: 1, duplicate: false } });
        const retry = await a1.client.push(S, ev(1), data);
        expect(retry.ok && retry.value).toMatchObject({ seq: 1, duplicate: true });
        const [got] = await a2.waitEvents(1);
        expect(got).toEqual({ type: 'event', streamId: S, seq: 1, eventId: ev(1), data });
        // B pushes the very same stream and event ids: its own stream, its own seq.
        const bAck = await b1.client.push(S, ev(1), fakeRecord(100, 2));
        expect(bAck.ok && bAck.value.seq).toBe(1);
        await a1.client.push(S, ev(2), fakeRecord(100, 3));
        await a2.waitEvents(2);
        await new Promise((r) => setTimeout(r, 100));
        expect(a1.events).toEqual([]); // never echoed
        expect(a2.events.map((e) => e.eventId)).toEqual([ev(1), ev(2)]); // not B's
        expect(b1.events).toEqual([]); // never another account's
      });

      it('pulls in pages, bootstraps from the newest snapshot, lists streams', async () => {
        const a1 = await device(A1);
        const s = b64Id(32, 0x52);
        for (let n = 1; n <= 5; n++)
          expect((await a1.client.push(s, ev(100 + n), fakeRecord(60, n))).ok).toBe(true);
        const snap = await a1.client.push(s, ev(200), fakeRecord(80, 9), 4);
        expect(snap.ok && snap.value.seq).toBe(6);
        await a1.client.push(s, ev(201), fakeRecord(60, 10));
        const p = await a1.client.pull(s, 2, 2);
        expect(p.ok && p.value).toMatchObject({
          type: 'events',
          after: 2,
          next: 4,
          hasMore: true,
          head: 7,
        });
        expect(p.ok && p.value.events.map((e) => e.seq)).toEqual([3, 4]);
        const all = await a1.client.pull(s, 0, 5000); // clamped to maxPullLimit
        expect(all.ok && all.value.events).toHaveLength(7);
        const boot = await a1.client.bootstrap(s);
        expect(boot.ok && boot.value).toMatchObject({ after: 4, next: 7, hasMore: false, head: 7 });
        expect(boot.ok && boot.value.snapshot).toEqual({
          seq: 6,
          eventId: ev(200),
          data: fakeRecord(80, 9),
          coversSeq: 4,
        });
        expect(boot.ok && boot.value.events.map((e) => e.seq)).toEqual([5, 7]);
        const streams = await a1.client.streams();
        expect(streams.ok && streams.value.streams).toContainEqual({
          streamId: s,
          head: 7,
          snapshotCovers: 4,
        });
        const empty = await a1.client.pull(b64Id(32, 0x53), 0);
        expect(empty.ok && empty.value).toMatchObject({
          events: [],
          head: 0,
          next: 0,
          hasMore: false,
        });
      });

      it('refuses a snapshot that covers beyond the head', async () => {
        const a1 = await device(A1);
        const r = await a1.client.push(b64Id(32, 0x54), ev(300), fakeRecord(60, 1), 3);
        expect(!r.ok && r.error.code).toBe('bad-cover');
      });

      it('batches pushes that arrive together into one commit', async () => {
        const a1 = await device(A1);
        const s = b64Id(32, 0x55);
        const before =
          (await main.app.relay.metrics.batchSize.get()).values.find((v) =>
            v.metricName?.endsWith('_count'),
          )?.value ?? 0;
        const acks = await Promise.all(
          Array.from({ length: 200 }, (_, n) =>
            a1.client.push(s, ev(1000 + n), fakeRecord(60, n % 256)),
          ),
        );
        expect(acks.map((a) => a.ok && a.value.seq)).toEqual(
          Array.from({ length: 200 }, (_, n) => n + 1),
        );
        const after =
          (await main.app.relay.metrics.batchSize.get()).values.find((v) =>
            v.metricName?.endsWith('_count'),
          )?.value ?? 0;
        expect(after - before).toBeLessThan(50);
      });
    });

    describe('devices', () => {
      it('adds, lists, relabels and revokes; a revoked device is closed and refused', async () => {
        const a1 = await device(A1);
        const a3keys = {
          deviceId: A3.deviceId,
          signingKey: Buffer.from(A3.signing.publicKey).toString('base64'),
          boxKey: Buffer.from(A3.box.publicKey).toString('base64'),
          label: A3.label,
        };
        expect((await a1.client.addDevice(a3keys)).ok).toBe(true);
        expect((await a1.client.addDevice(a3keys)).ok).toBe(true); // a retry
        const taken = await a1.client.addDevice({ ...a3keys, signingKey: b64Id(32, 5) });
        expect(!taken.ok && taken.error.code).toBe('exists');
        const a3 = await device(A3);
        const list = await a1.client.devices();
        expect(list.ok && list.value.devices.find((d) => d.deviceId === A1.deviceId)?.current).toBe(
          true,
        );
        expect(list.ok && list.value.devices.find((d) => d.deviceId === A3.deviceId)).toMatchObject(
          { current: false, revokedAt: null, label: A3.label },
        );
        // Connected: online, and seen now rather than at its connect time.
        expect(list.ok && list.value.devices.find((d) => d.deviceId === A3.deviceId)?.online).toBe(
          true,
        );
        // The label limit through the socket: at it and one under pass, one over is refused.
        for (const n of [MAX_LABEL_LENGTH - 1, MAX_LABEL_LENGTH]) {
          expect((await a1.client.relabel(A3.deviceId, 'x'.repeat(n))).ok).toBe(true);
        }
        const refused = nextFrame(a1.ws);
        a1.ws.send(
          JSON.stringify({
            type: 'relabel',
            id: 77,
            deviceId: A3.deviceId,
            label: 'x'.repeat(MAX_LABEL_LENGTH + 1),
          }),
        );
        expect(await refused).toMatchObject({ type: 'error', code: 'bad-message', ref: 77 });
        expect((await a1.client.relabel(A3.deviceId, 'old phone')).ok).toBe(true);
        const notMine = await a1.client.relabel(B1.deviceId, 'mine now');
        expect(!notMine.ok && notMine.error.code).toBe('not-found');
        const notMineRevoke = await a1.client.revoke(B1.deviceId);
        expect(!notMineRevoke.ok && notMineRevoke.error.code).toBe('not-found');
        expect((await a1.client.revoke(A3.deviceId)).ok).toBe(true);
        expect((await a3.closed).code).toBe(CLOSE_CODES.revoked);
        expect(a3.errors.map((e) => e.code)).toContain('revoked');
        await expect(connectDevice(main.base, A3)).rejects.toThrow('revoked');
        const after = await a1.client.devices();
        const a3row = after.ok
          ? after.value.devices.find((d) => d.deviceId === A3.deviceId)
          : undefined;
        expect(a3row?.label).toBe('old phone');
        expect(a3row?.revokedAt).toBeTypeOf('number');
      });
    });

    describe('the last device', () => {
      it('is never revoked: an account keeps one active device', async () => {
        const solo = identity(4, 1);
        expect((await register(main.base, solo)).status).toBe(201);
        const c = await device(solo);
        const last = await c.client.revoke(solo.deviceId);
        expect(!last.ok && last.error.code).toBe('last-device');
        expect((await c.client.ping()).ok).toBe(true);
        const list = await c.client.devices();
        expect(list.ok && list.value.devices.map((d) => d.revokedAt)).toEqual([null]);
      });
    });

    describe('bad input', () => {
      it('answers malformed frames with typed errors and keeps the socket', async () => {
        const a1 = await device(A1);
        const expectError = async (send: () => void, code: string, ref?: number): Promise<void> => {
          const f = nextFrame(a1.ws);
          send();
          const m = await f;
          expect(m).toMatchObject({ type: 'error', code });
          if (ref !== undefined) expect(m).toMatchObject({ ref });
        };
        await expectError(() => a1.ws.send('not json'), 'bad-frame');
        await expectError(() => a1.ws.send(Buffer.from([1, 2, 3]), { binary: true }), 'bad-frame');
        await expectError(
          () => a1.ws.send(JSON.stringify({ type: 'nope', id: 3 })),
          'bad-message',
          3,
        );
        await expectError(
          () =>
            a1.ws.send(
              JSON.stringify({
                type: 'push',
                id: 4,
                streamId: 'xx',
                eventId: ev(1),
                data: fakeRecord(60, 1),
              }),
            ),
          'bad-message',
          4,
        );
        await expectError(
          () =>
            a1.ws.send(
              JSON.stringify({
                type: 'push',
                id: 5,
                streamId: S,
                eventId: b64Id(15, 1),
                data: fakeRecord(60, 1),
              }),
            ),
          'bad-message',
          5,
        );
        await expectError(
          () =>
            a1.ws.send(
              JSON.stringify({ type: 'push', id: 6, streamId: S, eventId: ev(1), data: 'QUJD' }),
            ),
          'bad-message',
          6,
        );
        await expectError(
          () =>
            a1.ws.send(
              JSON.stringify({ type: 'push', id: 7, streamId: S, eventId: ev(1), data: '!!!!' }),
            ),
          'bad-message',
          7,
        );
        await expectError(
          () => a1.ws.send(JSON.stringify({ type: 'pull', id: 8, streamId: S, after: -1 })),
          'bad-message',
          8,
        );
        await expectError(
          () =>
            a1.ws.send(
              JSON.stringify({ type: 'relabel', id: 9, deviceId: A1.deviceId, label: '' }),
            ),
          'bad-message',
          9,
        );
        await expectError(() => a1.ws.send('[]'), 'bad-message');
        await expectError(() => a1.ws.send('null'), 'bad-message');
        expect((await a1.client.ping()).ok).toBe(true);
      });

      it('refuses an event over the size limit, and closes on a frame over maxPayload', async () => {
        const r = await start({ limits: { maxEventBytes: 1000, maxFrameBytes: 4000 } });
        const c = await device(A1, r.base);
        const big = await c.client.push(S, ev(5000), fakeRecord(1001, 1));
        expect(!big.ok && big.error.code).toBe('too-large');
        c.ws.send('x'.repeat(5000));
        expect((await c.closed).code).toBe(CLOSE_CODES.tooBig);
      });
    });

    describe('limits', () => {
      it('rate-limits pushes per device with retryAfterMs', async () => {
        const r = await start({ limits: { pushRate: 1, pushBurst: 3 } });
        const c = await device(A1, r.base);
        const s = b64Id(32, 0x60);
        const out = await Promise.all(
          [1, 2, 3, 4, 5].map((n) => c.client.push(s, ev(6000 + n), fakeRecord(60, n))),
        );
        expect(out.filter((o) => o.ok)).toHaveLength(3);
        const limited = out.find((o) => !o.ok);
        expect(limited !== undefined && !limited.ok && limited.error).toMatchObject({
          code: 'rate-limited',
        });
        expect(
          limited !== undefined && !limited.ok ? limited.error.retryAfterMs : 0,
        ).toBeGreaterThan(0);
      });

      it('refuses pushes past the account quota', async () => {
        const r = await start({ limits: { quotaBytes: 1 } });
        const c = await device(A1, r.base);
        const q = await c.client.push(b64Id(32, 0x61), ev(7000), fakeRecord(60, 1));
        expect(!q.ok && q.error.code).toBe('quota');
      });

      it('rate-limits registrations and connections per IP, with Retry-After', async () => {
        const r = await start({ limits: { registerPerMinute: 2, connectPerMinute: 2 } });
        const codes: number[] = [];
        let retryAfter: string | null = null;
        for (let n = 0; n < 3; n++) {
          const res = await register(r.base, identity(10 + n, 1));
          codes.push(res.status);
          if (res.status === 429) {
            retryAfter = res.headers.get('retry-after');
            expect(await res.json()).toMatchObject({ type: 'error', code: 'rate-limited' });
          }
        }
        expect(codes).toEqual([201, 201, 429]);
        expect(Number(retryAfter)).toBeGreaterThan(0);
        sockets.push(await openDevice(r.base), await openDevice(r.base));
        await expect(openDevice(r.base)).rejects.toThrow('429');
      });

      it('closes a socket whose unread bytes pass the cap; it resumes by pulling', async () => {
        const r = await start({ limits: { maxBufferedBytes: 64 * 1024 } });
        const sender = await device(A1, r.base);
        await r.app.relay.store.addDevice(A2.accountId, {
          deviceId: A2.deviceId,
          signingKey: Buffer.from(A2.signing.publicKey).toString('base64'),
          boxKey: Buffer.from(A2.box.publicKey).toString('base64'),
          label: A2.label,
        });
        const slow = await device(A2, r.base);
        const other = await device(A2, r.base);
        slow.ws.pause();
        const s = b64Id(32, 0x62);
        const slowCloses = async (): Promise<number> =>
          (await r.app.relay.metrics.slowCloses.get()).values[0]?.value ?? 0;
        let n = 0;
        for (let round = 0; round < 50 && (await slowCloses()) === 0; round++) {
          await Promise.all(
            Array.from({ length: 20 }, () =>
              sender.client.push(s, ev(8000 + n++), fakeRecord(60_000, n % 256)),
            ),
          );
        }
        expect(await slowCloses()).toBe(1);
        slow.ws.resume();
        expect([CLOSE_CODES.slowConsumer, 1006]).toContain((await slow.closed).code);
        expect(other.ws.readyState).toBe(WebSocket.OPEN); // the others are unaffected
        const again = await device(A2, r.base);
        const page = await again.client.pull(s, 0, 10);
        expect(page.ok && page.value.head).toBe(n);
      });
    });

    describe('ack after commit', () => {
      it('a crash before commit stores nothing; the retry stores exactly one', async () => {
        let crash = true;
        const r = await start({
          beforeCommit: () => {
            if (!crash) return;
            crash = false;
            // The relay "dies" between receive and commit: sockets drop, the transaction aborts.
            for (const p of r.app.relay.hub.all()) p.kick('unavailable', 'crash', 1011);
            throw new Error('injected crash before commit');
          },
        });
        const s = b64Id(32, 0x70);
        const c1 = await device(A1, r.base);
        const lost = await c1.client.push(s, ev(9000), fakeRecord(60, 1));
        expect(lost.ok).toBe(false);
        expect(
          (await r.app.relay.store.pull(A1.accountId, s, 0, { limit: 10, maxBytes: 1e6 })).events,
        ).toEqual([]);
        const c2 = await device(A1, r.base);
        const ok = await c2.client.push(s, ev(9000), fakeRecord(60, 1));
        expect(ok.ok && ok.value).toMatchObject({ seq: 1, duplicate: false });
        const stored = await r.app.relay.store.pull(A1.accountId, s, 0, {
          limit: 10,
          maxBytes: 1e6,
        });
        expect(stored.events.map((e) => e.seq)).toEqual([1]);
      });

      it('a crash after commit but before the ack: the retry gets the original seq', async () => {
        let crash = true;
        const r = await start({
          afterCommit: () => {
            if (!crash) return;
            crash = false;
            for (const p of r.app.relay.hub.all()) p.kick('unavailable', 'crash', 1011);
            throw new Error('injected crash after commit');
          },
        });
        const s = b64Id(32, 0x71);
        const c1 = await device(A1, r.base);
        expect((await c1.client.push(s, ev(9100), fakeRecord(60, 1))).ok).toBe(false);
        const c2 = await device(A1, r.base);
        const retry = await c2.client.push(s, ev(9100), fakeRecord(60, 1));
        expect(retry.ok && retry.value).toMatchObject({ seq: 1, duplicate: true });
        const stored = await r.app.relay.store.pull(A1.accountId, s, 0, {
          limit: 10,
          maxBytes: 1e6,
        });
        expect(stored.events.map((e) => e.seq)).toEqual([1]);
      });
    });

    it('speaks at the versioned path only', async () => {
      const ws = new WebSocket(`${main.base.replace('http', 'ws')}/ws`);
      const status = await new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => resolve(-1));
      });
      ws.terminate();
      expect(status).toBe(404);
      expect(WS_PATH).toBe('/v1/ws');
    });
  });
}
