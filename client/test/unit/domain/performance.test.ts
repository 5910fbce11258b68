/**
 * Shape-for-speed checks (DESIGN §2). They compare ratios measured in the
 * same process, not absolute times, so a slow or busy machine does not make
 * them fail; medians of single changes damp the noise of a shared CPU.
 */
import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  checkIn,
  ensureObservationMonths,
  initialDocument,
  monthsBetween,
  observationsBetween,
  type ObservationsDoc,
} from '../../../src/domain';
import { DocumentCipher, DocumentStore, MemoryLogStorage } from '../../../src/storage';
import { ACTOR_A, ACTOR_B, NOW, sha256Hex } from './helpers';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** `habits` check-ins a day for `days` days ending the day before `end`, one change per month. */
function history(habits: number, days: number, end: string): A.Doc<ObservationsDoc> {
  const start = addDays(end, -days);
  let doc = ensureObservationMonths(
    initialDocument('observations', ACTOR_A),
    monthsBetween(start, end),
  );
  let day = start;
  while (day < end) {
    const month = day.slice(0, 7);
    doc = A.change(doc, (d) => {
      for (; day < end && day.slice(0, 7) === month; day = addDays(day, 1)) {
        for (let h = 0; h < habits; h++) {
          checkIn(d, { templateId: `habit-${h}`, date: day, status: 'done', now: NOW }, sha256Hex);
        }
      }
    });
  }
  return doc;
}

/** Median ms of one check-in change, over `n` changes on successive days from `start`. */
function timeChanges(doc: A.Doc<ObservationsDoc>, start: string, n: number): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const date = addDays(start, Math.floor(i / 10));
    const t0 = performance.now();
    doc = A.change(doc, (d) =>
      checkIn(
        d,
        { templateId: `habit-${i % 10}`, date, status: 'done', value: i, now: NOW },
        sha256Hex,
      ),
    );
    times.push(performance.now() - t0);
  }
  return median(times);
}

describe('document shape keeps per-change cost flat', () => {
  it('a check-in costs about the same with 0 or 20k check-ins of history', () => {
    const today = '2029-01-01';
    const big = history(20, 1000, today); // 20,000 rows in 33 month buckets
    expect(observationsBetween(big, '2026-01-01', today)).toHaveLength(20_000);
    const empty = ensureObservationMonths(initialDocument('observations', ACTOR_B), ['2029-01']);
    const prepared = ensureObservationMonths(big, ['2029-01']);
    timeChanges(A.clone(empty), today, 30); // warm up
    const small = timeChanges(empty, today, 200);
    const large = timeChanges(prepared, today, 200);
    const ratio = large / small;
    console.info(
      `per check-in: ${small.toFixed(3)} ms empty, ${large.toFixed(3)} ms with 20k (×${ratio.toFixed(2)})`,
    );
    expect(ratio).toBeLessThan(3);
  });

  it('control: the same measurement on one flat map does grow with its size', () => {
    // Not asserted (it describes Automerge, not Cairn): shows the method above can see growth.
    type Flat = { rows: Record<string, { v: number }> };
    const flat = (n: number): A.Doc<Flat> =>
      A.change(A.from<Flat>({ rows: {} }, ACTOR_A), (d) => {
        for (let i = 0; i < n; i++) d.rows[`k${i}`] = { v: i };
      });
    const time = (doc: A.Doc<Flat>): number => {
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        doc = A.change(doc, (d) => {
          d.rows[`new${i}`] = { v: i };
        });
        times.push(performance.now() - t0);
      }
      return median(times);
    };
    time(flat(10));
    const [small, large] = [time(flat(0)), time(flat(3000))];
    console.info(
      `flat map: ${small.toFixed(3)} ms empty, ${large.toFixed(3)} ms with 3k keys (×${(large / small).toFixed(1)})`,
    );
    expect(large).toBeGreaterThan(0);
  });
});

describe('DocumentStore.receiveRecords: a page of received changes applied in one call', () => {
  const K_MASTER = new Uint8Array(32).fill(9);
  const cipher = DocumentCipher.forDocuments(K_MASTER, ['observations']).get('observations')!;
  /** One sealed record per change, as the relay delivers them (one event each). */
  const sealEach = (changes: readonly Uint8Array[]): Uint8Array[] =>
    changes.map((c) => cipher.seal({ kind: 'changes', changes: [c] }));
  async function receiver(): Promise<DocumentStore<{ observations: ObservationsDoc }>> {
    const store = new DocumentStore<{ observations: ObservationsDoc }>({
      storage: new MemoryLogStorage(),
      kMaster: K_MASTER,
      documents: { observations: () => initialDocument('observations', ACTOR_B) },
    });
    const loaded = await store.load();
    if (!loaded.ok) throw new Error(loaded.error.code);
    return store;
  }

  it('applies ~2k received changes in one call, faster than one call each', async () => {
    let source = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-01']);
    const before = source;
    for (let i = 0; i < 2000; i++) {
      source = A.change(source, (d) =>
        checkIn(
          d,
          {
            templateId: `habit-${i % 20}`,
            date: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
            status: 'done',
            value: i,
            now: NOW + i,
          },
          sha256Hex,
        ),
      );
    }
    const changes = A.getChanges(before, source).concat(
      A.getChanges(initialDocument('observations'), before),
    );
    expect(changes.length).toBeGreaterThan(2000);
    const records = sealEach(changes);

    const batched = await receiver();
    let t0 = performance.now();
    const page = await batched.receiveRecords('observations', records);
    const batchMs = performance.now() - t0;
    expect(page.ok).toBe(true);

    const single = await receiver();
    t0 = performance.now();
    // Year change last on purpose: one-by-one must also cope with out-of-order arrival.
    for (const r of records) {
      const one = await single.receiveRecords('observations', [r]);
      expect(one.ok).toBe(true);
    }
    const singleMs = performance.now() - t0;

    console.info(
      `2k records: one call ${batchMs.toFixed(0)} ms, one call each ${singleMs.toFixed(0)} ms (×${(singleMs / batchMs).toFixed(1)})`,
    );
    expect(batched.heads('observations')).toEqual(A.getHeads(source));
    expect(single.heads('observations')).toEqual(A.getHeads(source));
    expect(batchMs).toBeLessThan(singleMs);
  });

  it('is a no-op for an empty page and for changes already applied', async () => {
    const doc = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-01']);
    const records = sealEach(A.getAllChanges(doc));
    const store = await receiver();
    const first = await store.receiveRecords('observations', records);
    expect(first.ok).toBe(true);
    const held = store.doc('observations');
    const bytes = store.logStats('observations').bytes;
    const empty = await store.receiveRecords('observations', []);
    expect(empty.ok && empty.value.applied).toBe(0);
    const again = await store.receiveRecords('observations', records);
    expect(again.ok && again.value.applied).toBe(0);
    expect(store.doc('observations')).toBe(held);
    expect(store.logStats('observations').bytes).toBe(bytes);
    expect(store.heads('observations')).toEqual(A.getHeads(doc));
  });
});
