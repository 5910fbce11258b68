/**
 * Client storage faults (reliability promise 3), through the storage port with
 * the app's DocumentStore on top:
 *
 *   "A torn last record is detected and truncated; a record that fails
 *    authentication is reported and skipped, never silently accepted; the app
 *    loses no record it reported written."
 *
 * - torn tail: the last record of a log cut at every byte offset (CI: the frame
 *   header, the last 8 bytes and every 10th offset between);
 * - crashes: random workloads cut by a power failure at a random primitive
 *   step (a torn append, or any step of a compaction);
 * - bit flips: random bits flipped in records before the last one;
 * - quota: random workloads on a nearly full disk.
 */
import * as A from '@automerge/automerge';
import { parseFrames, ready } from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../client/src/storage/document-store';
import { logFileName } from '../../client/src/storage/document-store';
import {
  MemoryFiles,
  MemoryLogStorage,
  SimulatedCrash,
} from '../../client/src/storage/memory-log-storage';
import { isDeepStrictEqual } from 'node:util';
import { SCALE, budget, count, enough, report, rng } from './support/scale';
import {
  DOC_NAMES,
  initial,
  itemsOf,
  loadStore,
  logBytes,
  imm,
  sealChanges,
  valueOf,
  type DocName,
  type Docs,
} from './support/store';

beforeAll(ready);

type State = Record<DocName, Record<string, string>>;

const stateOf = (store: DocumentStore<Docs>): State => ({
  notes: itemsOf(store.doc('notes')),
  habits: itemsOf(store.doc('habits')),
});

async function put(
  store: DocumentStore<Docs>,
  doc: DocName,
  key: string,
  value: string,
): Promise<void> {
  const r = await store.change(doc, (d) => {
    d.items[key] = imm(value);
  });
  if (!r.ok) throw new Error(`write failed: ${r.error.code}`);
}

/** Start offset of every frame, and the log's length. */
function frameStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const r of parseFrames(bytes).records) {
    starts.push(at);
    at += 4 + r.length;
  }
  return starts;
}

describe('storage faults: a torn last record', () => {
  // Three shapes of log: a small last record, a last record of two padding
  // buckets (> 4 KiB), and a log that starts from a compaction snapshot.
  const shapes = [
    { name: 'small last record', lastSize: 40, compactFirst: false },
    { name: 'large last record', lastSize: 5000, compactFirst: false },
    { name: 'after a snapshot', lastSize: 700, compactFirst: true },
  ];

  it('recovers to the last whole record at every byte offset, and stays writable', async () => {
    const time = budget(count(1_200_000, 45_000));
    let offsets = 0;
    let planned = 0;
    let writesAfter = 0;
    for (const shape of shapes) {
      const storage = new MemoryLogStorage();
      const { store } = await loadStore(storage);
      for (let i = 0; i < 12; i += 1)
        await put(store, 'notes', `k${i}`, valueOf(`v${i}`, 30 + i * 97));
      await put(store, 'habits', 'h', 'untouched');
      if (shape.compactFirst) {
        const c = await store.compact('notes');
        expect(c.ok && c.value).toBe(true);
        await put(store, 'notes', 'after', 'snapshot');
      }
      const before = stateOf(store);
      const beforeHeads = store.heads('notes');
      await put(store, 'notes', 'last', valueOf('last', shape.lastSize));
      const whole = logBytes(storage, 'notes');
      const habitsLog = logBytes(storage, 'habits');
      const starts = frameStarts(whole);
      const lastStart = starts[starts.length - 1] ?? 0;
      const lastLength = whole.length - lastStart;
      // Full scale: every offset. CI: the first and last 8 (the header among them), every 10th.
      const cuts: number[] = [];
      for (let k = 0; k < lastLength; k += 1) {
        if (SCALE === 'full' || k < 8 || k % 10 === 0 || k >= lastLength - 8) {
          cuts.push(lastStart + k);
        }
      }
      planned += cuts.length;
      for (const [i, cut] of cuts.entries()) {
        if (time.over()) break;
        const memory = new MemoryFiles();
        memory.setBytes(logFileName('notes'), whole.subarray(0, cut));
        memory.setBytes(logFileName('habits'), habitsLog);
        const reopened = await MemoryLogStorage.open(memory);
        const { store: s, reports } = await loadStore(reopened);
        const notes = reports.find((r) => r.doc === 'notes');
        expect(notes?.tornBytes, `cut at ${cut}`).toBe(cut - lastStart);
        expect(notes?.problems, `cut at ${cut}`).toEqual([]);
        expect(stateOf(s), `cut at ${cut}`).toEqual(before);
        expect(s.heads('notes')).toEqual(beforeHeads);
        expect(memory.bytes(logFileName('notes'))?.length).toBe(lastStart);
        offsets += 1;
        // The recovered log takes new writes, which survive the next restart.
        if (i % 8 === 0) {
          await put(s, 'notes', 'again', `after cut ${cut}`);
          const { store: again, reports: r2 } = await loadStore(await reopened.reopen());
          expect(r2.every((r) => r.problems.length === 0 && r.tornBytes === 0)).toBe(true);
          expect(stateOf(again)).toEqual({
            ...before,
            notes: { ...before.notes, again: `after cut ${cut}` },
          });
          writesAfter += 1;
        }
      }
    }
    report('torn tail', { offsets, planned, writesAfter, ms: Math.round(time.elapsed()) });
    expect(offsets).toBeGreaterThanOrEqual(enough(planned));
  });
});

describe('storage faults: power failures during a workload', () => {
  it('loses no write it reported written, at any crash point', async () => {
    const runs = count(1000, 100);
    const time = budget(count(900_000, 60_000));
    const peerActor = 'ab'.repeat(16);
    // Compaction runs only when asked, so every crash lands in an awaited call.
    const options = { compaction: { maxRecords: Number.MAX_SAFE_INTEGER } };
    let crashes = 0;
    let acked = 0;
    let inFlightKept = 0;
    let run = 0;
    for (; run < runs && !time.over(); run += 1) {
      const r = rng(1000 + run);
      let storage = new MemoryLogStorage();
      let store = (await loadStore(storage, options)).store;
      // What was acknowledged; the write in flight when the power fails may land or not.
      const durable: State = { notes: {}, habits: {} };
      let peer = A.clone(initial(), { actor: peerActor });
      const ops = 10 + r.int(30);
      const crashAt = r.int(ops);
      for (let op = 0; op < ops; op += 1) {
        const kind = r.int(10);
        // Another device's changes arrive for `notes` only, so its history stays whole.
        const doc: DocName = kind < 2 ? 'notes' : r.pick(DOC_NAMES);
        const key = `k${r.int(8)}`;
        const value = valueOf(`${run}.${op}`, 1 + r.int(r.int(4) === 0 ? 6000 : 300));
        if (op === crashAt) {
          // A torn append, or a crash after n more primitive steps (any step of
          // an append, a received batch, or a compaction).
          if (r.int(2) === 0) storage.tearNextAppend(r.int(2 * value.length + 600));
          else storage.memory.crashAfter(r.int(12));
        }
        try {
          if (kind < 2) {
            peer = A.change(A.merge(peer, store.doc('notes')), (d) => {
              d.items[key] = imm(value);
            });
            const change = A.getLastLocalChange(peer);
            if (change === undefined) throw new Error('no change');
            const applied = await store.receiveRecords('notes', [sealChanges('notes', [change])]);
            if (!applied.ok) throw new Error(applied.error.code);
          } else if (kind === 2) {
            const c = await store.compact(doc);
            if (!c.ok) throw new Error(c.error.code);
            continue;
          } else {
            await put(store, doc, key, value);
          }
          acked += 1;
          durable[doc][key] = value;
        } catch (e) {
          if (!(e instanceof SimulatedCrash)) throw e;
          crashes += 1;
          storage = await storage.reopen();
          const reloaded = await loadStore(storage, options);
          store = reloaded.store;
          // A crash is never reported as corruption.
          expect(reloaded.reports.flatMap((x) => x.problems)).toEqual([]);
          const state = stateOf(store);
          if (kind !== 2) {
            const landed = structuredClone(durable);
            landed[doc][key] = value;
            if (isDeepStrictEqual(state, landed)) {
              inFlightKept += 1;
              durable[doc][key] = value;
            }
          }
          expect(state, `run ${run} op ${op}`).toEqual(durable);
          // The other device goes on from what this one holds.
          peer = A.clone(store.doc('notes'), { actor: peerActor });
        }
      }
      await store.idle();
      const final = await loadStore(await storage.reopen(), options);
      expect(final.reports.flatMap((x) => x.problems)).toEqual([]);
      expect(stateOf(final.store), `run ${run} after restart`).toEqual(durable);
    }
    report('crash points', {
      runs: run,
      crashes,
      acked,
      inFlightKept,
      ms: Math.round(time.elapsed()),
    });
    expect(run).toBeGreaterThanOrEqual(enough(runs));
    expect(crashes).toBeGreaterThan(run / 2);
  });
});

/** A log of records from several devices, each record one received batch. */
async function multiDeviceLog(seed: number): Promise<{
  storage: MemoryLogStorage;
  records: Uint8Array[][];
  full: State;
}> {
  const r = rng(seed);
  const storage = new MemoryLogStorage();
  const { store } = await loadStore(storage);
  const devices = [1, 2, 3].map((n) => A.clone(initial(), { actor: `0${n}`.repeat(16) }));
  // records[i] = the changes of log record i (record 0 is the initial state).
  const records: Uint8Array[][] = [A.getAllChanges(initial())];
  const delivered = new Set(records[0]?.map((c) => A.decodeChange(c).hash));
  const total = 10 + r.int(8);
  for (let i = 0; i < total; i += 1) {
    const d = r.int(devices.length);
    let doc = devices[d];
    if (doc === undefined) throw new Error('no device');
    // Sometimes a device first merges another's state, so changes depend across devices.
    if (r.int(4) === 0) {
      const other = devices[r.int(devices.length)];
      if (other !== undefined && other !== doc) doc = A.merge(doc, A.clone(other));
    }
    const key = `k${r.int(12)}`;
    doc = A.change(doc, (x) => {
      x.items[key] = imm(valueOf(`${d}.${i}`, 1 + r.int(r.int(3) === 0 ? 5000 : 200)));
    });
    devices[d] = doc;
    const batch = A.getAllChanges(doc).filter((c) => !delivered.has(A.decodeChange(c).hash));
    for (const c of batch) delivered.add(A.decodeChange(c).hash);
    const applied = await store.receiveRecords('notes', [sealChanges('notes', batch)]);
    if (!applied.ok) throw new Error(applied.error.code);
    records.push(batch);
  }
  expect(parseFrames(logBytes(storage, 'notes')).records).toHaveLength(records.length);
  return { storage, records, full: stateOf(store) };
}

describe('storage faults: bit flips mid-log', () => {
  it('reports every damaged record, applies none of it, and keeps the rest', async () => {
    const trials = count(2000, 200);
    const time = budget(count(900_000, 45_000));
    let done = 0;
    let reported = 0;
    let redelivered = 0;
    for (let log = 0; done < trials && !time.over(); log += 1) {
      const { storage, records, full } = await multiDeviceLog(7000 + log);
      const whole = logBytes(storage, 'notes');
      const starts = frameStarts(whole);
      const lastStart = starts[starts.length - 1] ?? 0;
      const sealed = parseFrames(whole).records;
      for (let t = 0; t < 50 && done < trials && !time.over(); t += 1, done += 1) {
        const r = rng(log * 1000 + t);
        const bytes = whole.slice();
        const hit = new Set<number>();
        const flips = 1 + r.int(3);
        for (let f = 0; f < flips; f += 1) {
          const pos = r.int(lastStart);
          bytes[pos] = (bytes[pos] ?? 0) ^ (1 << r.int(8));
          hit.add(starts.findLastIndex((s) => s <= pos));
        }
        const memory = new MemoryFiles();
        memory.setBytes(logFileName('notes'), bytes);
        const damaged = await MemoryLogStorage.open(memory);
        const { store, reports } = await loadStore(damaged);
        const notes = reports.find((x) => x.doc === 'notes');
        expect(notes?.problems.length, `log ${log} trial ${t}`).toBeGreaterThan(0);
        expect(notes?.tornBytes).toBe(0);
        reported += 1;
        // Exactly the changes of the records no flip touched (Automerge holds
        // back those whose dependencies were damaged, as the store does).
        const kept = records.filter((_, i) => !hit.has(i)).flat();
        const [expected] = A.applyChanges(A.init<Docs['notes']>(), kept);
        expect(itemsOf(store.doc('notes')), `log ${log} trial ${t}`).toEqual(itemsOf(expected));
        expect(store.heads('notes')).toEqual(A.getHeads(expected));
        // Sync delivers the damaged records again: the document is whole.
        if (t % 5 === 0) {
          const again = await store.receiveRecords(
            'notes',
            [...hit].map((i) => sealed[i] ?? new Uint8Array(0)),
          );
          expect(again.ok && again.value.problems).toEqual([]);
          expect(stateOf(store).notes).toEqual(full.notes);
          redelivered += 1;
        }
      }
    }
    report('bit flips', { trials: done, reported, redelivered, ms: Math.round(time.elapsed()) });
    expect(done).toBeGreaterThanOrEqual(enough(trials));
  });
});

describe('storage faults: quota exceeded', () => {
  it('answers quota as a value, keeps memory equal to disk, and loses no acknowledged write', async () => {
    const runs = count(300, 30);
    const time = budget(count(900_000, 45_000));
    let quotaErrors = 0;
    let acked = 0;
    let run = 0;
    for (; run < runs && !time.over(); run += 1) {
      const r = rng(50_000 + run);
      const storage = new MemoryLogStorage();
      const { store } = await loadStore(storage, { compaction: { maxRecords: 5 + r.int(20) } });
      await put(store, 'notes', 'seed', 'x');
      await put(store, 'habits', 'seed', 'y');
      const used = async (): Promise<number> => {
        const u = await storage.usage();
        if (!u.ok) throw new Error(u.error.code);
        return u.value.bytes;
      };
      storage.memory.capacity = (await used()) + r.int(20_000);
      const durable = stateOf(store);
      const peer = A.clone(initial(), { actor: 'cd'.repeat(16) });
      const ops = 30 + r.int(30);
      for (let op = 0; op < ops; op += 1) {
        const doc = r.pick(DOC_NAMES);
        const key = `k${r.int(10)}`;
        const value = valueOf(`${run}.${op}`, 1 + r.int(r.int(4) === 0 ? 6000 : 400));
        if (r.int(8) === 0) storage.failNextAppend('quota');
        const before = stateOf(store);
        const kind = r.int(10);
        let result: { ok: boolean; code?: string };
        if (kind === 0) {
          const c = await store.compact(doc);
          result = c.ok ? { ok: true } : { ok: false, code: c.error.code };
          if (c.ok) {
            expect(stateOf(store)).toEqual(before);
            continue;
          }
        } else if (kind === 1 && doc === 'notes') {
          // A refused change is never kept: the peer builds on what this device holds.
          const next = A.change(
            A.merge(A.clone(peer, { actor: 'cd'.repeat(16) }), store.doc('notes')),
            (d) => {
              d.items[key] = imm(value);
            },
          );
          const change = A.getLastLocalChange(next);
          if (change === undefined) throw new Error('no change');
          const a = await store.receiveRecords('notes', [sealChanges('notes', [change])]);
          result = a.ok ? { ok: true } : { ok: false, code: a.error.code };
        } else {
          const w = await store.change(doc, (d) => {
            d.items[key] = imm(value);
          });
          result = w.ok ? { ok: true } : { ok: false, code: w.error.code };
        }
        if (result.ok) {
          acked += 1;
          if (kind !== 0) durable[doc][key] = value;
        } else {
          expect(result.code).toBe('quota');
          quotaErrors += 1;
          // The refused write is not in memory either: memory never runs ahead of the disk.
          expect(stateOf(store)).toEqual(before);
        }
        expect(stateOf(store), `run ${run} op ${op}`).toEqual(durable);
        // Now and then the user frees space.
        if (r.int(12) === 0) storage.memory.capacity += 10_000;
      }
      await store.idle();
      const final = await loadStore(await storage.reopen());
      expect(final.reports.flatMap((x) => x.problems)).toEqual([]);
      expect(stateOf(final.store), `run ${run} after restart`).toEqual(durable);
    }
    report('quota', { runs: run, acked, quotaErrors, ms: Math.round(time.elapsed()) });
    expect(run).toBeGreaterThanOrEqual(enough(runs));
    expect(quotaErrors).toBeGreaterThan(run);
  });
});

describe('storage faults: compaction while a change waits for its dependency', () => {
  // Found by the delivery schedules: a compaction snapshot kept a waiting change
  // only in Automerge's queue; once a newer snapshot arrived, the load merged the
  // older one through getAllChanges, which leaves the queue out, and the change
  // was gone after a restart.
  it('keeps the waiting change across compaction, a newer snapshot and a restart', async () => {
    const storage = new MemoryLogStorage();
    const { store } = await loadStore(storage, { actor: '11'.repeat(16) });
    let peer = A.clone(initial(), { actor: 'ab'.repeat(16) });
    peer = A.change(peer, (d) => {
      d.items['a'] = imm('first');
    });
    const first = A.getLastLocalChange(peer);
    peer = A.change(peer, (d) => {
      d.items['b'] = imm('second');
    });
    const second = A.getLastLocalChange(peer);
    if (first === undefined || second === undefined) throw new Error('no change');
    expect((await store.compact('notes')).ok).toBe(true);
    expect((await store.receiveRecords('notes', [sealChanges('notes', [second])])).ok).toBe(true);
    await store.compact('notes');
    // Another device's snapshot (it knows neither change) becomes the newest one.
    const other = A.change(A.clone(initial(), { actor: 'cd'.repeat(16) }), (d) => {
      d.items['c'] = imm('other');
    });
    const otherStorage = new MemoryLogStorage();
    const sealed: Uint8Array[] = [];
    const { store: otherStore } = await loadStore(otherStorage, {
      actor: 'cd'.repeat(16),
      sink: {
        recorded: (e) => {
          if (e.origin === 'compaction') sealed.push(e.record);
        },
      },
    });
    expect(
      (await otherStore.receiveRecords('notes', [sealChanges('notes', A.getAllChanges(other))])).ok,
    ).toBe(true);
    expect((await otherStore.compact('notes')).ok).toBe(true);
    const received = await store.receiveRecords('notes', sealed);
    expect(received.ok && received.value.problems).toEqual([]);
    expect((await store.receiveRecords('notes', [sealChanges('notes', [first])])).ok).toBe(true);
    const expected = stateOf(store);
    expect(expected.notes).toEqual({ a: 'first', b: 'second', c: 'other' });
    const again = await loadStore(await storage.reopen());
    expect(stateOf(again.store)).toEqual(expected);
    expect(again.store.heads('notes')).toEqual(store.heads('notes'));
  });
});
