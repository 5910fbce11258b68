import * as A from '@automerge/automerge';
import { err, frameRecord, fromHex, ok, parseFrames, ready, type Result } from '@cairn/shared';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DocumentStore,
  logFileName,
  type DocumentStoreOptions,
  type RecordEvent,
} from '../../../src/storage/document-store';
import {
  MemoryFiles,
  MemoryLogStorage,
  SimulatedCrash,
} from '../../../src/storage/memory-log-storage';
import { DocumentCipher } from '../../../src/storage/sealed-log';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

interface Notes {
  items: Record<string, number>;
}
type Docs = { notes: Notes; other: Notes };

/** Deterministic: every device starts from the same initial change. */
const initial = (): A.Doc<Notes> =>
  A.change(A.init<Notes>({ actor: 'c0ffee00c0ffee00c0ffee00c0ffee00' }), { time: 0 }, (d) => {
    d.items = {};
  });

beforeAll(ready);
afterEach(() => {
  vi.restoreAllMocks();
});

/** Changes sealed as one record of `notes`, as another device would have pushed them. */
const sealed = (changes: readonly Uint8Array[]): Uint8Array =>
  DocumentCipher.forDocuments(K_MASTER, ['notes'])
    .get('notes')!
    .seal({ kind: 'changes', changes: [...changes] });
/** One record per change. */
const sealedEach = (changes: readonly Uint8Array[]): Uint8Array[] =>
  changes.map((c) => sealed([c]));

function makeStore(
  storage: MemoryLogStorage,
  extra: Partial<DocumentStoreOptions<Docs>> = {},
): DocumentStore<Docs> {
  return new DocumentStore<Docs>({
    storage,
    kMaster: K_MASTER,
    documents: { notes: initial, other: initial },
    ...extra,
  });
}

async function loaded(
  storage: MemoryLogStorage,
  extra: Partial<DocumentStoreOptions<Docs>> = {},
): Promise<DocumentStore<Docs>> {
  const store = makeStore(storage, extra);
  const result = await store.load();
  if (!result.ok) throw new Error(result.error.code);
  return store;
}

async function put(
  store: DocumentStore<Docs>,
  key: string,
  value: number,
  doc: 'notes' | 'other' = 'notes',
) {
  const r = await store.change(doc, (d) => {
    d.items[key] = value;
  });
  if (!r.ok) throw new Error(r.error.code);
}

const items = (store: DocumentStore<Docs>, doc: 'notes' | 'other' = 'notes') => ({
  ...store.doc(doc).items,
});

function logOf(storage: MemoryLogStorage, doc = 'notes'): Uint8Array {
  return storage.memory.bytes(logFileName(doc)) ?? new Uint8Array(0);
}

describe('DocumentStore: write path', () => {
  it('appends before it resolves or notifies, and reloads to the same state', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    const seen: number[] = [];
    store.subscribe((e) => {
      if (e.doc === 'notes') seen.push(parseFrames(logOf(storage)).records.length);
    });
    await put(store, 'a', 1);
    // The first write also persists the initial state, so the log is self-contained.
    expect(seen).toEqual([2]);
    await put(store, 'b', 2);
    expect(seen).toEqual([2, 3]);
    const again = await loaded(await storage.reopen());
    expect(items(again)).toEqual({ a: 1, b: 2 });
    expect(A.getHeads(again.doc('notes'))).toEqual(A.getHeads(store.doc('notes')));
  });

  it('hands its record sink the exact sealed bytes it wrote to disk', async () => {
    const storage = new MemoryLogStorage();
    const events: RecordEvent[] = [];
    const store = await loaded(storage, { sink: { recorded: (e) => events.push(e) } });
    await put(store, 'a', 1);
    await put(store, 'b', 2);
    const onDisk = parseFrames(logOf(storage)).records;
    expect(events.map((e) => [e.doc, e.kind, e.origin])).toEqual([
      ['notes', 'changes', 'local'],
      ['notes', 'changes', 'local'],
      ['notes', 'changes', 'local'],
    ]);
    expect(events.map((e) => e.record)).toEqual(onDisk);
  });

  it('writes nothing for a change that changes nothing', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    await put(store, 'a', 1);
    const before = logOf(storage).length;
    const r = await store.change('notes', () => undefined);
    expect(r.ok).toBe(true);
    expect(logOf(storage).length).toBe(before);
  });

  it('returns quota as a value and does not advance the document past the log', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    await put(store, 'a', 1);
    const notified: string[] = [];
    store.subscribe((e) => notified.push(e.origin));
    storage.failNextAppend('quota');
    const failed = await store.change('notes', (d) => {
      d.items.b = 2;
    });
    expect(failed.ok ? 'ok' : failed.error.code).toBe('quota');
    expect(items(store)).toEqual({ a: 1 });
    expect(notified).not.toContain('local');
    // The next write builds on the durable state only.
    await put(store, 'c', 3);
    expect(items(store)).toEqual({ a: 1, c: 3 });
    const again = await loaded(await storage.reopen());
    expect(items(again)).toEqual({ a: 1, c: 3 });
  });

  it('serialises concurrent changes on one document', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.change('notes', (d) => {
          d.items[`k${i}`] = i;
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const again = await loaded(await storage.reopen());
    expect(Object.keys(items(again))).toHaveLength(20);
  });
});

describe('DocumentStore: transact, one record per action', () => {
  /** A change every device makes alike (a fixed actor at time 0), like a year's month buckets. */
  const sharedChange = (): Uint8Array =>
    A.getLastLocalChange(
      A.change(A.clone(initial(), { actor: 'ca1e0000'.repeat(4) }), { time: 0 }, (d) => {
        d.items.bucket = 0;
      }),
    )!;
  /** The command of one action: the shared change it needs, then its own edit. */
  const withBucket =
    (key: string) =>
    (doc: A.Doc<Notes>): Result<A.Doc<Notes>, never> => {
      const [ready] = A.applyChanges(doc, [sharedChange()]);
      return ok(
        A.change(ready, (d) => {
          d.items[key] = 1;
        }),
      );
    };
  const opened = (record: Uint8Array) => {
    const r = DocumentCipher.forDocuments(K_MASTER, ['notes']).get('notes')!.open(record);
    if (!r.ok || r.value.kind !== 'changes') throw new Error('not a changes record');
    return r.value.changes;
  };

  it('seals every change of one command as one record, a shared change included', async () => {
    const storage = new MemoryLogStorage();
    const events: RecordEvent[] = [];
    const store = await loaded(storage, { sink: { recorded: (e) => events.push(e) } });
    await put(store, 'a', 1);
    const records = parseFrames(logOf(storage)).records.length;
    const sent = events.length;
    const r = await store.transact('notes', withBucket('b'));
    expect(r.ok).toBe(true);
    const log = parseFrames(logOf(storage)).records;
    expect(log.length).toBe(records + 1);
    expect(events.slice(sent).map((e) => e.record)).toEqual([log.at(-1)]);
    expect(opened(log.at(-1)!)).toHaveLength(2);
    expect(items(store)).toEqual({ a: 1, bucket: 0, b: 1 });
    expect(items(await loaded(await storage.reopen()))).toEqual({ a: 1, bucket: 0, b: 1 });
    // The shared change is present now: the next action's record holds its own change only.
    await store.transact('notes', withBucket('c'));
    expect(opened(parseFrames(logOf(storage)).records.at(-1)!)).toHaveLength(1);
  });

  it('writes nothing when the command errs, and the document stays writable', async () => {
    const storage = new MemoryLogStorage();
    const events: RecordEvent[] = [];
    const store = await loaded(storage, { sink: { recorded: (e) => events.push(e) } });
    await put(store, 'a', 1);
    const size = logOf(storage).length;
    const sent = events.length;
    const notified: string[] = [];
    store.subscribe((e) => notified.push(e.origin));
    const r = await store.transact('notes', () => err({ code: 'refused' as const }));
    expect(r).toEqual({ ok: false, error: { code: 'refused' } });
    expect(logOf(storage).length).toBe(size);
    expect(events.length).toBe(sent);
    expect(notified).toEqual([]);
    await put(store, 'b', 2);
    expect(items(await loaded(await storage.reopen()))).toEqual({ a: 1, b: 2 });
  });

  it('writes nothing for a command that returns the document unchanged', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    await put(store, 'a', 1);
    const size = logOf(storage).length;
    const r = await store.transact('notes', (doc) => ok(doc));
    expect(r.ok).toBe(true);
    expect(logOf(storage).length).toBe(size);
  });

  it('rolls a failed append back whole: shared change and edit are written again later', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    await put(store, 'a', 1);
    storage.failNextAppend('quota');
    const failed = await store.transact('notes', withBucket('b'));
    expect(failed.ok ? 'ok' : failed.error.code).toBe('quota');
    expect(items(store)).toEqual({ a: 1 });
    const retried = await store.transact('notes', withBucket('b'));
    expect(retried.ok).toBe(true);
    expect(opened(parseFrames(logOf(storage)).records.at(-1)!)).toHaveLength(2);
    expect(items(await loaded(await storage.reopen()))).toEqual({ a: 1, bucket: 0, b: 1 });
  });
});

describe('DocumentStore: load and damage', () => {
  it('recovers a torn last record at every byte offset to the last whole record', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    for (let i = 0; i < 4; i += 1) await put(store, `k${i}`, i);
    const whole = logOf(storage);
    const frames = parseFrames(whole).records;
    const lastStart = whole.length - 4 - frames[frames.length - 1]!.length;
    for (let cut = lastStart; cut < whole.length; cut += 1) {
      const memory = new MemoryFiles();
      memory.setBytes(logFileName('notes'), whole.subarray(0, cut));
      const s = await MemoryLogStorage.open(memory);
      const reloaded = makeStore(s);
      const report = await reloaded.load();
      if (!report.ok) throw new Error(report.error.code);
      const notes = report.value.find((r) => r.doc === 'notes')!;
      expect(notes.tornBytes).toBe(cut - lastStart);
      expect(notes.problems).toEqual([]);
      expect(items(reloaded)).toEqual({ k0: 0, k1: 1, k2: 2 });
      expect(memory.bytes(logFileName('notes'))!.length).toBe(lastStart);
    }
  });

  it('recovers from a crash that tore an append made by change()', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    await put(store, 'a', 1);
    storage.tearNextAppend(37);
    await expect(put(store, 'b', 2)).rejects.toBeInstanceOf(SimulatedCrash);
    const again = makeStore(await storage.reopen());
    const report = await again.load();
    expect(report.ok && report.value[0]!.tornBytes).toBe(37);
    expect(items(again)).toEqual({ a: 1 });
    await put(again, 'c', 3);
    expect(items(await loaded(await storage.reopen()))).toEqual({ a: 1, c: 3 });
  });

  it('reports a record with a flipped bit, never applies it, and loads the rest', async () => {
    // Three devices write independent changes, so no record depends on another.
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    for (const [i, key] of ['x', 'y', 'z', 'w'].entries()) {
      const device = A.change(A.clone(initial(), { actor: `0${i + 1}`.repeat(16) }), (d) => {
        d.items[key] = i;
      });
      const applied = await store.receiveRecords('notes', [
        sealed([A.getLastLocalChange(device)!]),
      ]);
      expect(applied.ok).toBe(true);
    }
    expect(items(store)).toEqual({ x: 0, y: 1, z: 2, w: 3 });
    const bytes = logOf(storage);
    const frames = parseFrames(bytes).records;
    // Record 0 is the initial state; record 2 holds y.
    const start = frames.slice(0, 2).reduce((n, f) => n + 4 + f.length, 0);
    bytes[start + 4 + 60]! ^= 0x01;
    storage.memory.setBytes(logFileName('notes'), bytes);
    const again = makeStore(await storage.reopen());
    const report = await again.load();
    expect(report.ok && report.value[0]!.problems).toEqual([
      { doc: 'notes', index: 2, code: 'authentication-failed' },
    ]);
    expect(again.problems()).toEqual([{ doc: 'notes', index: 2, code: 'authentication-failed' }]);
    expect(items(again)).toEqual({ x: 0, z: 2, w: 3 });
  });

  it('holds back later changes that depend on a damaged record until it arrives again', async () => {
    const storage = new MemoryLogStorage();
    const sent: RecordEvent[] = [];
    const store = await loaded(storage, { sink: { recorded: (e) => sent.push(e) } });
    for (let i = 0; i < 4; i += 1) await put(store, `k${i}`, i);
    const bytes = logOf(storage);
    const frames = parseFrames(bytes).records;
    const start = frames.slice(0, 2).reduce((n, f) => n + 4 + f.length, 0);
    bytes[start + 10]! ^= 0x40;
    storage.memory.setBytes(logFileName('notes'), bytes);
    const again = await loaded(await storage.reopen());
    expect(again.problems()).toEqual([{ doc: 'notes', index: 2, code: 'authentication-failed' }]);
    expect(items(again)).toEqual({ k0: 0 });
    // The relay still has the record: receiving it again heals the document.
    const healed = await again.receiveRecords('notes', [sent[2]!.record]);
    expect(healed.ok).toBe(true);
    expect(items(again)).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3 });
  });

  it("rejects records moved from one document's log into another's", async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    await put(store, 'a', 1, 'notes');
    await put(store, 'b', 2, 'other');
    const notesRecords = parseFrames(logOf(storage, 'notes')).records;
    const mixed = new Uint8Array([...logOf(storage, 'other'), ...frameRecord(notesRecords[1]!)]);
    storage.memory.setBytes(logFileName('other'), mixed);
    const again = await loaded(await storage.reopen());
    expect(again.problems()).toEqual([{ doc: 'other', index: 2, code: 'authentication-failed' }]);
    expect(items(again, 'other')).toEqual({ b: 2 });
    const received = await again.receiveRecords('other', [notesRecords[1]!]);
    expect(received.ok && received.value.problems).toEqual([
      { doc: 'other', index: 0, code: 'authentication-failed' },
    ]);
    expect(items(again, 'other')).toEqual({ b: 2 });
  });
});

describe('DocumentStore: received changes', () => {
  async function pair() {
    const sent: RecordEvent[] = [];
    const aStorage = new MemoryLogStorage();
    const bStorage = new MemoryLogStorage();
    const a = await loaded(aStorage, { sink: { recorded: (e) => sent.push(e) } });
    const b = await loaded(bStorage);
    return { a, b, aStorage, bStorage, sent };
  }

  it('applies a batch, skips duplicates without growing the log, and reloads the same', async () => {
    const { a, b, bStorage, sent } = await pair();
    for (let i = 0; i < 5; i += 1) await put(a, `k${i}`, i);
    const records = sent.map((e) => e.record);
    const first = await b.receiveRecords('notes', records);
    expect(first.ok && first.value.problems).toEqual([]);
    expect(items(b)).toEqual(items(a));
    const size = logOf(bStorage).length;
    const again = await b.receiveRecords('notes', records);
    expect(again.ok && again.value.applied).toBe(0);
    const changes = A.getAllChanges(a.doc('notes'));
    const dup = await b.receiveRecords('notes', [sealed(changes)]);
    expect(dup.ok && [dup.value.applied, dup.value.duplicates]).toEqual([0, changes.length]);
    expect(logOf(bStorage).length).toBe(size);
    const reloaded = await loaded(await bStorage.reopen());
    expect(items(reloaded)).toEqual(items(a));
  });

  it('keeps changes that arrive before their dependencies, once, and applies them later', async () => {
    const { a, b, bStorage } = await pair();
    for (let i = 0; i < 3; i += 1) await put(a, `k${i}`, i);
    const changes = A.getAllChanges(a.doc('notes'));
    const late = changes.slice(2);
    const r1 = await b.receiveRecords('notes', sealedEach(late));
    expect(r1.ok && r1.value.applied).toBe(late.length);
    expect(items(b)).toEqual({});
    const r2 = await b.receiveRecords('notes', sealedEach(late));
    expect(r2.ok && r2.value.applied).toBe(0);
    // The waiting changes survive a restart.
    const b2 = await loaded(await bStorage.reopen());
    const r3 = await b2.receiveRecords('notes', sealedEach(changes.slice(0, 2)));
    expect(r3.ok).toBe(true);
    expect(items(b2)).toEqual({ k0: 0, k1: 1, k2: 2 });
    const logged = parseFrames(logOf(bStorage)).records.length;
    const b3 = await loaded(await bStorage.reopen());
    expect(items(b3)).toEqual({ k0: 0, k1: 1, k2: 2 });
    expect(parseFrames(logOf(bStorage)).records.length).toBe(logged);
  });

  it('converges when both sides edit and exchange records', async () => {
    const toB: RecordEvent[] = [];
    const toA: RecordEvent[] = [];
    const a = await loaded(new MemoryLogStorage(), {
      sink: { recorded: (e) => toB.push(e) },
    });
    const b = await loaded(new MemoryLogStorage(), {
      sink: { recorded: (e) => toA.push(e) },
    });
    await put(a, 'fromA', 1);
    await put(b, 'fromB', 2);
    await b.receiveRecords(
      'notes',
      toB.map((e) => e.record),
    );
    await a.receiveRecords(
      'notes',
      toA.map((e) => e.record),
    );
    expect(items(a)).toEqual({ fromA: 1, fromB: 2 });
    expect(items(b)).toEqual(items(a));
    expect([...A.getHeads(a.doc('notes'))].sort()).toEqual([...A.getHeads(b.doc('notes'))].sort());
  });

  it('reports garbage changes and applies the good ones of the batch', async () => {
    const { a, b } = await pair();
    await put(a, 'k', 1);
    const changes = A.getAllChanges(a.doc('notes'));
    // One record per change, as devices push them: the garbage one is rejected whole.
    const r = await b.receiveRecords('notes', [
      ...sealedEach(changes),
      sealed([Uint8Array.of(1, 2, 3, 4, 5)]),
    ]);
    expect(r.ok && r.value.problems).toEqual([
      { doc: 'notes', index: changes.length, code: 'bad-automerge' },
    ]);
    expect(items(b)).toEqual({ k: 1 });
  });

  it('appends each received record that brought something as it came, sealing nothing', async () => {
    const { a, b, bStorage, sent } = await pair();
    for (let i = 0; i < 3; i += 1) await put(a, `k${i}`, i);
    await put(b, 'mine', 9);
    const own = parseFrames(logOf(bStorage)).records.length;
    const seal = vi.spyOn(DocumentCipher.prototype, 'seal');
    const r = await b.receiveRecords(
      'notes',
      sent.map((e) => e.record),
    );
    expect(seal).not.toHaveBeenCalled();
    // A's first record is the starting state B holds already: it brings nothing and stays out.
    expect(r.ok && r.value.stored).toEqual([1, 2, 3]);
    expect(parseFrames(logOf(bStorage)).records.slice(own)).toEqual(
      sent.slice(1).map((e) => e.record),
    );
    expect(items(await loaded(await bStorage.reopen()))).toEqual({ ...items(a), mine: 9 });
  });

  it('keeps no part of a record that holds a change Automerge rejects', async () => {
    const { a, b, bStorage } = await pair();
    await put(a, 'k', 1);
    const [start, k] = A.getAllChanges(a.doc('notes'));
    const mixed = sealed([k!, Uint8Array.of(1, 2, 3, 4, 5)]);
    const r = await b.receiveRecords('notes', [sealed([start!]), mixed]);
    expect(r.ok && r.value.problems).toEqual([{ doc: 'notes', index: 1, code: 'bad-automerge' }]);
    expect(r.ok && r.value.stored).toEqual([]);
    expect(items(b)).toEqual({});
    expect(parseFrames(logOf(bStorage)).records).not.toContainEqual(mixed);
    expect(items(await loaded(await bStorage.reopen()))).toEqual({});
  });
});

describe('DocumentStore: compaction', () => {
  it('compacts past the threshold into one snapshot that reloads the same', async () => {
    const storage = new MemoryLogStorage();
    const events: RecordEvent[] = [];
    const store = await loaded(storage, {
      compaction: { maxRecords: 10 },
      sink: { recorded: (e) => events.push(e) },
    });
    for (let i = 0; i < 25; i += 1) await put(store, `k${i}`, i);
    await store.idle();
    const snapshots = events.filter((e) => e.origin === 'compaction');
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(snapshots.every((e) => e.kind === 'snapshot')).toBe(true);
    const frames = parseFrames(logOf(storage)).records;
    expect(frames.length).toBeLessThan(10);
    expect(frames[0]).toEqual(snapshots[snapshots.length - 1]!.record);
    const again = await loaded(await storage.reopen());
    expect(items(again)).toEqual(items(store));
  });

  it('leaves the old log or the new one whole when it crashes at any step', async () => {
    const base = new MemoryLogStorage();
    const store = await loaded(base);
    for (let i = 0; i < 6; i += 1) await put(store, `k${i}`, i);
    const expected = items(store);
    const original = logOf(base);
    let steps: number | undefined;
    for (let crashAt = 0; ; crashAt += 1) {
      const memory = new MemoryFiles();
      memory.setBytes(logFileName('notes'), original);
      const s = await MemoryLogStorage.open(memory);
      const st = await loaded(s);
      memory.crashAfter(crashAt);
      const outcome = await st.compact('notes').then(
        (r) => (r.ok ? 'done' : r.error.code),
        (e: unknown) => (e instanceof SimulatedCrash ? 'crash' : String(e)),
      );
      const again = await loaded(await s.reopen());
      expect(items(again)).toEqual(expected);
      expect(again.problems()).toEqual([]);
      const frames = parseFrames(memory.bytes(logFileName('notes'))!).records.length;
      expect(frames === 1 || frames === parseFrames(original).records.length).toBe(true);
      if (outcome === 'done') {
        expect(frames).toBe(1);
        steps = crashAt;
        break;
      }
      expect(outcome).toBe('crash');
    }
    expect(steps ?? 0).toBeGreaterThanOrEqual(9);
  });

  it('does not compact a document with unacknowledged problems', async () => {
    const storage = new MemoryLogStorage();
    const store = await loaded(storage);
    for (let i = 0; i < 3; i += 1) await put(store, `k${i}`, i);
    const bytes = logOf(storage);
    bytes[bytes.length - 5]! ^= 1;
    storage.memory.setBytes(logFileName('notes'), bytes);
    const again = await loaded(await storage.reopen());
    const skipped = await again.compact('notes');
    expect(skipped.ok && skipped.value).toBe(false);
    again.acknowledgeProblems('notes');
    const done = await again.compact('notes');
    expect(done.ok && done.value).toBe(true);
    expect(items(await loaded(await storage.reopen()))).toEqual({ k0: 0, k1: 1 });
  });

  it('bootstraps a new device from a snapshot record', async () => {
    const events: RecordEvent[] = [];
    const a = await loaded(new MemoryLogStorage(), { sink: { recorded: (e) => events.push(e) } });
    for (let i = 0; i < 5; i += 1) await put(a, `k${i}`, i);
    await a.compact('notes');
    const snapshot = events.filter((e) => e.origin === 'compaction').at(-1)!;
    const bStorage = new MemoryLogStorage();
    const b = await loaded(bStorage);
    await put(b, 'mine', 9);
    const r = await b.receiveRecords('notes', [snapshot.record]);
    expect(r.ok && r.value.applied).toBe(1);
    expect(items(b)).toEqual({ ...items(a), mine: 9 });
    expect(items(await loaded(await bStorage.reopen()))).toEqual({ ...items(a), mine: 9 });
    const dup = await b.receiveRecords('notes', [snapshot.record]);
    expect(dup.ok && dup.value.applied).toBe(0);
  });
});

describe('DocumentStore: shared changes a command applies', () => {
  it('logs them once and hands them to the record sink as local', async () => {
    const storage = new MemoryLogStorage();
    const events: RecordEvent[] = [];
    const store = await loaded(storage, { sink: { recorded: (e) => events.push(e) } });
    const shared = A.change(
      A.clone(initial(), { actor: 'ca1e0000'.repeat(4) }),
      { time: 0 },
      (d) => {
        d.items.bucket = 0;
      },
    );
    const change = A.getLastLocalChange(shared)!;
    const apply = (doc: A.Doc<Notes>): Result<A.Doc<Notes>, never> =>
      ok(A.applyChanges(doc, [change])[0]);
    const first = await store.transact('notes', apply);
    expect(first.ok).toBe(true);
    const size = logOf(storage).length;
    const again = await store.transact('notes', apply);
    expect(again.ok).toBe(true);
    expect(logOf(storage).length).toBe(size);
    expect(events.map((e) => e.origin)).toEqual(['local', 'local']);
    expect(items(store)).toEqual({ bucket: 0 });
  });
});

describe('DocumentStore: storage failures on the other paths', () => {
  it('rolls back received changes whose append failed, and takes them again later', async () => {
    const events: RecordEvent[] = [];
    const a = await loaded(new MemoryLogStorage(), { sink: { recorded: (e) => events.push(e) } });
    await put(a, 'k', 1);
    const storage = new MemoryLogStorage();
    const b = await loaded(storage);
    await put(b, 'mine', 2);
    const size = logOf(storage).length;
    storage.failNextAppend('quota');
    const failed = await b.receiveRecords(
      'notes',
      events.map((e) => e.record),
    );
    expect(failed.ok ? 'ok' : failed.error.code).toBe('quota');
    expect(items(b)).toEqual({ mine: 2 });
    expect(logOf(storage).length).toBe(size);
    const retried = await b.receiveRecords(
      'notes',
      events.map((e) => e.record),
    );
    expect(retried.ok).toBe(true);
    expect(items(b)).toEqual({ mine: 2, k: 1 });
    expect(items(await loaded(await storage.reopen()))).toEqual({ mine: 2, k: 1 });
  });

  it('reports a compaction that ran out of space and keeps the old log', async () => {
    const storage = new MemoryLogStorage();
    const errors: string[] = [];
    const store = await loaded(storage, {
      compaction: { maxRecords: 5 },
      onBackgroundError: (e) => errors.push(`${e.doc}:${e.error.code}`),
    });
    for (let i = 0; i < 3; i += 1) await put(store, `k${i}`, i);
    storage.memory.capacity = logOf(storage).length + 400;
    await put(store, 'k3', 3);
    await store.idle();
    expect(errors).toEqual(['notes:quota']);
    expect(store.lastBackgroundError?.error.code).toBe('quota');
    storage.memory.capacity = Number.POSITIVE_INFINITY;
    expect(items(await loaded(await storage.reopen()))).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3 });
  });
});
