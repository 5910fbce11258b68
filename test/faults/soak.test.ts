/**
 * Soak (reliability promise 5, "no input takes the process down", over time):
 * 10 devices (5 accounts of 2) push sealed-record-sized events of random sizes
 * up to the maximum (4 MiB, the exact maximum among them) for 5 minutes (CI
 * scale: 20 s) against one relay child on PGlite, each waiting for its ack;
 * events fan out to the account's other device. Beside them one hostile
 * client sends maximal garbage without pause: before authentication, frames
 * of the full frame size (refused on their header, 1009); authenticated as a
 * device of its own account, garbage frames of exactly the frame limit.
 *
 * Pass: the relay never exits and /healthz answers 200; its RSS stays under
 * RSS_CEILING throughout and, at full scale, grows less than RSS_GROWTH from
 * warm (a tenth of the run) to the end; every acknowledged event is stored,
 * in its stream at the seq its ack named, with its own bytes.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_LIMITS, WS_PATH, ready, type EventMessage } from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { health, startRelayChild, type RelayChild } from '../../testkit/src/relay';
import { SCALE, count, report, rng } from './support/scale';
import { faultIdentity, type Identity } from '../../testkit/src/identities';
import {
  connectDevice,
  setUpAccount,
  type ProtocolDevice,
} from '../../testkit/src/protocol-device';

const DURATION_MS = count(5 * 60_000, 20_000);
const ACCOUNTS = 5;
const PER_ACCOUNT = 2;
const PAUSE_MS = 100;
const RSS_CEILING = 1536 * 2 ** 20;
const RSS_GROWTH = 150 * 2 ** 20;
const MAX = DEFAULT_LIMITS.maxEventBytes;

let relay: RelayChild | undefined;
let dataDir = '';

beforeAll(async () => {
  await ready();
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-soak-'));
  relay = await startRelayChild({
    env: {
      RELAY_DATA_DIR: dataDir,
      RELAY_PUSH_RATE: '100000',
      RELAY_PUSH_BURST: '100000',
      RELAY_CONNECT_PER_MINUTE: '100000000',
      RELAY_QUOTA_BYTES: String(2 ** 40),
    },
  });
});

afterAll(async () => {
  await relay?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Mostly small, some medium, a few large, a third of those exactly the maximum. */
function size(r: ReturnType<typeof rng>): number {
  const p = r.int(100);
  if (p < 88) return 41 + r.int(4096);
  if (p < 98) return 4096 + r.int(256 * 1024);
  return r.int(3) === 0 ? MAX : 256 * 1024 + r.int(MAX - 256 * 1024);
}

function sealedLike(r: ReturnType<typeof rng>, n: number): Buffer {
  const b = Buffer.alloc(n);
  // Incompressible like ciphertext, cheap to make: a seeded pattern per block.
  for (let i = 0; i < n; i += 4)
    b.writeUInt32LE(Math.floor(r.next() * 2 ** 32) >>> 0, Math.min(i, n - 4));
  b[0] = 1;
  return b;
}

interface Acked {
  /** The pushing device's account (index). */
  account: number;
  stream: string;
  eventId: string;
  seq: number;
  sha: string;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

async function pusher(
  base: string,
  id: Identity,
  account: number,
  n: number,
  until: number,
  acked: Acked[],
  refused: string[],
  reconnects: string[],
): Promise<number> {
  const r = rng(50_000 + n);
  let s: ProtocolDevice = await connectDevice(base, id);
  const stream = Buffer.alloc(32, 0x50 + n).toString('base64');
  let pushes = 0;
  while (Date.now() < until) {
    if (s.isClosed()) s = await connectDevice(base, id);
    const data = sealedLike(r, size(r)).toString('base64');
    const e = Buffer.alloc(16);
    e.writeUInt32BE(n, 0);
    e.writeUInt32BE(pushes, 12);
    // As the app does: a push whose connection closed before its ack (a slow
    // reader is closed with 4409 when a fan-out frame finds it behind) goes again.
    let answer = await s.client.push(stream, e.toString('base64'), data);
    for (let tries = 0; !answer.ok && answer.error.code === 'closed' && tries < 5; tries++) {
      reconnects.push(answer.error.message);
      s = await connectDevice(base, id);
      answer = await s.client.push(stream, e.toString('base64'), data);
    }
    pushes += 1;
    if (answer.ok) {
      acked.push({
        account,
        stream,
        eventId: e.toString('base64'),
        seq: answer.value.seq,
        sha: sha(data),
      });
    } else {
      refused.push(`${answer.error.code}: ${answer.error.message}`);
    }
    await new Promise((res) => setTimeout(res, PAUSE_MS));
  }
  s.ws.close();
  return pushes;
}

/** Maximal garbage, without pause, until `until`. */
async function hostile(
  base: string,
  me: Identity,
  until: number,
): Promise<{ frames: number; closes: number }> {
  const r = rng(99);
  const url = `${base.replace(/^http/, 'ws')}${WS_PATH}`;
  let frames = 0;
  let closes = 0;
  const garbage = (n: number): string => {
    const chunk = Buffer.alloc(4096);
    for (let i = 0; i < chunk.length; i++) chunk[i] = 32 + r.int(95);
    return chunk
      .toString('latin1')
      .repeat(Math.ceil(n / 4096))
      .slice(0, n);
  };
  const big = garbage(DEFAULT_LIMITS.maxFrameBytes);
  while (Date.now() < until) {
    // Before auth: a full-size frame, refused on its header.
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve) => {
      ws.once('open', () => {
        ws.send(big);
        frames += 1;
      });
      ws.once('close', () => {
        closes += 1;
        resolve();
      });
      ws.once('error', () => undefined);
      ws.once('unexpected-response', () => resolve());
    });
    // Authenticated: garbage of exactly the frame limit, a few times.
    const s = await connectDevice(base, me).catch(() => undefined);
    if (s === undefined) continue;
    for (let k = 0; k < 3 && Date.now() < until && !s.isClosed(); k++) {
      const seen = s.frames.length;
      s.ws.send(
        `{"type":"push","id":${k},"data":"${big.slice(0, DEFAULT_LIMITS.maxFrameBytes - 40).replace(/["\\]/g, 'x')}"}`,
      );
      frames += 1;
      for (let t = 0; t < 200 && s.frames.length === seen && !s.isClosed(); t++) {
        await new Promise((res) => setTimeout(res, 25));
      }
    }
    s.ws.terminate();
  }
  return { frames, closes };
}

describe('soak', () => {
  it(`keeps serving 10 devices pushing up to ${MAX} bytes for ${DURATION_MS / 1000} s beside a hostile socket`, async () => {
    const running = relay;
    if (running === undefined) throw new Error('no relay');
    const accounts = Array.from({ length: ACCOUNTS }, (_, a) =>
      Array.from({ length: PER_ACCOUNT }, (_, d) => faultIdentity(940 + a, d + 1)),
    );
    for (const [first, ...rest] of accounts)
      if (first !== undefined) await setUpAccount(running.base, first, rest);
    const villain = faultIdentity(949, 1);
    await setUpAccount(running.base, villain, []);

    const rss: number[] = [];
    let baseline = 0;
    const started = Date.now();
    const sampler = setInterval(() => {
      try {
        const now = running.rss();
        rss.push(now);
        if (baseline === 0 && Date.now() - started > DURATION_MS / 10) baseline = now;
      } catch {
        // gone: reported below
      }
    }, 1000);
    // Fan-out received by each account's other device, counted.
    const fanned: EventMessage[] = [];
    const listeners = await Promise.all(
      accounts.map((devices) => connectDevice(running.base, devices[1] ?? devices[0] ?? villain)),
    );
    const acked: Acked[] = [];
    const refused: string[] = [];
    const reconnects: string[] = [];
    const until = started + DURATION_MS;
    let garbage = { frames: 0, closes: 0 };
    let results: number[];
    try {
      results = await Promise.all([
        ...accounts.flatMap((devices, a) =>
          devices.map((id, i) =>
            pusher(running.base, id, a, a * PER_ACCOUNT + i, until, acked, refused, reconnects),
          ),
        ),
        hostile(running.base, villain, until).then((g) => {
          garbage = g;
          return 0;
        }),
      ]);
    } finally {
      clearInterval(sampler);
    }
    const pushes = results.reduce((a, b) => a + b, 0);
    for (const l of listeners) fanned.push(...l.events);
    for (const l of listeners) l.ws.close();

    // Every ack is stored: pull each stream whole and compare.
    const checker = await connectDevice(running.base, accounts[0]?.[0] ?? villain);
    let checked = 0;
    const missing: string[] = [];
    for (const [a, devices] of accounts.entries()) {
      const reader = a === 0 ? checker : await connectDevice(running.base, devices[0] ?? villain);
      const streams = [...new Set(acked.filter((x) => x.account === a).map((x) => x.stream))];
      for (const stream of streams) {
        const stored = new Map<number, { eventId: string; sha: string }>();
        let after = 0;
        for (;;) {
          const page = await reader.client.pull(stream, after, 1000);
          if (!page.ok) throw new Error(`pull: ${page.error.code}`);
          for (const e of page.value.events)
            stored.set(e.seq, { eventId: e.eventId, sha: sha(e.data) });
          if (!page.value.hasMore) break;
          after = page.value.next;
        }
        for (const x of acked.filter((y) => y.stream === stream)) {
          const got = stored.get(x.seq);
          checked += 1;
          if (got?.eventId !== x.eventId || got.sha !== x.sha)
            missing.push(`${stream} seq ${x.seq}`);
        }
      }
      if (reader !== checker) reader.ws.close();
    }
    checker.ws.close();

    const end = running.rss();
    const peak = Math.max(end, ...rss);
    report('soak', {
      seconds: Math.round(DURATION_MS / 1000),
      devices: ACCOUNTS * PER_ACCOUNT,
      pushes,
      acked: acked.length,
      checked,
      missing: missing.length,
      refused: refused.length,
      reconnectedToRetry: reconnects.length,
      fanOutReceived: fanned.length,
      garbageFrames: garbage.frames,
      garbageCloses: garbage.closes,
      rssBaselineMB: Math.round(baseline / 2 ** 20),
      rssEndMB: Math.round(end / 2 ** 20),
      rssPeakMB: Math.round(peak / 2 ** 20),
    });
    expect(running.unexpectedExit).toBeUndefined();
    expect(await health(running.base)).toBe(200);
    expect(missing.slice(0, 10)).toEqual([]);
    expect(refused.slice(0, 10)).toEqual([]);
    expect(acked.length).toBe(pushes);
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.some((x) => x.seq > 0)).toBe(true);
    expect(peak).toBeLessThan(RSS_CEILING);
    if (SCALE === 'full') expect(end - baseline).toBeLessThan(RSS_GROWTH);
    const loud = running.logs.filter((l) => /"level":(50|60)/.test(l) || /unhandled/i.test(l));
    expect(loud.slice(0, 10)).toEqual([]);
  });
});
