/**
 * Side by side with the peer (issue item 6): client A makes N small changes,
 * the time until client B holds the last one; and one change A → B, its
 * latency. Cairn: two harness devices (the app's controller, store and sync
 * engine) through Cairn's relay; the peer: two automerge-repo clients through
 * its WebSocket sync server. Same workload (Cairn's domain `checkIn` into an
 * `observations` document, one check-in per change), same process layout
 * (server in a child process, both clients in the bench process), same pacing
 * (A yields to the event loop after each change, as a UI does between user
 * actions). Runs alternate between the systems.
 */
import { join } from 'node:path';
import { ready } from '@cairn/shared';
import { COALESCE_MS } from '../client/src/sync/session/relay-connection';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { startCairnPair, type CairnPair } from './lib/cairn-pair.js';
import { freshFolder } from './lib/databases.js';
import { floorDocument } from './lib/floor.js';
import { startPeerPair, type PeerPair } from './lib/peer-pair.js';
import { profileNote } from './lib/profile.js';
import { figure, fmt, latencyRow, ratio, targetMet, type Row } from './lib/report.js';
import { profileSelf } from './lib/self-profile.js';
import { latency, ratios, summarize, type Latency } from './lib/stats.js';
import { nextTick, sleep } from './lib/wait.js';

interface Sizes {
  /** Change counts, each with its number of runs. */
  ends: { n: number; runs: number }[];
  samples: number;
  latencyRuns: number;
}

const CATCH_UP_TIMEOUT_MS = 400_000;
/** Changes in the extra, profiled run when a target is missed. */
const PROFILE_N = 2000;
const LATENCY_TIMEOUT_MS = 10_000;
const LATENCY_GAP_MS = 25;

interface Writer {
  write(i: number): Promise<void> | void;
  caughtUp(ms: number): Promise<void>;
}

/** N changes, A yielding after each; seconds until B holds the last. */
async function endToEnd(w: Writer, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await w.write(i);
    await nextTick();
  }
  await w.caughtUp(CATCH_UP_TIMEOUT_MS);
  return (performance.now() - t0) / 1000;
}

/** `samples` single changes, one at a time with a pause between: ms until B holds each. */
async function singleChanges(w: Writer, samples: number): Promise<Latency> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await w.write(i);
    await w.caughtUp(LATENCY_TIMEOUT_MS);
    ms.push(performance.now() - t0);
    await sleep(LATENCY_GAP_MS);
  }
  return latency(ms);
}

export const sideBySide: Benchmark = {
  id: 'side-by-side',
  title: 'Side by side with automerge-repo',
  async run(ctx: BenchContext) {
    await ready();
    const s: Sizes = pick(ctx, {
      full: {
        ends: [
          { n: 1000, runs: 3 },
          { n: 10_000, runs: 2 },
        ],
        samples: 50,
        latencyRuns: 3,
      },
      smoke: { ends: [{ n: 20, runs: 1 }], samples: 5, latencyRuns: 1 },
    });
    // One fresh account per run, and one for the profiled run.
    const accounts = s.ends.reduce((a, e) => a + e.runs, 0) + s.latencyRuns + 1;
    const peer: PeerPair = await startPeerPair(freshFolder('peer-storage'));
    const cairn: { pglite: CairnPair; postgres: CairnPair } = {
      pglite: await startCairnPair('pglite', accounts),
      postgres: await startCairnPair('postgres', accounts),
    };
    const rows: Row[] = [];
    const notes: string[] = [];
    try {
      for (const { n, runs } of s.ends) {
        const t = {
          floor: [] as number[],
          peer: [] as number[],
          pglite: [] as number[],
          postgres: [] as number[],
        };
        for (let r = 0; r < runs; r++) {
          t.floor.push(await endToEnd(floorDocument(n), n));
          const doc = await peer.newDocument(n);
          t.peer.push(await endToEnd(doc, n));
          for (const kind of ['pglite', 'postgres'] as const) {
            const account = await cairn[kind].newAccount();
            t[kind].push(await endToEnd(account, n));
            await account.close();
          }
          ctx.log(
            `side by side, N = ${n}, run ${r + 1}/${runs}: floor ${fmt(t.floor.at(-1) ?? 0)} s, peer ${fmt(t.peer.at(-1) ?? 0)} s, Cairn on PGlite ${fmt(t.pglite.at(-1) ?? 0)} s, on Postgres ${fmt(t.postgres.at(-1) ?? 0)} s`,
          );
        }
        rows.push(
          figure(
            `Floor: the same N = ${n} changes on a bare Automerge document, nothing else`,
            's',
            summarize(t.floor),
          ),
          figure(`Peer (automerge-repo), N = ${n}, end to end`, 's', summarize(t.peer)),
          figure(`Cairn on PGlite, N = ${n}, end to end`, 's', summarize(t.pglite)),
          figure(`Cairn on Postgres, N = ${n}, end to end`, 's', summarize(t.postgres)),
          ratio(
            `N = ${n}: peer time / Cairn on PGlite time (speed-up)`,
            summarize(ratios(t.peer, t.pglite)),
            n >= 10_000 ? { op: '>=', value: 5 } : undefined,
          ),
          ratio(
            `N = ${n}: peer time / Cairn on Postgres time (speed-up)`,
            summarize(ratios(t.peer, t.postgres)),
            n >= 10_000 ? { op: '>=', value: 5 } : undefined,
          ),
          ratio(
            `N = ${n}: peer time / floor time (the largest speed-up possible)`,
            summarize(ratios(t.peer, t.floor)),
          ),
          ratio(
            `N = ${n}: Cairn on Postgres time / floor time (Cairn's cost above the bare changes)`,
            summarize(ratios(t.postgres, t.floor)),
          ),
        );
      }
      const lat = { peer: [] as Latency[], pglite: [] as Latency[], postgres: [] as Latency[] };
      for (let r = 0; r < s.latencyRuns; r++) {
        lat.peer.push(await singleChanges(await peer.newDocument(s.samples), s.samples));
        for (const kind of ['pglite', 'postgres'] as const) {
          const account = await cairn[kind].newAccount();
          lat[kind].push(await singleChanges(account, s.samples));
          await account.close();
        }
        ctx.log(
          `side by side, latency run ${r + 1}/${s.latencyRuns}: p50 peer ${fmt(lat.peer.at(-1)?.p50 ?? 0)} ms, PGlite ${fmt(lat.pglite.at(-1)?.p50 ?? 0)} ms, Postgres ${fmt(lat.postgres.at(-1)?.p50 ?? 0)} ms`,
        );
      }
      const p50 = (l: Latency[]): number[] => l.map((x) => x.p50);
      const p99 = (l: Latency[]): number[] => l.map((x) => x.p99);
      for (const [name, key] of [
        ['Peer (automerge-repo)', 'peer'],
        ['Cairn on PGlite', 'pglite'],
        ['Cairn on Postgres', 'postgres'],
      ] as const) {
        rows.push(
          latencyRow(
            `${name}, one change A → B`,
            'ms',
            summarize(p50(lat[key])),
            summarize(p99(lat[key])),
          ),
        );
      }
      const third = { op: '<=', value: 1 / 3 } as const;
      rows.push(
        ratio(
          'Latency p50: Cairn on PGlite / peer',
          summarize(ratios(p50(lat.pglite), p50(lat.peer))),
          third,
        ),
        ratio(
          'Latency p50: Cairn on Postgres / peer',
          summarize(ratios(p50(lat.postgres), p50(lat.peer))),
          third,
        ),
      );
      if (ctx.profileOnMiss && rows.some((row) => targetMet(row) === false)) {
        const n = PROFILE_N;
        const dir = freshFolder('profile');
        const doc = await peer.newDocument(n);
        await profileSelf(join(dir, 'peer-clients.cpuprofile'), () => endToEnd(doc, n));
        const account = await cairn.postgres.newAccount();
        await cairn.postgres.relay.server.startProfile();
        await profileSelf(join(dir, 'cairn-devices.cpuprofile'), () => endToEnd(account, n));
        await cairn.postgres.relay.server.stopProfile(join(dir, 'cairn-relay.cpuprofile'));
        await account.close();
        notes.push(
          profileNote(
            join(dir, 'cairn-devices.cpuprofile'),
            `Cairn, one extra run of N = ${n} on Postgres, the bench process (devices A and B)`,
          ),
          profileNote(join(dir, 'cairn-relay.cpuprofile'), 'The relay during that run'),
          profileNote(
            join(dir, 'peer-clients.cpuprofile'),
            `The peer, one extra run of N = ${n}, the bench process (clients A and B)`,
          ),
        );
      }
    } finally {
      await peer.close();
      await cairn.pglite.close();
      await cairn.postgres.close();
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `Workload: check-ins written with Cairn's domain code (\`checkIn\` into the \`observations\` document, bucketed by month), 10 habits × consecutive days, one check-in per change; A yields to the event loop (setImmediate) after each change. End to end: N = ${s.ends.map((e) => `${e.n} (${e.runs} runs)`).join(', ')}, from A's first change until B holds A's last heads. Latency: ${s.samples} single changes per run, ${LATENCY_GAP_MS} ms apart, ${s.latencyRuns} runs; each from A's call until B holds it.`,
        "Cairn: two harness devices of one account (test/support/harness-device.ts: the app's Controller, DocumentStore with in-memory logs, and sync engine over Node's ws). A's `checkIn` seals, pads and appends the change, the engine queues and pushes it; the relay commits it (PGlite, or Postgres with fsync on), acks after the commit and fans it out; B opens it, applies it and appends it to its log. Compaction at the app's default thresholds.",
        'Peer: @automerge/automerge-repo 2.5.6 clients with BrowserWebSocketClientAdapter (Node, ws) through a Repo sync server with NodeWSServerAdapter (sharePolicy: false) and the NodeFS storage adapter (@automerge/automerge-repo-storage-nodefs 2.5.6) in a fresh folder; clients keep documents in memory. Nothing is encrypted; the server stores documents as it sees fit (debounced, no fsync).',
        'Each server in its own child process; both clients in the bench process. One fresh document (peer) or account (Cairn) per run.',
        'Floor (bench/lib/floor.ts): the same N changes, A yielding after each, on a plain in-memory Automerge document with nothing after them. Both systems make these same changes, so peer / floor is the largest speed-up over the peer that any system could show on this workload.',
        `Cairn's engine applies fan-out events in batches at most every ${COALESCE_MS} ms (COALESCE_MS in client/src/sync/session/relay-connection.ts): an event that finds no batch in the last window is applied at once, so a lone change waits for nothing; under a stream of changes they are applied a window's worth at a time.`,
      ],
      rows,
      notes,
    };
  },
};
