/**
 * Every limit at the limit: for each one the relay announces or enforces
 * (frame, event, page, pull, quota, rate, devices, streams, sockets per device
 * and per address, queued push bytes per socket and per process, the auth
 * frame before `ready`, the pairing frame), a try at limit − 1, at the limit
 * and at limit + 1, through a real socket, run on PGlite and on Postgres. At
 * the limit it works; past it the answer is a typed error (or the documented
 * close); and after every test a bystander device of another account still
 * pings, pushes and reconnects, and /healthz answers 200.
 *
 * The frame, event, page and pull limits run at their defaults (4 MiB events,
 * 5.6 MB frames); the others at small configured values, so that reaching
 * them is quick.
 */
import {
  base64Length,
  CLOSE_CODES,
  DEFAULT_LIMITS,
  PAIRING_WS_PATH,
  RECORD_OVERHEAD,
  signAuth,
  toBase64,
  WS_PATH,
} from '@cairn/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_RELAY_LIMITS, DEVICE_ROW_BYTES } from '../../src/config.js';
import type { StoreConfig } from '../../src/store/index.js';
import {
  connectDevice,
  openDevice,
  type ProtocolDevice,
} from '../../../testkit/src/protocol-device.js';
import { b64Id, fakeRecord, identity, type Identity } from '../../../testkit/src/identities.js';
import { rawUpgrade } from './raw-ws.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const A1 = identity(70, 1);
const BYSTANDER = identity(71, 1);
const MiB = 1024 * 1024;

let nextEvent = 1;
/** A fresh event id. */
const ev = (): string => {
  const b = Buffer.alloc(16, 0x70);
  b.writeUInt32BE(nextEvent++, 12);
  return b.toString('base64');
};

/** `json` padded with spaces (JSON allows them) to exactly `bytes` bytes (ASCII). */
function exactly(json: string, bytes: number): string {
  if (json.length > bytes) throw new Error(`frame is ${json.length} bytes, over ${bytes}`);
  return json + ' '.repeat(bytes - json.length);
}

const pushFrame = (id: number, streamId: string, data: string): string =>
  JSON.stringify({ type: 'push', id, streamId, eventId: ev(), data });

/** The next text frame, parsed, or the close code. */
function next(
  ws: WebSocket,
  ms = 30_000,
): Promise<{ frame?: Record<string, unknown>; close?: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame and no close')), ms);
    const onMessage = (data: Buffer): void => {
      done();
      resolve({ frame: JSON.parse(data.toString()) as Record<string, unknown> });
    };
    const onClose = (code: number): void => {
      done();
      resolve({ close: code });
    };
    const done = (): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

/** The challenge of a socket's hello, once it has arrived. */
async function challengeOf(c: ProtocolDevice): Promise<string> {
  for (let tries = 0; tries < 500; tries++) {
    const hello = c.client.relayHello;
    if (hello !== undefined) return hello.challenge;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no hello');
}

/** The close code of a socket (waits for it). */
const closeOf = (ws: WebSocket, ms = 30_000): Promise<number> =>
  new Promise((resolve, reject) => {
    if (ws.readyState === WebSocket.CLOSED) {
      reject(new Error('already closed: the code is lost'));
      return;
    }
    const timer = setTimeout(() => reject(new Error('not closed')), ms);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

export function limitsSuite(
  name: string,
  database: () => Promise<StoreConfig>,
  dispose: () => Promise<void> = async () => {},
): void {
  describe(`every limit at the limit: ${name}`, () => {
    const relays: RunningRelay[] = [];
    const sockets: { ws: WebSocket }[] = [];
    let main: RunningRelay;

    const register = async (r: RunningRelay, d: Identity): Promise<void> => {
      const outcome = await r.app.relay.store.registerAccount(d.accountId, {
        deviceId: d.deviceId,
        signingKey: toBase64(d.signing.publicKey),
        boxKey: toBase64(d.box.publicKey),
        label: d.label,
      });
      expect(outcome).not.toBe('conflict');
    };
    const start = async (opts: Parameters<typeof startRelay>[1] = {}): Promise<RunningRelay> => {
      const r = await startRelay(await database(), opts);
      relays.push(r);
      for (const d of [A1, BYSTANDER]) await register(r, d);
      return r;
    };
    const device = async (d: Identity, r: RunningRelay): Promise<ProtocolDevice> => {
      const c = await connectDevice(r.base, d);
      sockets.push(c);
      return c;
    };

    /** The relay still serves others: the bystander pings, pushes, reconnects; /healthz is 200. */
    const stillServing = async (r: RunningRelay): Promise<void> => {
      const b = await device(BYSTANDER, r);
      expect((await b.client.ping()).ok).toBe(true);
      const pushed = await b.client.push(b64Id(32, 0x7b), ev(), fakeRecord(100, 1));
      expect(pushed.ok).toBe(true);
      await b.close();
      expect((await fetch(`${r.base}/healthz`)).status).toBe(200);
    };

    beforeAll(async () => {
      main = await start();
    });
    // Each test's sockets go before the next (a device holds only a few at once).
    afterEach(async () => {
      await Promise.all(
        sockets.splice(0).map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.ws.readyState === WebSocket.CLOSED) return resolve();
              s.ws.once('close', () => resolve());
              s.ws.close();
              setTimeout(() => {
                s.ws.terminate();
                resolve();
              }, 2000).unref();
            }),
        ),
      );
    });
    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      for (const r of relays) await r.close();
      await dispose();
    });

    it('frame (maxFrameBytes, default 5.6 MB): L − 1 and L are answered, L + 1 closes 1009', async () => {
      const L = DEFAULT_LIMITS.maxFrameBytes;
      const data = fakeRecord(DEFAULT_LIMITS.maxEventBytes, 1);
      const stream = b64Id(32, 0x71);
      const a = await device(A1, main);
      for (const [i, size] of [L - 1, L].entries()) {
        const answer = next(a.ws);
        a.ws.send(exactly(pushFrame(100 + i, stream, data), size));
        expect((await answer).frame).toMatchObject({ type: 'ack', ref: 100 + i, seq: i + 1 });
      }
      const closed = closeOf(a.ws);
      a.ws.send(exactly(pushFrame(102, stream, data), L + 1));
      expect(await closed).toBe(CLOSE_CODES.tooBig);
      const b = await device(A1, main);
      const page = await b.client.pull(stream, 0, 10);
      expect(page.ok && page.value.head).toBe(2);
      await stillServing(main);
    });

    it('event (maxEventBytes, default 4 MiB): L − 1 and L acked, L + 1 is too-large', async () => {
      const L = DEFAULT_LIMITS.maxEventBytes;
      const stream = b64Id(32, 0x72);
      const a = await device(A1, main);
      for (const size of [L - 1, L]) {
        const acked = await a.client.push(stream, ev(), fakeRecord(size, 2));
        expect(acked.ok).toBe(true);
      }
      const over = await a.client.push(stream, ev(), fakeRecord(L + 1, 2));
      expect(!over.ok && over.error.code).toBe('too-large');
      // The event under the limit comes back whole, and nothing else was stored.
      const page = await a.client.pull(stream, 0, 10);
      expect(page.ok && page.value.events.map((e) => e.data.length)).toEqual([
        Math.ceil((L - 1) / 3) * 4,
      ]);
      expect(page.ok && page.value.head).toBe(2);
      await stillServing(main);
    });

    it('page (maxPageBytes, default 4 MiB): pages of L − 1 and L come whole, L + 1 is cut', async () => {
      const L = DEFAULT_LIMITS.maxPageBytes;
      const a = await device(A1, main);
      for (const [k, total] of [L - 1, L, L + 1].entries()) {
        const stream = b64Id(32, 0x73 + k);
        // Four events: three of 1 MiB, the last making up the total.
        for (const size of [MiB, MiB, MiB, total - 3 * MiB]) {
          expect((await a.client.push(stream, ev(), fakeRecord(size, 3))).ok).toBe(true);
        }
        const page = await a.client.pull(stream, 0, 1000);
        if (!page.ok) throw new Error(page.error.message);
        const bytes = page.value.events.reduce((n, e) => n + base64Length(e.data), 0);
        expect(bytes).toBeLessThanOrEqual(L);
        if (total <= L) {
          expect(page.value.events).toHaveLength(4);
          expect(page.value.hasMore).toBe(false);
        } else {
          expect(page.value.events).toHaveLength(3);
          expect(page.value).toMatchObject({ hasMore: true, next: 3 });
          const rest = await a.client.pull(stream, 3, 1000);
          expect(rest.ok && rest.value.events.map((e) => e.seq)).toEqual([4]);
        }
      }
      await stillServing(main);
    });

    it('pull (maxPullLimit, default 1000): limits L − 1 and L honoured, L + 1 shortened to L', async () => {
      const L = DEFAULT_LIMITS.maxPullLimit;
      const stream = b64Id(32, 0x76);
      const a = await device(A1, main);
      const acks = await Promise.all(
        Array.from({ length: L + 1 }, (_, n) =>
          a.client.push(stream, ev(), fakeRecord(64, n % 256)),
        ),
      );
      expect(acks.every((x) => x.ok)).toBe(true);
      for (const [limit, got] of [
        [L - 1, L - 1],
        [L, L],
        [L + 1, L],
      ] as const) {
        const page = await a.client.pull(stream, 0, limit);
        expect(page.ok && page.value.events.length).toBe(got);
        expect(page.ok && page.value.hasMore).toBe(true);
      }
      await stillServing(main);
    });

    it('quota (quotaBytes): storing up to Q − 1 and Q works, Q + 1 is quota', async () => {
      const Q = DEVICE_ROW_BYTES + 10_000;
      const r = await start({ limits: { quotaBytes: Q } });
      for (const [k, total] of [Q - 1, Q, Q + 1].entries()) {
        // A fresh account each time: its device row already counts DEVICE_ROW_BYTES.
        const d = identity(72 + k, 1);
        await register(r, d);
        const c = await device(d, r);
        const pushed = await c.client.push(
          b64Id(32, 0x77),
          ev(),
          fakeRecord(total - DEVICE_ROW_BYTES, 4),
        );
        if (total <= Q) expect(pushed.ok).toBe(true);
        else expect(!pushed.ok && pushed.error.code).toBe('quota');
      }
      await stillServing(r);
    });

    it('rate (pushBurst): pushes L − 1 and L of a burst acked, L + 1 rate-limited', async () => {
      const L = 5;
      const r = await start({ limits: { pushRate: 1, pushBurst: L } });
      const a = await device(A1, r);
      const out = await Promise.all(
        Array.from({ length: L + 1 }, (_, n) =>
          a.client.push(b64Id(32, 0x78), ev(), fakeRecord(64, n)),
        ),
      );
      expect(out.slice(0, L).every((o) => o.ok)).toBe(true);
      const last = out[L];
      expect(last !== undefined && !last.ok && last.error.code).toBe('rate-limited');
      expect(last !== undefined && !last.ok ? last.error.retryAfterMs : 0).toBeGreaterThan(0);
      await stillServing(r);
    });

    it('devices (maxDevices): an account with L − 1 and L devices adds, at L more is quota', async () => {
      const L = 3;
      const r = await start({ limits: { maxDevices: L } });
      const a = await device(A1, r);
      const keys = (n: number) => {
        const d = identity(70, 10 + n);
        return {
          deviceId: d.deviceId,
          signingKey: toBase64(d.signing.publicKey),
          boxKey: toBase64(d.box.publicKey),
          label: d.label,
        };
      };
      expect((await a.client.addDevice(keys(1))).ok).toBe(true); // now L − 1
      expect((await a.client.addDevice(keys(2))).ok).toBe(true); // now L
      const over = await a.client.addDevice(keys(3));
      expect(!over.ok && over.error.code).toBe('quota');
      const list = await a.client.devices();
      expect(list.ok && list.value.devices.length).toBe(L);
      await stillServing(r);
    });

    it('streams (maxStreams): the L − 1th and Lth stream start, the L + 1th is quota', async () => {
      const L = 3;
      const r = await start({ limits: { maxStreams: L } });
      // A fresh account: on Postgres every relay of the suite shares one database.
      const fresh = identity(76, 1);
      await register(r, fresh);
      const a = await device(fresh, r);
      for (let n = 0; n < L; n++) {
        expect((await a.client.push(b64Id(32, 0x90 + n), ev(), fakeRecord(64, n))).ok).toBe(true);
      }
      const over = await a.client.push(b64Id(32, 0x90 + L), ev(), fakeRecord(64, 9));
      expect(!over.ok && over.error.code).toBe('quota');
      expect((await a.client.push(b64Id(32, 0x90), ev(), fakeRecord(64, 9))).ok).toBe(true);
      await stillServing(r);
    });

    it('sockets per device (maxSocketsPerDevice): L − 1 and L authenticate, L + 1 is closed 4429', async () => {
      const L = 3;
      const r = await start({ limits: { maxSocketsPerDevice: L } });
      const held: ProtocolDevice[] = [];
      for (let n = 0; n < L; n++) held.push(await device(A1, r));
      const extra = await openDevice(r.base);
      sockets.push(extra);
      const refused = await extra.client.authenticate({
        accountId: A1.accountId,
        deviceId: A1.deviceId,
        signingSecretKey: A1.signing.secretKey,
      });
      expect(!refused.ok && refused.error.code).toBe('rate-limited');
      expect((await extra.closed).code).toBe(CLOSE_CODES.tooManySockets);
      // The ones it holds keep working; one closed makes room again.
      for (const h of held) expect((await h.client.ping()).ok).toBe(true);
      await held[0]?.close();
      const again = await device(A1, r);
      expect((await again.client.ping()).ok).toBe(true);
      await stillServing(r);
    });

    it('sockets per address (maxSocketsPerIp): L − 1 and L open, L + 1 gets 429; others are unaffected', async () => {
      const L = 4;
      const r = await start({ limits: { maxSocketsPerIp: L } });
      const url = (path: string): string => `${r.base.replace(/^http/, 'ws')}${path}`;
      const opened: WebSocket[] = [];
      const openFrom = (path: string, localAddress: string): Promise<WebSocket> =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url(path), { localAddress });
          ws.once('open', () => resolve(ws));
          ws.once('unexpected-response', (_req, res) =>
            reject(new Error(`refused ${res.statusCode}`)),
          );
          ws.once('error', reject);
        });
      // Sync and pairing sockets count alike.
      for (let n = 0; n < L; n++) {
        const ws = await openFrom(n % 2 === 0 ? WS_PATH : PAIRING_WS_PATH, '127.0.0.1');
        opened.push(ws);
        sockets.push({ ws });
      }
      await expect(openFrom(WS_PATH, '127.0.0.1')).rejects.toThrow('429');
      await expect(openFrom(PAIRING_WS_PATH, '127.0.0.1')).rejects.toThrow('429');
      // Another address is not affected.
      const other = await openFrom(WS_PATH, '127.0.0.2');
      sockets.push({ ws: other });
      other.close();
      const first = opened[0];
      if (first === undefined) throw new Error('none opened');
      first.close();
      await new Promise((resolve) => first.once('close', resolve));
      // The relay counts the close a moment after the client sees it.
      let reopened: WebSocket | undefined;
      for (let tries = 0; tries < 50 && reopened === undefined; tries++) {
        reopened = await openFrom(WS_PATH, '127.0.0.1').catch(async () => {
          await new Promise((res) => setTimeout(res, 20));
          return undefined;
        });
      }
      expect(reopened).toBeDefined();
      if (reopened !== undefined) sockets.push({ ws: reopened });
      for (const ws of [...opened, reopened]) ws?.terminate();
      // The bystander connects from 127.0.0.1 once the sockets there are gone.
      await new Promise((res) => setTimeout(res, 200));
      await stillServing(r);
    });

    describe('queued push bytes', () => {
      /** A relay whose commits wait for `release()`, so that pushes stay queued. */
      const heldRelay = async (limits: Record<string, number>) => {
        let open = (): void => undefined;
        let gate = Promise.resolve();
        const hold = (): void => {
          gate = new Promise<void>((resolve) => (open = resolve));
        };
        const r = await start({
          limits: { maxEventBytes: 1000, ...limits },
          beforeCommit: () => gate,
        });
        return { r, hold, release: () => open() };
      };

      it('per socket (maxQueuedBytes): L − 1 and L bytes wait, L + 1 is rate-limited', async () => {
        const L = 3000;
        const { r, hold, release } = await heldRelay({ maxQueuedBytes: L });
        const a = await device(A1, r);
        for (const [k, total] of [L - 1, L, L + 1].entries()) {
          hold();
          const stream = b64Id(32, 0xa0 + k);
          // 1000 + 1000 + rest + 41 (the smallest sealed record) = total.
          const sizes = [1000, 1000, total - 2000 - RECORD_OVERHEAD, RECORD_OVERHEAD];
          const answers = sizes.map((size) => a.client.push(stream, ev(), fakeRecord(size, k)));
          const last = answers[3];
          if (last === undefined) throw new Error('no push');
          if (total > L) {
            // Refused at once, while the others still wait for their commit.
            const refused = await last;
            expect(!refused.ok && refused.error.code).toBe('rate-limited');
            expect(!refused.ok ? refused.error.retryAfterMs : 0).toBeGreaterThan(0);
          }
          release();
          const out = await Promise.all(answers);
          expect(out.slice(0, 3).every((o) => o.ok)).toBe(true);
          expect(out[3]?.ok).toBe(total <= L);
        }
        await stillServing(r);
      });

      it('per process (maxQueuedBytesTotal): L − 1 and L bytes across sockets wait, L + 1 is rate-limited', async () => {
        const L = 3000;
        const { r, hold, release } = await heldRelay({
          maxEventBytes: 1500,
          maxQueuedBytes: L,
          maxQueuedBytesTotal: L,
        });
        const first = await device(A1, r);
        const second = await device(BYSTANDER, r);
        const queued = async (): Promise<number> =>
          (await r.app.relay.metrics.queuedBytes.get()).values[0]?.value ?? 0;
        for (const [k, total] of [L - 1, L, L + 1].entries()) {
          hold();
          const waiting = [
            first.client.push(b64Id(32, 0xb0 + k), ev(), fakeRecord(1000, k)),
            first.client.push(b64Id(32, 0xb0 + k), ev(), fakeRecord(1000, k)),
          ];
          // The first socket's 2000 bytes are queued before the second socket pushes.
          for (let tries = 0; tries < 500 && (await queued()) < 2000; tries++) {
            await new Promise((res) => setTimeout(res, 5));
          }
          expect(await queued()).toBe(2000);
          const third = second.client.push(b64Id(32, 0xb8 + k), ev(), fakeRecord(total - 2000, k));
          if (total > L) {
            const refused = await third;
            expect(!refused.ok && refused.error.code).toBe('rate-limited');
          }
          release();
          const out = await Promise.all([...waiting, third]);
          expect(out.slice(0, 2).every((o) => o.ok)).toBe(true);
          expect(out[2]?.ok).toBe(total <= L);
        }
        expect(await queued()).toBe(0);
        await stillServing(r);
      });
    });

    describe('before authentication', () => {
      it('auth frame (maxAuthFrameBytes): L − 1 and L authenticate, L + 1 closes 1009', async () => {
        const L = DEFAULT_RELAY_LIMITS.maxAuthFrameBytes;
        for (const size of [L - 1, L, L + 1]) {
          const c = await openDevice(main.base);
          sockets.push(c);
          const challenge = await challengeOf(c);
          const auth = JSON.stringify({
            type: 'auth',
            v: 1,
            accountId: A1.accountId,
            deviceId: A1.deviceId,
            signature: signAuth(A1.signing.secretKey, challenge, A1.accountId, A1.deviceId),
          });
          const answer = next(c.ws);
          c.ws.send(exactly(auth, size));
          const got = await answer;
          if (size <= L) expect(got.frame, `${size} bytes`).toMatchObject({ type: 'ready' });
          else expect(got.close ?? (await closeOf(c.ws))).toBe(CLOSE_CODES.tooBig);
          c.ws.terminate();
        }
        await stillServing(main);
      });

      it('refuses an oversized frame on its header, before its payload arrives', async () => {
        for (const path of [WS_PATH, PAIRING_WS_PATH]) {
          const raw = await rawUpgrade(main.base, path);
          // A header announcing 5 MB, then a few bytes of payload, and nothing more.
          raw.socket.write(
            Buffer.concat([raw.header(1, 5_000_000), Buffer.from('{"type":"auth"')]),
          );
          await raw.ended;
          expect(raw.closeCode()).toBe(CLOSE_CODES.tooBig);
        }
        await stillServing(main);
      });

      it('pairing frame (maxPairingFrameBytes): L − 1 and L answered, L + 1 closes 1009', async () => {
        const L = DEFAULT_RELAY_LIMITS.maxPairingFrameBytes;
        const url = `${main.base.replace(/^http/, 'ws')}${PAIRING_WS_PATH}`;
        for (const size of [L - 1, L, L + 1]) {
          const ws = new WebSocket(url);
          sockets.push({ ws });
          const hello = next(ws);
          await new Promise((resolve) => ws.once('open', resolve));
          expect((await hello).frame).toMatchObject({ type: 'pairing-hello' });
          const answer = next(ws);
          // An A-only frame before auth: answered not-authenticated when it is not too big.
          ws.send(
            exactly(JSON.stringify({ type: 'pairing-reject', joiner: '0'.repeat(32) }), size),
          );
          const got = await answer;
          if (size <= L) {
            expect(got.frame).toMatchObject({ type: 'error', code: 'not-authenticated' });
          } else expect(got.close ?? (await closeOf(ws))).toBe(CLOSE_CODES.tooBig);
          ws.terminate();
        }
        await stillServing(main);
      });
    });
  });
}
