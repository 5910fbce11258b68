/**
 * Push → other device receives, p50 and p99, with 1, 100 and 1,000 receiving
 * devices connected, on PGlite and on Postgres; with the bare forwarder's
 * send → receive latency to the same number of clients beside it, for scale.
 *
 * One account: device 0 pushes one 200-byte sealed event at a time; the
 * relay commits it, acks it and fans it out to the account's N other devices.
 * A sample is one (push, receiver) pair: from the push being sent to that
 * receiver's event frame arriving; the next push waits until every receiver
 * has the previous one, then a short pause. Receivers are added between
 * sizes on the same relay.
 */
import { ready } from '@cairn/shared';
import { WebSocket } from 'ws';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { portInfo, spawnServer } from './lib/child.js';
import type { DatabaseKind } from './lib/databases.js';
import { benchIdentities } from '../testkit/src/identities.js';
import { seededDatabase, startRelay } from './lib/relay.js';
import { fakeRecord, wireId } from '../testkit/src/identities.js';
import {
  closeAll,
  connectAll,
  type ProtocolDevice,
  LOAD_SOCKETS,
} from '../testkit/src/protocol-device.js';
import { fmt, latencyRow, type Row } from './lib/report.js';
import { latency, summarize, type Latency } from './lib/stats.js';
import { signal, sleep, withTimeout } from './lib/wait.js';

interface Sizes {
  receivers: number[];
  pushes: number;
  runs: number;
}

const EVENT_BYTES = 200;
const GAP_MS = 10;
const ROUND_TIMEOUT_MS = 30_000;

/** Times one round: `send` goes out at t0; resolves with every receiver's delay. */
async function round(
  send: () => Promise<void> | void,
  receivers: number,
  arm: (onArrive: () => void) => void,
): Promise<number[]> {
  const delays: number[] = [];
  const all = signal();
  let t0 = 0;
  arm(() => {
    delays.push(performance.now() - t0);
    if (delays.length === receivers) all.resolve();
  });
  t0 = performance.now();
  await send();
  await withTimeout(all.promise, ROUND_TIMEOUT_MS, `${delays.length}/${receivers} received`);
  return delays;
}

async function series(
  s: Sizes,
  receivers: number,
  send: (i: number) => Promise<void> | void,
  arm: (onArrive: () => void) => void,
): Promise<Latency> {
  const samples: number[] = [];
  for (let i = 0; i < s.pushes; i++) {
    samples.push(...(await round(() => send(i), receivers, arm)));
    await sleep(GAP_MS);
  }
  return latency(samples);
}

async function relaySeries(
  s: Sizes,
  kind: DatabaseKind,
  log: (l: string) => void,
): Promise<Latency[][]> {
  const most = Math.max(...s.receivers);
  const ids = benchIdentities(1, most + 1);
  const relay = await startRelay(await seededDatabase(kind, ids));
  const connected: ProtocolDevice[] = [];
  const stream = wireId(32, 0x66, 0);
  const data = fakeRecord(EVENT_BYTES);
  let pushed = 0;
  try {
    const out: Latency[][] = [];
    for (const n of s.receivers) {
      connected.push(
        ...(await connectAll(relay.wsUrl, ids.slice(connected.length, n + 1), {
          ...LOAD_SOCKETS,
          events: 'count',
        })),
      );
      const [pusher, ...receivers] = connected;
      if (pusher === undefined) throw new Error('no pusher');
      const arm = (onArrive: () => void): void => {
        for (const d of receivers) d.onEventFrame = onArrive;
      };
      const send = async (): Promise<void> => {
        const r = await pusher.client.push(stream, wireId(16, 0x77, pushed++), data);
        if (!r.ok) throw new Error(`push refused: ${r.error.code}`);
      };
      await series({ ...s, pushes: 5 }, n, send, arm); // warm-up, not counted
      const runs: Latency[] = [];
      for (let r = 0; r < s.runs; r++) runs.push(await series(s, n, send, arm));
      log(`latency on ${kind}, ${n} receivers: p50 ${runs.map((x) => fmt(x.p50)).join(', ')} ms`);
      out.push(runs);
    }
    return out;
  } finally {
    await closeAll(connected);
    await relay.stop();
  }
}

async function referenceSeries(s: Sizes, log: (l: string) => void): Promise<Latency[][]> {
  const server = await spawnServer('bench/servers/forwarder.ts', portInfo);
  const url = `ws://127.0.0.1:${server.info.port}/ws`;
  const sockets: WebSocket[] = [];
  let onArrive = (): void => undefined;
  const frame = 'x'.repeat(EVENT_BYTES);
  try {
    const out: Latency[][] = [];
    for (const n of s.receivers) {
      while (sockets.length < n + 1) {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        ws.on('message', () => onArrive());
        sockets.push(ws);
      }
      const [sender] = sockets;
      if (sender === undefined) throw new Error('no sender');
      // The sender's own socket gets nothing (the forwarder skips it).
      const arm = (f: () => void): void => {
        onArrive = f;
      };
      await series({ ...s, pushes: 5 }, n, () => sender.send(frame), arm);
      const runs: Latency[] = [];
      for (let r = 0; r < s.runs; r++) runs.push(await series(s, n, () => sender.send(frame), arm));
      log(
        `latency on the forwarder, ${n} receivers: p50 ${runs.map((x) => fmt(x.p50)).join(', ')} ms`,
      );
      out.push(runs);
    }
    return out;
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.stop();
  }
}

export const relayLatency: Benchmark = {
  id: 'latency',
  title: 'Relay push → receive latency',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick(ctx, {
      full: { receivers: [1, 100, 1000], pushes: 50, runs: 3 },
      smoke: { receivers: [1, 3], pushes: 5, runs: 1 },
    });
    const results = {
      reference: await referenceSeries(s, ctx.log),
      pglite: await relaySeries(s, 'pglite', ctx.log),
      postgres: await relaySeries(s, 'postgres', ctx.log),
    };
    const rows: Row[] = [];
    for (const [i, n] of s.receivers.entries()) {
      for (const [key, name] of [
        ['reference', 'Reference (a): bare forwarder'],
        ['pglite', 'Cairn relay on PGlite'],
        ['postgres', 'Cairn relay on Postgres'],
      ] as const) {
        const runs = results[key][i] ?? [];
        rows.push(
          latencyRow(
            `${name}, ${n} receiving device${n === 1 ? '' : 's'}`,
            'ms',
            summarize(runs.map((r) => r.p50)),
            summarize(runs.map((r) => r.p99)),
          ),
        );
      }
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `One account; device 0 pushes one ${EVENT_BYTES}-byte sealed event at a time, the next after every receiver has the last and a ${GAP_MS} ms pause; the relay commits it (fsync on for Postgres), acks, and fans it out to the account's other ${s.receivers.join(' / ')} connected devices. A sample is one (push, receiver) pair, from sending the push to that receiver's frame arriving.`,
        `${s.pushes} pushes per run (after 5 warm-up pushes), ${s.runs} runs per size; p50 and p99 per run, median of runs shown.`,
        'For scale, the bare Fastify + ws forwarder sending a 200-byte frame to as many clients (no auth, no storage).',
        'Servers in child processes; all devices in the bench process, so at 1,000 receivers the p99 includes the bench process reading 1,000 frames in turn.',
      ],
      rows,
      notes: [],
    };
  },
};
