/**
 * Delivered frames/s: Cairn's relay (auth, validation, group commit, fan-out)
 * against reference (a), a bare Fastify + ws forwarder, with the same clients.
 *
 * N clients; each sends M frames and every frame reaches the N − 1 others.
 * Reference: 200-byte text frames, forwarded as they come. Cairn: N
 * authenticated devices of one account push M events of 200 sealed bytes each
 * (≈ 360-byte frames) into the account's stream, at most W pushes in flight per
 * device; the relay validates each, commits it, acks, and fans it out. The
 * figure is fan-out frames delivered per second, from the first send to the
 * last delivery. Each server starts once; runs alternate between them, so
 * each ratio compares neighbours in time.
 */
import { join } from 'node:path';
import { ready } from '@cairn/shared';
import { WebSocket } from 'ws';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { portInfo, spawnServer, type ServerProcess } from './lib/child.js';
import { freshFolder, type DatabaseKind } from './lib/databases.js';
import { benchIdentities } from '../testkit/src/identities.js';
import { profileNote } from './lib/profile.js';
import { seededDatabase, startRelay, type RelayRun } from './lib/relay.js';
import { fakeRecord, wireId } from '../testkit/src/identities.js';
import {
  closeAll,
  connectAll,
  type ProtocolDevice,
  LOAD_SOCKETS,
} from '../testkit/src/protocol-device.js';
import { figure, fmt, ratio, targetMet, type Row } from './lib/report.js';
import { ratios, summarize } from './lib/stats.js';
import { nextTick, signal, withTimeout } from './lib/wait.js';
import { warmUntilSteady } from './lib/warmup.js';

/** Run numbers for warm-up runs (they keep event ids apart from the measured runs'). */
const WARM_UP_RUNS = 100;

interface Sizes {
  clients: number;
  frames: number;
  window: number;
  runs: number;
}

const FRAME_BYTES = 200;
const TIMEOUT_MS = 120_000;
const TARGET = { op: '>=', value: 0.5 } as const;

interface Side {
  /** One measured run; `run` makes its frames distinct from earlier runs'. */
  measure(run: number): Promise<number>;
  server: ServerProcess<unknown>;
  close(): Promise<void>;
}

async function referenceSide(s: Sizes): Promise<Side> {
  const server = await spawnServer('bench/servers/forwarder.ts', portInfo);
  const url = `ws://127.0.0.1:${server.info.port}/ws`;
  let delivered = 0;
  let onDelivered = (): void => undefined;
  const sockets = await Promise.all(
    Array.from(
      { length: s.clients },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url, { perMessageDeflate: false });
          ws.on('message', () => {
            delivered++;
            onDelivered();
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  const frame = 'x'.repeat(FRAME_BYTES);
  const send = async (ws: WebSocket): Promise<void> => {
    for (let i = 0; i < s.frames;) {
      // A bounded amount unsent per client, as the relay's push window bounds Cairn's.
      if (ws.bufferedAmount > 64 * 1024) {
        await nextTick();
        continue;
      }
      for (const end = Math.min(s.frames, i + s.window); i < end; i++) ws.send(frame);
      await nextTick();
    }
  };
  return {
    server,
    async measure() {
      const expected = s.clients * s.frames * (s.clients - 1);
      delivered = 0;
      const all = signal();
      onDelivered = () => {
        if (delivered === expected) all.resolve();
      };
      const t0 = performance.now();
      await withTimeout(
        Promise.all([...sockets.map(send), all.promise]),
        TIMEOUT_MS,
        `reference: ${delivered}/${expected} delivered`,
      );
      return delivered / ((performance.now() - t0) / 1000);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await server.stop();
    },
  };
}

async function cairnSide(s: Sizes, kind: DatabaseKind): Promise<Side> {
  const ids = benchIdentities(1, s.clients);
  const relay: RelayRun = await startRelay(await seededDatabase(kind, ids));
  const devices: ProtocolDevice[] = await connectAll(relay.wsUrl, ids, {
    ...LOAD_SOCKETS,
    events: 'count',
  });
  let delivered = 0;
  let onDelivered = (): void => undefined;
  for (const d of devices) {
    d.onEventFrame = () => {
      delivered++;
      onDelivered();
    };
  }
  const stream = wireId(32, 0x33, 0);
  const data = fakeRecord(FRAME_BYTES);
  const push = async (d: ProtocolDevice, k: number, run: number): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < s.frames) {
        const r = await d.client.push(stream, wireId(16, k, run * s.frames + next++), data);
        if (!r.ok) throw new Error(`push refused: ${r.error.code} ${r.error.message}`);
      }
    };
    await Promise.all(Array.from({ length: s.window }, lane));
  };
  return {
    server: relay.server,
    async measure(run) {
      const expected = s.clients * s.frames * (s.clients - 1);
      delivered = 0;
      const all = signal();
      onDelivered = () => {
        if (delivered === expected) all.resolve();
      };
      const t0 = performance.now();
      await withTimeout(
        Promise.all([...devices.map((d, k) => push(d, k, run)), all.promise]),
        TIMEOUT_MS,
        `Cairn on ${kind}: ${delivered}/${expected} delivered`,
      );
      return delivered / ((performance.now() - t0) / 1000);
    },
    async close() {
      await closeAll(devices);
      await relay.stop();
    },
  };
}

export const fanout: Benchmark = {
  id: 'fanout',
  title: 'Relay fan-out vs bare forwarder',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick(ctx, {
      full: { clients: 10, frames: 1000, window: 32, runs: 5, warmMax: 8 },
      smoke: { clients: 3, frames: 20, window: 4, runs: 1, warmMax: 1 },
    });
    const sides = {
      reference: await referenceSide(s),
      pglite: await cairnSide(s, 'pglite'),
      postgres: await cairnSide(s, 'postgres'),
    };
    const rows: Row[] = [];
    const notes: string[] = [];
    const warmUps: string[] = [];
    try {
      const ref: number[] = [];
      const pglite: number[] = [];
      const pg: number[] = [];
      // Not counted: each server runs until it is steady (lib/warmup.ts).
      for (const kind of ['reference', 'pglite', 'postgres'] as const) {
        const w = await warmUntilSteady((run) => sides[kind].measure(WARM_UP_RUNS + run), {
          min: Math.min(2, s.warmMax),
          max: s.warmMax,
        });
        warmUps.push(`${kind} ${w.runs}${w.steady ? '' : ' (not steady)'}`);
        ctx.log(`fanout warm-up: ${kind} ${w.runs} runs${w.steady ? '' : ', not steady'}`);
      }
      for (let r = 1; r <= s.runs; r++) {
        const a = await sides.reference.measure(r);
        const b = await sides.pglite.measure(r);
        const c = await sides.postgres.measure(r);
        ctx.log(
          `fanout run ${r}/${s.runs}: reference ${fmt(a)}, PGlite ${fmt(b)}, Postgres ${fmt(c)} frames/s`,
        );
        ref.push(a);
        pglite.push(b);
        pg.push(c);
      }
      rows.push(
        figure('Reference (a): bare Fastify + ws forwarder', 'delivered frames/s', summarize(ref)),
        figure('Cairn relay on PGlite', 'delivered frames/s', summarize(pglite)),
        figure('Cairn relay on Postgres', 'delivered frames/s', summarize(pg)),
        ratio('Cairn on PGlite / reference', summarize(ratios(pglite, ref)), TARGET),
        ratio('Cairn on Postgres / reference', summarize(ratios(pg, ref)), TARGET),
      );
      if (ctx.profileOnMiss && rows.some((row) => targetMet(row) === false)) {
        for (const kind of ['pglite', 'postgres'] as const) {
          const file = join(freshFolder('profile'), `fanout-${kind}.cpuprofile`);
          await sides[kind].server.startProfile();
          await sides[kind].measure(s.runs + 1);
          await sides[kind].server.stopProfile(file);
          notes.push(profileNote(file, `Profile of the relay on ${kind} during one extra run`));
        }
      }
    } finally {
      await Promise.all(Object.values(sides).map((side) => side.close()));
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `${s.clients} clients, each sends ${s.frames} frames; every frame is delivered to the ${s.clients - 1} others (${s.clients * s.frames * (s.clients - 1)} deliveries per run); ${s.runs} runs, alternating reference, PGlite, Postgres, after each server's warm-up runs until two in a row agree within 20 % (PGlite's WebAssembly is optimised in the background during the first minutes; bench/lib/warmup.ts): ${warmUps.join(', ')}.`,
        `Reference (a): bare Fastify + @fastify/websocket server forwarding ${FRAME_BYTES}-byte text frames; no auth, no parsing, no storage. Each client keeps at most 64 KiB unsent.`,
        `Cairn: ${s.clients} authenticated devices of one account push ${FRAME_BYTES}-byte sealed events (≈ 360-byte frames) into one stream, ${s.window} pushes in flight each; the relay validates each push, commits it (group commit; fsync on for Postgres), acks after the commit, and fans it out. Rate limits lifted for the load test.`,
        'Each server is a child process; the clients live in the bench process and count delivered frames without decoding them (both sides alike).',
      ],
      rows,
      notes,
    };
  },
};
