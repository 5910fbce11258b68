/**
 * Memory per idle authenticated socket: the relay's resident set with N idle,
 * authenticated device sockets, against the bare Fastify + ws forwarder (and a
 * plain `ws` server) holding N idle sockets.
 *
 * Per run, a fresh server process: warm up (connect and close a few hundred
 * sockets, so lazily built code and buffers exist), full GC, read RSS; connect
 * N sockets (authenticated, for the relay); settle, full GC, read RSS again.
 * The figure is (after − before) / N.
 */
import { ready } from '@cairn/shared';
import { WebSocket } from 'ws';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { portInfo, spawnServer, type ServerProcess } from './lib/child.js';
import type { DatabaseKind, RelayDatabase } from './lib/databases.js';
import { benchIdentities } from '../testkit/src/identities.js';
import { seededDatabase, startRelay } from './lib/relay.js';
import { closeAll, connectAll, LOAD_SOCKETS } from '../testkit/src/protocol-device.js';
import { figure, fmt, ratio, type Row } from './lib/report.js';
import { ratios, summarize } from './lib/stats.js';
import { sleep } from './lib/wait.js';

interface Sizes {
  sockets: number;
  warmup: number;
  runs: number;
  /** Quiet time before each reading (the smoke's figures mean nothing; it only waits briefly). */
  settleMs: number;
}
const TARGET = { op: '<=', value: 2 } as const;
const GC = ['--expose-gc'];

interface Footprint {
  rss: number;
  heap: number;
  /** Memory outside the JS heap held by JS objects (Buffers, WASM memories). */
  external: number;
}

async function settled(server: ServerProcess<unknown>, ms: number): Promise<Footprint> {
  await sleep(ms);
  await server.collectGarbage();
  const m = await server.memory();
  return { rss: server.rss(), heap: m.heapUsed, external: m.external };
}

const perSocket = (before: Footprint, after: Footprint, n: number): Footprint => ({
  rss: (after.rss - before.rss) / n,
  heap: (after.heap - before.heap) / n,
  external: (after.external - before.external) / n,
});

async function bareSockets(url: string, n: number, parallel = 128): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < n) {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      out.push(ws);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

async function closeBare(sockets: readonly WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
}

/** Bytes per idle socket on a bare server (Fastify + ws, or plain ws). */
async function bare(s: Sizes, plain: boolean): Promise<Footprint> {
  const server = await spawnServer('bench/servers/forwarder.ts', portInfo, {
    nodeFlags: GC,
    env: plain ? { BENCH_PLAIN_WS: '1' } : {},
  });
  const url = `ws://127.0.0.1:${server.info.port}/ws`;
  try {
    await closeBare(await bareSockets(url, s.warmup));
    const before = await settled(server, s.settleMs);
    const sockets = await bareSockets(url, s.sockets);
    const after = await settled(server, s.settleMs);
    for (const ws of sockets) ws.terminate();
    return perSocket(before, after, s.sockets);
  } finally {
    await server.stop();
  }
}

/** Bytes per idle authenticated device socket on Cairn's relay. */
async function relay(s: Sizes, database: RelayDatabase): Promise<Footprint> {
  const ids = benchIdentities(Math.ceil(s.sockets / 10), 10).slice(0, s.sockets);
  const run = await startRelay(database, { nodeFlags: GC });
  try {
    await closeAll(await connectAll(run.wsUrl, ids.slice(0, s.warmup), LOAD_SOCKETS));
    const before = await settled(run.server, s.settleMs);
    const devices = await connectAll(run.wsUrl, ids, { ...LOAD_SOCKETS, events: 'count' });
    const after = await settled(run.server, s.settleMs);
    for (const d of devices) d.ws.terminate();
    return perSocket(before, after, s.sockets);
  } finally {
    await run.stop();
  }
}

export const idleSockets: Benchmark = {
  id: 'idle-sockets',
  title: 'Idle authenticated sockets: memory per socket',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick(ctx, {
      full: { sockets: 10_000, warmup: 200, runs: 2, settleMs: 2000 },
      smoke: { sockets: 20, warmup: 5, runs: 1, settleMs: 200 },
    });
    const kinds: DatabaseKind[] = ['pglite', 'postgres'];
    const ids = benchIdentities(Math.ceil(s.sockets / 10), 10).slice(0, s.sockets);
    const databases = new Map<DatabaseKind, RelayDatabase>();
    for (const kind of kinds) databases.set(kind, await seededDatabase(kind, ids));
    const runs = {
      fastify: [] as Footprint[],
      plain: [] as Footprint[],
      pglite: [] as Footprint[],
      postgres: [] as Footprint[],
    };
    for (let r = 0; r < s.runs; r++) {
      runs.fastify.push(await bare(s, false));
      runs.plain.push(await bare(s, true));
      for (const kind of kinds) {
        const db = databases.get(kind);
        if (db !== undefined) runs[kind].push(await relay(s, db));
      }
      const last = (k: keyof typeof runs): string => fmt((runs[k].at(-1)?.rss ?? 0) / 1024);
      ctx.log(
        `idle sockets run ${r + 1}/${s.runs}: Fastify+ws ${last('fastify')}, ws ${last('plain')}, PGlite relay ${last('pglite')}, Postgres relay ${last('postgres')} KiB/socket`,
      );
    }
    const kib = (k: keyof typeof runs, f: keyof Footprint = 'rss'): number[] =>
      runs[k].map((x) => x[f] / 1024);
    const rows: Row[] = [
      figure('Reference: bare Fastify + ws', 'KiB RSS per idle socket', summarize(kib('fastify'))),
      figure('Reference: plain ws server', 'KiB RSS per idle socket', summarize(kib('plain'))),
      figure(
        'Cairn relay on PGlite, authenticated',
        'KiB RSS per idle socket',
        summarize(kib('pglite')),
      ),
      figure(
        'Cairn relay on Postgres, authenticated',
        'KiB RSS per idle socket',
        summarize(kib('postgres')),
      ),
      figure(
        'Reference: bare Fastify + ws',
        'KiB JS heap per idle socket',
        summarize(kib('fastify', 'heap')),
      ),
      figure(
        'Cairn relay on PGlite',
        'KiB JS heap per idle socket',
        summarize(kib('pglite', 'heap')),
      ),
      figure(
        'Cairn relay on PGlite',
        'KiB external (WASM, Buffers) per idle socket',
        summarize(kib('pglite', 'external')),
      ),
      figure(
        'Cairn relay on Postgres',
        'KiB JS heap per idle socket',
        summarize(kib('postgres', 'heap')),
      ),
      ratio(
        'Cairn on PGlite / bare Fastify + ws',
        summarize(ratios(kib('pglite'), kib('fastify'))),
        TARGET,
      ),
      ratio(
        'Cairn on Postgres / bare Fastify + ws',
        summarize(ratios(kib('postgres'), kib('fastify'))),
        TARGET,
      ),
      ratio('Cairn on Postgres / plain ws', summarize(ratios(kib('postgres'), kib('plain')))),
    ];
    return {
      id: this.id,
      title: this.title,
      setup: [
        `${s.sockets} idle sockets per server, ${s.runs} runs, a fresh server process each run. Cairn: every socket an authenticated device (${Math.ceil(s.sockets / 10)} accounts of 10), past the hello/auth handshake; references: plain WebSocket connections.`,
        `RSS of the server process (/proc VmRSS) after a warm-up of ${s.warmup} connections and a full GC, then again after connecting all sockets, a ${s.settleMs / 1000} s settle and a full GC: (after − before) / sockets; likewise the JS heap in use and the external memory (process.memoryUsage()), to show where the bytes are. The clients live in the bench process. The process's fd limit here is 20,000; the server holds one fd per socket.`,
      ],
      rows,
      notes: [],
    };
  },
};
