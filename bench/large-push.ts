/**
 * A 4 MiB push, acknowledged: MB/s from sending the push frame to its `ack`,
 * on PGlite (a folder on disk, as `npm start` runs it) and on Postgres (fsync
 * on), against the same bytes through the bare forwarder.
 *
 * Cairn: one device pushes sealed events of 4 MiB (the protocol's largest)
 * one at a time into one stream; each sample is one push, from the frame
 * being sent to its ack arriving (validation, the commit, the ack). Reference
 * (a): the bare Fastify + ws forwarder carrying the same push frame to a
 * second client, which answers with a small frame the size of an ack; a
 * sample is send → that answer back. Both sides in child processes, the
 * clients in the bench process. The target: a 4 MiB push acked at 25 MB/s
 * or more on this machine.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ready } from '@cairn/shared';
import { WebSocket } from 'ws';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { portInfo, spawnServer } from './lib/child.js';
import { freshFolder, type DatabaseKind } from './lib/databases.js';
import { benchIdentities } from '../testkit/src/identities.js';
import { profileNote } from './lib/profile.js';
import { seededDatabase, startRelay } from './lib/relay.js';
import { wireId } from '../testkit/src/identities.js';
import { connectDevice, LOAD_SOCKETS } from '../testkit/src/protocol-device.js';
import { figure, fmt, ratio, targetMet, type Row } from './lib/report.js';
import { median, ratios, summarize } from './lib/stats.js';
import { signal, withTimeout } from './lib/wait.js';

interface Sizes {
  bytes: number;
  pushes: number;
  runs: number;
}

const TIMEOUT_MS = 60_000;
const TARGET_MBPS = 25;
const MB = 1e6;
const ACK_FRAME = JSON.stringify({ type: 'ack', ref: 1, seq: 1, duplicate: false });

/** Bytes shaped like a sealed record (version byte, then random: ciphertext does not compress), base64. */
function sealedLike(size: number): string {
  const b = randomBytes(size);
  b[0] = 1;
  return b.toString('base64');
}

/** MB/s of one sample: the event's bytes over the time to its ack. */
const mbps = (bytes: number, ms: number): number => bytes / MB / (ms / 1000);

/** One run's median MB/s; with `profile`, the relay's CPU profile of the measured pushes goes there. */
async function relayRun(
  kind: DatabaseKind,
  s: Sizes,
  run: number,
  profile?: string,
): Promise<number> {
  const [id] = benchIdentities(1, 1);
  if (id === undefined) throw new Error('no identity');
  const relay = await startRelay(await seededDatabase(kind, [id]));
  const device = await connectDevice(relay.wsUrl, id, LOAD_SOCKETS);
  const stream = wireId(32, 0x4b, run);
  const data = sealedLike(s.bytes);
  try {
    const samples: number[] = [];
    // One warm-up push (code paths, buffers), then the measured ones.
    for (let i = 0; i <= s.pushes; i++) {
      if (i === 1 && profile !== undefined) await relay.server.startProfile();
      const t0 = performance.now();
      const ack = await withTimeout(
        device.client.push(stream, wireId(16, 0x4c, i), data),
        TIMEOUT_MS,
        `4 MiB push ${i} on ${kind}`,
      );
      const ms = performance.now() - t0;
      if (!ack.ok) throw new Error(`push refused: ${ack.error.code} ${ack.error.message}`);
      if (i > 0) samples.push(mbps(s.bytes, ms));
    }
    if (profile !== undefined) await relay.server.stopProfile(profile);
    return median(samples);
  } finally {
    await device.close();
    await relay.stop();
  }
}

async function referenceRun(s: Sizes): Promise<number> {
  const server = await spawnServer('bench/servers/forwarder.ts', portInfo);
  const url = `ws://127.0.0.1:${server.info.port}/ws`;
  const open = async (): Promise<WebSocket> => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  };
  const sender = await open();
  const receiver = await open();
  // The same frame a push of this size is: the JSON envelope around the base64.
  const frame = JSON.stringify({
    type: 'push',
    id: 1,
    streamId: wireId(32, 0x4b, 0),
    eventId: wireId(16, 0x4c, 0),
    data: sealedLike(s.bytes),
  });
  receiver.on('message', () => receiver.send(ACK_FRAME));
  try {
    const samples: number[] = [];
    for (let i = 0; i <= s.pushes; i++) {
      const back = signal();
      sender.once('message', () => back.resolve());
      const t0 = performance.now();
      sender.send(frame);
      await withTimeout(back.promise, TIMEOUT_MS, 'forwarded frame and answer');
      if (i > 0) samples.push(mbps(s.bytes, performance.now() - t0));
    }
    return median(samples);
  } finally {
    sender.terminate();
    receiver.terminate();
    await server.stop();
  }
}

export const largePush: Benchmark = {
  id: 'large-push',
  title: 'A 4 MiB push, acknowledged',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick(ctx, {
      full: { bytes: 4 * 1024 * 1024, pushes: 10, runs: 3 },
      smoke: { bytes: 256 * 1024, pushes: 2, runs: 1 },
    });
    const runs = { reference: [] as number[], pglite: [] as number[], postgres: [] as number[] };
    for (let r = 0; r < s.runs; r++) {
      runs.reference.push(await referenceRun(s));
      runs.pglite.push(await relayRun('pglite', s, r));
      runs.postgres.push(await relayRun('postgres', s, r));
      ctx.log(
        `large push run ${r + 1}/${s.runs}: forwarder ${fmt(runs.reference.at(-1) ?? 0)}, PGlite ${fmt(runs.pglite.at(-1) ?? 0)}, Postgres ${fmt(runs.postgres.at(-1) ?? 0)} MB/s`,
      );
    }
    const target = { op: '>=', value: TARGET_MBPS } as const;
    const rows: Row[] = [
      figure('Reference (a): bare forwarder, frame and answer', 'MB/s', summarize(runs.reference)),
      figure('Cairn relay on PGlite, push to ack', 'MB/s', summarize(runs.pglite), target),
      figure('Cairn relay on Postgres, push to ack', 'MB/s', summarize(runs.postgres), target),
      ratio('PGlite ÷ forwarder', summarize(ratios(runs.pglite, runs.reference))),
      ratio('Postgres ÷ forwarder', summarize(ratios(runs.postgres, runs.reference))),
    ];
    const notes: string[] = [];
    if (ctx.profileOnMiss && rows.some((row) => targetMet(row) === false)) {
      for (const kind of ['pglite', 'postgres'] as const) {
        const file = join(freshFolder('profile'), `large-push-${kind}.cpuprofile`);
        const got = await relayRun(kind, s, s.runs, file);
        notes.push(
          profileNote(
            file,
            `Profile of the relay on ${kind} during one extra run (${fmt(got)} MB/s under the profiler)`,
          ),
        );
      }
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `One device pushes sealed events of ${fmt(s.bytes / (1024 * 1024))} MiB, one at a time, into one stream; a sample is one push, from sending its frame to its ack (validation, group commit, ack after COMMIT). PGlite in a folder on disk; Postgres with fsync on.`,
        'Reference (a): the bare Fastify + ws forwarder carries the same push frame to a second client, which answers with a frame the size of an ack; a sample is the send to that answer.',
        `${s.pushes} pushes per run after one warm-up, ${s.runs} runs, each on a fresh server and database; a run's figure is the median of its pushes. MB is 10^6 bytes of the event.`,
        `Target: a 4 MiB push acknowledged at ≥ ${TARGET_MBPS} MB/s on this machine (judged on the relay's own figure; the ratios show how far the relay is from what the socket itself costs).`,
      ],
      rows,
      notes,
    };
  },
};
