/**
 * Delivery schedules (reliability promise 4), at the document store, where
 * every received record is applied (`receiveRecords`, the sync engine's apply
 * path):
 *
 *   "Delivery is at-least-once; storing or applying an event twice has no
 *    effect."
 *
 * Each fast-check run is one history: three replicas edit, compact, and hand
 * their records (the events they would push) to each other through a schedule
 * in which each delivery happens 0–3 times, in any order, in pages of any size.
 * What a schedule dropped is retried at the end (a reconnect pulling from the
 * cursor). Then every replica must hold the same Automerge heads and the same
 * materialised state, and delivering everything once more must change nothing:
 * not the heads, not the state, not one byte of any log.
 *
 * The second test runs the same promise end to end, through the sync engine
 * and a real relay (a child process on PGlite): three devices push while their
 * sockets deliver every fan-out event 0–3 times, late and out of order, lose
 * acks (and the connection with them, so pushes are retried), and are cut at
 * random; then they must converge with every acknowledged event stored once.
 */
import * as A from '@automerge/automerge';
import { ready } from '@cairn/shared';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DocumentStore, RecordEvent } from '../../client/src/storage/document-store';
import { MemoryLogStorage } from '../../client/src/storage/memory-log-storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelayChild } from '../../testkit/src/relay';
import { runScenario } from './support/scenario';
import { count, enough, report, rng } from './support/scale';
import { imm, itemsOf, loadStore, logBytes, valueOf, type Docs } from './support/store';

beforeAll(ready);

const REPLICAS = 3;

interface Published {
  from: number;
  record: Uint8Array;
}

interface Replica {
  storage: MemoryLogStorage;
  store: DocumentStore<Docs>;
}

type Op =
  | { kind: 'edit'; replica: number; key: number; size: number }
  | { kind: 'compact'; replica: number }
  | { kind: 'deliver'; replica: number; picks: number[]; copies: number[]; page: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      replica: fc.nat(REPLICAS - 1),
      key: fc.nat(5),
      size: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 5000 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('compact' as const), replica: fc.nat(REPLICAS - 1) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      replica: fc.nat(REPLICAS - 1),
      // Indices into the events published so far (modulo their count), each
      // delivered `copies` times (0 = dropped), shuffled, in pages of `page`.
      picks: fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }),
      copies: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
      page: fc.integer({ min: 1, max: 6 }),
    }),
  },
);

/** A deterministic shuffle driven by the schedule's own numbers. */
function shuffled<T>(items: readonly T[], salt: readonly number[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = ((salt[i % Math.max(1, salt.length)] ?? 0) * 31 + i * 17) % (i + 1);
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

async function deliver(
  replica: Replica,
  records: readonly Uint8Array[],
  page: number,
): Promise<{ applied: number; duplicates: number }> {
  let applied = 0;
  let duplicates = 0;
  for (let i = 0; i < records.length; i += page) {
    const r = await replica.store.receiveRecords('notes', records.slice(i, i + page));
    if (!r.ok) throw new Error(`receive failed: ${r.error.code}`);
    expect(r.value.problems).toEqual([]);
    applied += r.value.applied;
    duplicates += r.value.duplicates;
  }
  return { applied, duplicates };
}

describe('delivery schedules', () => {
  it('every schedule converges; duplicates change nothing', async () => {
    const runs = count(10_000, 1_000);
    const timeLimit = count(3_300_000, 150_000);
    let ran = 0;
    let deliveries = 0;
    let duplicatesSeen = 0;
    let snapshots = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 3, maxLength: 14 }),
        fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }),
        async (ops, salt) => {
          ran += 1;
          const published: Published[] = [];
          const replicas: Replica[] = [];
          for (let i = 0; i < REPLICAS; i += 1) {
            const storage = new MemoryLogStorage();
            const from = i;
            const sink = {
              recorded(e: RecordEvent): void {
                // What a device pushes: its own changes and its snapshots.
                published.push({ from, record: e.record });
                if (e.origin === 'compaction') snapshots += 1;
              },
            };
            const { store } = await loadStore(storage, {
              sink,
              actor: `${i + 1}`.repeat(32),
              compaction: { maxRecords: Number.MAX_SAFE_INTEGER },
            });
            replicas.push({ storage, store });
          }
          const at = (i: number): Replica => {
            const r = replicas[i];
            if (r === undefined) throw new Error(`no replica ${i}`);
            return r;
          };
          for (const [n, op] of ops.entries()) {
            const replica = at(op.replica);
            if (op.kind === 'edit') {
              const w = await replica.store.change('notes', (d) => {
                d.items[`k${op.key}`] = imm(valueOf(`${op.replica}.${n}`, op.size));
              });
              if (!w.ok) throw new Error(w.error.code);
            } else if (op.kind === 'compact') {
              const c = await replica.store.compact('notes');
              if (!c.ok) throw new Error(c.error.code);
            } else {
              const foreign = published.filter((p) => p.from !== op.replica);
              if (foreign.length === 0) continue;
              const batch: Uint8Array[] = [];
              op.picks.forEach((pick, i) => {
                const event = foreign[pick % foreign.length];
                const copies = op.copies[i] ?? 1;
                for (let c = 0; c < copies && event !== undefined; c += 1) batch.push(event.record);
              });
              const got = await deliver(replica, shuffled(batch, op.picks), op.page);
              deliveries += batch.length;
              duplicatesSeen += got.duplicates;
            }
          }
          // Retry: each replica receives every event it may have missed, in a
          // shuffled order, some twice (a pull from the cursor, a late fan-out).
          for (const [i, replica] of replicas.entries()) {
            const foreign = published.filter((p) => p.from !== i).map((p) => p.record);
            const again = foreign.filter((_, k) => (k + (salt[i] ?? 0)) % 3 === 0);
            await deliver(
              replica,
              shuffled([...foreign, ...again], salt),
              1 + ((salt[3] ?? 0) % 5),
            );
            deliveries += foreign.length + again.length;
          }
          const heads = replicas.map((r) => r.store.heads('notes'));
          const states = replicas.map((r) => itemsOf(r.store.doc('notes')));
          for (let i = 1; i < REPLICAS; i += 1) {
            expect(heads[i]).toEqual(heads[0]);
            expect(states[i]).toEqual(states[0]);
          }
          // Nothing is waiting for a dependency: every change is in the heads' history.
          for (const r of replicas) {
            const doc = r.store.doc('notes');
            expect(A.getMissingDeps(doc, A.getHeads(doc))).toEqual([]);
          }
          // Every event once more: no effect, not even on the logs.
          for (const [i, replica] of replicas.entries()) {
            const log = logBytes(replica.storage, 'notes');
            const all = published.map((p) => p.record);
            const got = await deliver(replica, shuffled(all, salt), 4);
            expect(got.applied, `replica ${i}`).toBe(0);
            expect(replica.store.heads('notes')).toEqual(heads[0]);
            expect(itemsOf(replica.store.doc('notes'))).toEqual(states[0]);
            // Compared as bytes: a deep equality over a Uint8Array is slow.
            expect(Buffer.from(logBytes(replica.storage, 'notes')).equals(Buffer.from(log))).toBe(
              true,
            );
          }
          // And every replica restarted from its log holds the same.
          for (const replica of replicas) {
            const reopened = await loadStore(await replica.storage.reopen());
            expect(reopened.store.heads('notes')).toEqual(heads[0]);
            expect(itemsOf(reopened.store.doc('notes'))).toEqual(states[0]);
          }
        },
      ),
      {
        numRuns: runs,
        seed: 20_240_601,
        interruptAfterTimeLimit: timeLimit,
        markInterruptAsFailure: false,
      },
    );
    report('delivery schedules', {
      schedules: ran,
      deliveries,
      duplicatesSeen,
      snapshots,
      ms: Math.round(performance.now() - started),
    });
    expect(ran).toBeGreaterThanOrEqual(enough(runs));
  });

  it('converges through the sync engine when the wire duplicates, reorders and drops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-faults-chaos-'));
    const relay = await startRelayChild({ env: { RELAY_DATA_DIR: dataDir } });
    const r = rng(77);
    try {
      const cuts = count(100, 10);
      const result = await runScenario({
        base: () => relay.base,
        events: count(3_000, 300),
        faults: cuts,
        faultMs: 1500,
        uptime: () => 200 + r.int(800),
        seed: 104,
        chaos: true,
        convergeMs: count(600_000, 180_000),
        database: { kind: 'pglite', dataDir },
        // A connection cut on one device: it reconnects and pulls from its cursor.
        inject: () => Promise.resolve(),
        beforeRead: () => relay.stop('SIGTERM'),
      });
      report('delivery through the engine', {
        events: result.written,
        acked: result.acked,
        delivered0: result.copies[0],
        delivered1: result.copies[1],
        delivered2: result.copies[2],
        delivered3: result.copies[3],
        acksLost: result.acksLost,
        rounds: cuts,
        gaps: result.check.gaps.length,
        duplicates: result.check.duplicates.length,
        writeMs: Math.round(result.writeMs),
        convergeMs: Math.round(result.convergeMs),
      });
      expect(result.copies[0]).toBeGreaterThan(0);
      expect(result.copies[2] + result.copies[3]).toBeGreaterThan(0);
      expect(result.acksLost).toBeGreaterThan(0);
    } finally {
      await relay.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
