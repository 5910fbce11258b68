/**
 * Bootstrap in Chromium (issue item 5): a new device reaches "Synced" from an
 * account holding 10k and 100k check-in events, from snapshots vs from raw
 * events. The device is the app's own stack on the benchmark page: empty OPFS
 * logs, DocumentStore, the sync engine with IndexedDB state and the browser's
 * WebSocket, a device the relay knows; timed from enabling sync to the
 * engine's "synced" status (every event pulled, opened, applied and appended).
 *
 * The relay (Postgres) holds the history as another device of the account
 * would have pushed it — one sealed event per change, sealed by the app's own
 * code in Node — and, for "from snapshots", one snapshot per stream covering
 * every event (bootstrap then sends the snapshot alone).
 */
import { fromHex, ready, toHex } from '@cairn/shared';
import { openStore } from '../relay/src/store/index.js';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { buildPages, startBrowserBench } from './lib/chromium.js';
import { seededDatabase } from './lib/relay.js';
import { storeEvents } from './lib/fixtures.js';
import { history } from './lib/history.js';
import { benchIdentity, type Identity } from '../testkit/src/identities.js';
import { figure, fmt, ratio, type Row } from './lib/report.js';
import { ratios, summarize } from './lib/stats.js';

interface Sizes {
  histories: number[];
  runs: number;
}

const K_MASTER = fromHex('91'.repeat(32));
const SYNC_TIMEOUT_MS = 600_000;

interface Account {
  pusher: Identity;
  device: Identity;
}

export const bootstrap: Benchmark = {
  id: 'bootstrap',
  title: 'Bootstrap of a new device in Chromium',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick<Sizes>(ctx, {
      full: { histories: [10_000, 100_000], runs: 2 },
      smoke: { histories: [100], runs: 1 },
    });
    buildPages(ctx.log);
    // Account 2i: raw events of history i; account 2i + 1: the same with snapshots.
    const accounts: Account[] = s.histories.flatMap((_, i) =>
      [0, 1].map((k) => ({
        pusher: benchIdentity(2 * i + k, 0),
        device: benchIdentity(2 * i + k, 1),
      })),
    );
    const database = await seededDatabase(
      'postgres',
      accounts.flatMap((a) => [a.pusher, a.device]),
    );
    const store = await openStore(database);
    try {
      for (const [i, n] of s.histories.entries()) {
        const h = history(n, ctx.log);
        ctx.log(`bootstrap: storing ${n} check-ins on the relay, with and without snapshots`);
        for (const k of [0, 1]) {
          const a = accounts[2 * i + k];
          if (a !== undefined) await storeEvents(store, a.pusher, h, K_MASTER, k === 1);
        }
      }
    } finally {
      await store.close();
    }
    const bench = await startBrowserBench(database);
    const rows: Row[] = [];
    try {
      for (const [i, n] of s.histories.entries()) {
        const raw: number[] = [];
        const snap: number[] = [];
        for (let r = 0; r < s.runs; r++) {
          for (const k of [1, 0]) {
            const a = accounts[2 * i + k];
            if (a === undefined) continue;
            const ms = await bench.bootstrap({
              relayUrl: bench.origin,
              accountId: a.device.accountId,
              deviceId: a.device.deviceId,
              signingSeedHex: toHex(a.device.signingSeed),
              boxSeedHex: toHex(a.device.boxSeed),
              kMasterHex: toHex(K_MASTER),
              run: `${n}-${k}-${r}`,
              timeoutMs: SYNC_TIMEOUT_MS,
            });
            (k === 1 ? snap : raw).push(ms / 1000);
          }
          ctx.log(
            `bootstrap, ${n} check-ins, run ${r + 1}/${s.runs}: from snapshots ${fmt(snap.at(-1) ?? 0)} s, from raw events ${fmt(raw.at(-1) ?? 0)} s`,
          );
        }
        rows.push(
          figure(`${n} check-ins: from snapshots → Synced`, 's', summarize(snap)),
          figure(`${n} check-ins: from raw events → Synced`, 's', summarize(raw)),
          ratio(`${n} check-ins: raw events / snapshots`, summarize(ratios(raw, snap))),
        );
      }
    } finally {
      await bench.close();
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `Chromium (headless, fresh profile), relay on Postgres (fsync on) on the same origin. The account holds 10 daily habits and ${s.histories.join(' / ')} check-ins as events: one sealed event per change (as the app pushes them), and for "from snapshots" one snapshot event per stream whose coversSeq is the stream's head.`,
        'The new device: the app\'s DocumentStore over fresh OPFS logs, its sync engine with a fresh IndexedDB state and the browser\'s WebSocket, a device already registered on the relay. Timed from enabling sync until the engine reports "synced": streams listed, every page pulled (bootstrap from the newest snapshot), opened, applied in batches, appended to OPFS, cursors stored.',
        `${s.runs} runs per size, snapshots and raw events alternating, a fresh device state each run.`,
      ],
      rows,
      notes: [],
    };
  },
};
