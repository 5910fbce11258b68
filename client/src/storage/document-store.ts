/**
 * The documents in memory, each backed by its sealed log (sealed-log.ts).
 *
 * Write path: `transact` runs one user action's command on a document, seals
 * every change it made as ONE record (DESIGN §2: one user action is one sealed
 * record per document), and appends it (flushed). Only then does it notify
 * subscribers and resolve, so the UI never reports a write that is not
 * durable. If the append fails (quota), the document is reloaded from its log
 * — the in-memory state never stays ahead of what is on disk — and the error
 * is returned as a value; a command's own error writes nothing. `change` is
 * `transact` over one `Automerge.change`.
 *
 * Load: frames are parsed, a torn tail is truncated, every record is opened; one
 * that does not open is reported (`problems()`) and skipped. The document starts
 * from the last snapshot record and all change records are applied in ONE batch.
 * A log with no readable record starts from the document's `initial()`; that
 * initial state's changes are written as the first record with the first write,
 * so every log is self-contained. `initial()` should be deterministic (a fixed
 * actor and time) so that devices agree on it; the store then continues under
 * this device's own actor (option `actor`, else a random one per session),
 * since two devices writing as the same actor corrupt each other's history.
 *
 * Received records (`receiveRecords`) are opened and their changes applied in
 * one batch, and each record that brought something is appended to the log
 * exactly as it came: it is sealed already, under the same keys, so it keeps
 * one id (its hash) on the sending device, the relay and here, and nothing is
 * sealed again. A record whose changes are all present already is not
 * appended; one holding a change Automerge rejects is reported whole and none
 * of it is applied or kept. Changes whose dependencies have not arrived yet
 * are kept (Automerge queues them) and persisted once, with their record.
 * Changes that depend on a skipped (damaged) record wait the same way,
 * until sync delivers the missing change again.
 *
 * Compaction: when a log passes `maxBytes` or `maxRecords`, `Automerge.save()`
 * becomes one snapshot record in a new log that atomically replaces the old one.
 * A document with unacknowledged load problems is not compacted: compaction
 * would drop its unreadable records, the evidence the user has not yet seen.
 * Nor is one holding logged changes that still wait for their dependencies:
 * `Automerge.save()` keeps those only in its queue, and a later load that
 * merges this snapshot as older history (`getAllChanges`) would lose them.
 *
 * Every write leaves through the record sink (set at construction: the sync
 * layer's outbox, which therefore exists before the store) with the exact
 * sealed bytes written to disk, for the sync layer to push (origin `local` and
 * `compaction`). Received records do not go there: they are on the relay already. Operations on one document run one at a time.
 * No browser API is used here: Node harnesses run it over MemoryLogStorage.
 * Await `ready()` of @cairn/shared before constructing a store (it derives keys).
 */
import * as A from '@automerge/automerge';
import type { Result } from '@cairn/shared';
import { applyOneByOne, buildDocument, changeHash, hasPending } from './document-load';
import type { LogStorage, StorageError, StorageResult } from './log-storage';
import {
  DocumentCipher,
  frameRecord,
  openLog,
  type RecordKind,
  type RecordPayload,
  type RecordProblem,
} from './sealed-log';

export interface CompactionPolicy {
  /** Compact once the log file reaches this many bytes. */
  readonly maxBytes: number;
  /** … or holds this many records. */
  readonly maxRecords: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = { maxBytes: 1 << 20, maxRecords: 2000 };

/** After a failed compaction, wait for this many more records before trying again. */
const COMPACTION_RETRY_RECORDS = 64;

export type RecordOrigin = 'local' | 'compaction';

export interface RecordEvent<N extends string = string> {
  readonly doc: N;
  /** The sealed record exactly as appended to the log (unframed). */
  readonly record: Uint8Array;
  readonly kind: RecordKind;
  readonly origin: RecordOrigin;
}

/** Where every sealed record the store appends goes, as it is appended. */
export interface RecordSink<N extends string = string> {
  recorded(event: RecordEvent<N>): void;
}

export type DocumentOrigin = 'load' | 'local' | 'remote';

export interface DocumentEvent<N extends string = string> {
  readonly doc: N;
  readonly origin: DocumentOrigin;
}

export interface BackgroundError<N extends string = string> {
  readonly doc: N;
  readonly error: StorageError;
}

export interface DocLoadReport {
  readonly doc: string;
  /** Whole records in the log (readable or not). */
  readonly records: number;
  readonly tornBytes: number;
  readonly problems: readonly RecordProblem[];
}

export interface ApplyReport {
  /** Changes newly stored (including ones waiting for their dependencies). */
  readonly applied: number;
  /** Changes that were already present and were not stored again. */
  readonly duplicates: number;
  /** Received records or changes that were rejected. */
  readonly problems: readonly RecordProblem[];
  /** Indices of the received records appended to the log, as they came. */
  readonly stored: readonly number[];
}

export interface ChangeOptions {
  readonly message?: string;
  readonly time?: number;
}

type Docs = Record<string, unknown>;
type Name<D> = keyof D & string;

export interface DocumentStoreOptions<D extends Docs> {
  readonly storage: LogStorage;
  readonly kMaster: Uint8Array;
  /** The documents this store holds and each one's starting state. */
  readonly documents: { readonly [K in Name<D>]: () => A.Doc<D[K]> };
  readonly compaction?: Partial<CompactionPolicy>;
  /**
   * This device's Automerge actor id (hex). Reusing one per device keeps the
   * documents' actor tables small; without it each session gets a random one.
   * Never share one between devices, or between two stores open at once.
   */
  readonly actor?: string;
  /** Receives every sealed record appended (the sync layer's outbox). */
  readonly sink?: RecordSink<Name<D>>;
  /** Expected failures of background work (compaction); the store keeps going. */
  readonly onBackgroundError?: (error: BackgroundError<Name<D>>) => void;
}

export const logFileName = (doc: string): string => `${doc}.log`;

interface Slot<T> {
  readonly name: string;
  readonly file: string;
  readonly cipher: DocumentCipher;
  /** Working state: equals the log, except while one append is in flight. */
  doc: A.Doc<T>;
  /** What readers see: never ahead of the log. */
  published: A.Doc<T>;
  bytes: number;
  records: number;
  /** Changes of `initial()` not yet in the log (the log was empty). */
  unpersisted: Uint8Array[];
  /** Hashes of logged changes still waiting for their dependencies. */
  pendingLogged: Set<string>;
  problems: RecordProblem[];
  /** Set when `doc` may be ahead of the log: reload before the next operation. */
  stale: boolean;
  compactionQueued: boolean;
  /** Record count below which a failed compaction is not retried. */
  compactionHold: number;
}

const ok = <T>(value: T): StorageResult<T> => ({ ok: true, value });
const err = (code: StorageError['code'], message: string): StorageResult<never> => ({
  ok: false,
  error: { code, message },
});

const sameHeads = (a: A.Heads, b: A.Heads): boolean =>
  a.length === b.length && a.every((h, i) => h === b[i]);

export class DocumentStore<D extends Docs> {
  private readonly slots: Partial<{ [K in Name<D>]: Slot<D[K]> }> = {};
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(event: DocumentEvent<Name<D>>) => void>();
  private readonly policy: CompactionPolicy;
  private readonly ciphers: Map<string, DocumentCipher>;
  private readonly names: readonly Name<D>[];
  /** The latest failure of background work, for a status line. */
  lastBackgroundError: BackgroundError<Name<D>> | undefined;

  constructor(private readonly options: DocumentStoreOptions<D>) {
    this.policy = { ...DEFAULT_COMPACTION, ...options.compaction };
    this.names = Object.keys(options.documents).filter((n): n is Name<D> => n in options.documents);
    this.ciphers = DocumentCipher.forDocuments(options.kMaster, this.names);
  }

  get documentNames(): readonly Name<D>[] {
    return this.names;
  }

  /** Loads every document from its log. Call once, before anything else. */
  async load(): Promise<StorageResult<DocLoadReport[]>> {
    const reports: DocLoadReport[] = [];
    // Every read is asked for up front: the storage worker reads the next
    // logs while this thread opens and loads the ones before.
    const reads = new Map(this.names.map((n) => [n, this.options.storage.read(logFileName(n))]));
    for (const name of this.names) {
      const loaded = await this.loadSlot(name, reads.get(name));
      if (!loaded.ok) return loaded;
      reports.push(loaded.value);
    }
    for (const name of this.names) this.emit({ doc: name, origin: 'load' });
    return ok(reports);
  }

  private cipherOf(name: string): DocumentCipher {
    const c = this.ciphers.get(name);
    if (c === undefined) throw new Error(`unknown document ${name}`);
    return c;
  }

  private async loadSlot<K extends Name<D>>(
    name: K,
    reading?: Promise<StorageResult<Uint8Array>>,
  ): Promise<StorageResult<DocLoadReport>> {
    const file = logFileName(name);
    const read = await (reading ?? this.options.storage.read(file));
    if (!read.ok) return read;
    const cipher = this.cipherOf(name);
    const log = openLog(cipher, read.value);
    if (log.tornBytes > 0) {
      const cut = await this.options.storage.truncate(file, log.validLength);
      if (!cut.ok) return cut;
    }
    const built = buildDocument(name, log, this.options.documents[name], this.options.actor);
    const problems = [...log.problems, ...built.problems].sort((a, b) => a.index - b.index);
    const state = {
      doc: built.doc,
      published: built.doc,
      bytes: log.validLength,
      records: log.frameCount,
      unpersisted: built.unpersisted,
      pendingLogged: built.pendingLogged,
      problems,
      stale: false,
    };
    const slot = this.slots[name];
    if (slot === undefined) {
      this.slots[name] = {
        name,
        file,
        cipher,
        compactionQueued: false,
        compactionHold: 0,
        ...state,
      };
    } else {
      Object.assign(slot, state);
    }
    return ok({ doc: name, records: log.frameCount, tornBytes: log.tornBytes, problems });
  }

  private slot<K extends Name<D>>(name: K): Slot<D[K]> {
    const s = this.slots[name];
    if (s === undefined) throw new Error(`document ${name} is not loaded`);
    return s;
  }

  /** The document as it is durably stored. */
  doc<K extends Name<D>>(name: K): A.Doc<D[K]> {
    return this.slot(name).published;
  }

  heads(name: Name<D>): A.Heads {
    return A.getHeads(this.slot(name).published);
  }

  /** The stream id of a document (DESIGN §3.1), for the sync layer. */
  streamId(name: Name<D>): Uint8Array {
    return this.cipherOf(name).streamId;
  }

  /** Log size of a document, as the store last saw it. */
  logStats(name: Name<D>): { readonly bytes: number; readonly records: number } {
    const { bytes, records } = this.slot(name);
    return { bytes, records };
  }

  /** Every record that failed to load and was skipped, for the UI to report. */
  problems(): RecordProblem[] {
    return this.names.flatMap((n) => this.slots[n]?.problems ?? []);
  }

  /** The user has seen the problems of `name`: its log may be compacted again. */
  acknowledgeProblems(name: Name<D>): void {
    this.slot(name).problems = [];
  }

  subscribe(listener: (event: DocumentEvent<Name<D>>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: DocumentEvent<Name<D>>): void {
    for (const l of this.listeners) l(event);
  }

  private enqueue<R>(name: string, task: () => Promise<R>): Promise<R> {
    const next = (this.queues.get(name) ?? Promise.resolve()).then(task, task);
    // The caller receives `next` and its failure; the queue only needs its end.
    this.queues.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Resolves when no operation or compaction is queued on any document. */
  async idle(): Promise<void> {
    for (;;) {
      const queues = [...this.queues.values()];
      await Promise.all(queues);
      if ([...this.queues.values()].every((q, i) => q === queues[i])) return;
    }
  }

  /** Reloads a document whose working state may be ahead of its log. */
  private async ensureFresh<K extends Name<D>>(name: K): Promise<StorageResult<Slot<D[K]>>> {
    const slot = this.slot(name);
    if (!slot.stale) return ok(slot);
    const reloaded = await this.loadSlot(name);
    if (!reloaded.ok) return reloaded;
    this.emit({ doc: name, origin: 'load' });
    return ok(slot);
  }

  /** After a failed write: drop the in-memory state the log does not have. */
  private async rollBack(name: Name<D>): Promise<void> {
    this.slot(name).stale = true;
    // If this reload fails too, the slot stays stale and the next operation retries it.
    await this.ensureFresh(name);
  }

  /**
   * Runs one user action on a document and persists all of it as ONE sealed
   * record: `command` gets the document and returns the next one (made with
   * `Automerge.change`, and with the deterministic shared changes it needs
   * applied first, such as a new year's month buckets) or an expected error.
   * Every change between the two goes into the record, which is appended and
   * flushed before the promise resolves; an error writes nothing and resolves
   * as it came. A command that returns the document unchanged writes nothing.
   *
   * A command validates before its first change: once a newer version of a
   * document was made, Automerge refuses to change the old one, so a command
   * that changed the document and then failed would leave it unwritable.
   */
  transact<K extends Name<D>, E = never>(
    name: K,
    command: (doc: A.Doc<D[K]>) => Result<A.Doc<D[K]>, E>,
  ): Promise<Result<A.Doc<D[K]>, E | StorageError>> {
    this.slot(name);
    return this.enqueue(name, async (): Promise<Result<A.Doc<D[K]>, E | StorageError>> => {
      const fresh = await this.ensureFresh(name);
      if (!fresh.ok) return fresh;
      const slot = fresh.value;
      const before = slot.doc;
      const heads = A.getHeads(before);
      const outcome = command(before);
      if (!outcome.ok || outcome.value === before) return outcome;
      const after = outcome.value;
      if (hasPending(after) && !hasPending(before)) {
        throw new Error(`a command on ${name} applied changes whose dependencies are missing`);
      }
      // Changes logged earlier while they waited for their dependencies are on disk already.
      const resolved: string[] = [];
      const changes = A.getChangesSince(after, heads).filter((c) => {
        if (slot.pendingLogged.size === 0) return true;
        const h = changeHash(c);
        if (!slot.pendingLogged.has(h)) return true;
        resolved.push(h);
        return false;
      });
      slot.doc = after;
      if (changes.length > 0) {
        const written = await this.append(name, { kind: 'changes', changes }, 'local');
        if (!written.ok) {
          await this.rollBack(name);
          return written;
        }
      }
      for (const h of resolved) slot.pendingLogged.delete(h);
      slot.published = after;
      this.emit({ doc: name, origin: 'local' });
      this.maybeCompact(name);
      return ok(after);
    });
  }

  /**
   * Changes a document with one `Automerge.change` (a `transact` that cannot
   * fail but for storage); resolves after the change is durably appended. A
   * no-op `fn` writes nothing and resolves with the unchanged document.
   */
  change<K extends Name<D>>(
    name: K,
    fn: A.ChangeFn<D[K]>,
    options?: ChangeOptions,
  ): Promise<StorageResult<A.Doc<D[K]>>> {
    return this.transact(name, (doc) =>
      ok(options === undefined ? A.change(doc, fn) : A.change(doc, options, fn)),
    );
  }

  /**
   * Opens sealed records received from the relay and applies them: snapshots
   * merged as they are, changes in one batch; every record that brought
   * something is appended as it came (see the header). A record that does
   * not open (or that belongs to another stream) is reported by its index
   * and skipped.
   */
  receiveRecords(
    name: Name<D>,
    records: readonly Uint8Array[],
  ): Promise<StorageResult<ApplyReport>> {
    const slot = this.slot(name);
    return this.enqueue(name, async () => {
      const fresh = await this.ensureFresh(name);
      if (!fresh.ok) return fresh;
      const problems: RecordProblem[] = [];
      const stored: number[] = [];
      const changes: Uint8Array[] = [];
      const recordOf: number[] = [];
      let snapshotsApplied = 0;
      for (const [index, record] of records.entries()) {
        const opened = slot.cipher.open(record);
        if (!opened.ok) {
          problems.push({ doc: name, index, code: opened.error });
        } else if (opened.value.kind === 'changes') {
          for (const c of opened.value.changes) {
            changes.push(c);
            recordOf.push(index);
          }
        } else {
          const merged = await this.mergeSnapshot(name, record, opened.value.snapshot);
          if (!merged.ok) return merged;
          if (merged.value === 'bad') problems.push({ doc: name, index, code: 'bad-automerge' });
          if (merged.value === 'applied') {
            snapshotsApplied += 1;
            stored.push(index);
          }
        }
      }
      const result = await this.applyReceived(name, records, changes, recordOf);
      if (!result.ok) return result;
      for (const index of result.value.badRecords) {
        problems.push({ doc: name, index, code: 'bad-automerge' });
      }
      return ok({
        applied: result.value.applied + snapshotsApplied,
        duplicates: result.value.duplicates,
        problems: problems.sort((a, b) => a.index - b.index),
        stored: [...stored, ...result.value.stored].sort((a, b) => a - b),
      });
    });
  }

  /** Merges a received snapshot; appends its sealed bytes as they are if it brought anything. */
  private async mergeSnapshot(
    name: Name<D>,
    sealed: Uint8Array,
    snapshot: Uint8Array,
  ): Promise<StorageResult<'applied' | 'duplicate' | 'bad'>> {
    const slot = this.slot(name);
    const before = A.getHeads(slot.doc);
    try {
      slot.doc = A.loadIncremental(slot.doc, snapshot);
    } catch {
      await this.rollBack(name);
      return slot.stale ? err('io', 'could not reload the document from its log') : ok('bad');
    }
    if (sameHeads(before, A.getHeads(slot.doc))) return ok('duplicate');
    const written = await this.appendReceived(name, [sealed]);
    if (!written.ok) {
      await this.rollBack(name);
      return written;
    }
    slot.published = slot.doc;
    this.emit({ doc: name, origin: 'remote' });
    this.maybeCompact(name);
    return ok('applied');
  }

  /**
   * Applies the changes of received change records in one batch and appends,
   * as they came, the records that brought a change newly applied or newly
   * waiting for its dependencies. A record holding a change Automerge rejects
   * is left out whole (and reported by the caller).
   */
  private async applyReceived(
    name: Name<D>,
    records: readonly Uint8Array[],
    changes: readonly Uint8Array[],
    recordOf: readonly number[],
  ): Promise<
    StorageResult<{ applied: number; duplicates: number; stored: number[]; badRecords: number[] }>
  > {
    const slot = this.slot(name);
    const none = { applied: 0, duplicates: 0, stored: [], badRecords: [] };
    if (changes.length === 0) return ok(none);
    const beforeHeads = A.getHeads(slot.doc);
    const bad = new Set<number>();
    let accepted = changes.map((_, i) => i);
    const pick = (): Uint8Array[] => accepted.map((i) => changes[i] ?? new Uint8Array());
    let after: A.Doc<D[Name<D>]>;
    for (;;) {
      try {
        [after] = A.applyChanges(slot.doc, pick());
        break;
      } catch {
        // Start again from what is durable, find the offending changes, and leave
        // their whole records out: a record is kept as it came, or not at all.
        await this.rollBack(name);
        if (slot.stale) return err('io', 'could not reload the document from its log');
        const tolerant = applyOneByOne(slot.doc, pick(), this.options.actor);
        if (tolerant.rejected.size === 0) {
          after = tolerant.doc;
          break;
        }
        for (const r of tolerant.rejected) bad.add(recordOf[accepted[r] ?? -1] ?? -1);
        accepted = accepted.filter((i) => !bad.has(recordOf[i] ?? -1));
        if (accepted.length === 0) {
          after = slot.doc;
          break;
        }
      }
    }
    const newlyApplied = A.getChangesSince(after, beforeHeads);
    const keep = new Set<number>();
    let fresh = 0;
    let resolvedPending: string[] = [];
    const newlyPending = new Set<string>();
    if (slot.pendingLogged.size === 0 && newlyApplied.length === accepted.length) {
      // Every accepted change is new and none waits: every record that sent one is kept.
      // (The common case, decided without decoding a change.)
      for (const i of accepted) keep.add(recordOf[i] ?? -1);
      fresh = accepted.length;
    } else if (newlyApplied.length > 0 || hasPending(after)) {
      const applied = new Set(newlyApplied.map(changeHash));
      resolvedPending = [...applied].filter((h) => slot.pendingLogged.has(h));
      for (const h of resolvedPending) applied.delete(h);
      for (const i of accepted) {
        const c = changes[i];
        if (c === undefined) continue;
        const h = changeHash(c);
        if (applied.delete(h)) {
          // Newly applied: the first record that brought it keeps it.
          keep.add(recordOf[i] ?? -1);
          fresh += 1;
        } else if (!A.hasHeads(after, [h]) && !slot.pendingLogged.has(h) && !newlyPending.has(h)) {
          // Waiting for its dependencies, and not logged yet.
          newlyPending.add(h);
          keep.add(recordOf[i] ?? -1);
          fresh += 1;
        }
      }
    }
    slot.doc = after;
    const stored = [...keep].sort((a, b) => a - b);
    if (stored.length > 0) {
      const written = await this.appendReceived(
        name,
        stored.map((i) => records[i] ?? new Uint8Array()),
      );
      if (!written.ok) {
        await this.rollBack(name);
        return written;
      }
    }
    for (const h of resolvedPending) slot.pendingLogged.delete(h);
    for (const h of newlyPending) slot.pendingLogged.add(h);
    if (newlyApplied.length > 0 || bad.size > 0) {
      slot.published = after;
      this.emit({ doc: name, origin: 'remote' });
      this.maybeCompact(name);
    }
    const duplicates = Math.max(0, accepted.length - fresh - resolvedPending.length);
    return ok({ applied: fresh, duplicates, stored, badRecords: [...bad].sort((a, b) => a - b) });
  }

  /** Writes the initial state's changes if the log does not hold them yet. */
  private async persistBase(name: Name<D>): Promise<StorageResult<void>> {
    const slot = this.slot(name);
    if (slot.unpersisted.length === 0) return ok(undefined);
    const base = slot.cipher.seal({ kind: 'changes', changes: slot.unpersisted });
    const written = await this.appendSealed(name, base, 'changes', 'local');
    if (written.ok) slot.unpersisted = [];
    return written;
  }

  private async append(
    name: Name<D>,
    payload: RecordPayload,
    origin: RecordOrigin,
  ): Promise<StorageResult<void>> {
    const base = await this.persistBase(name);
    if (!base.ok) return base;
    return this.appendSealed(name, this.slot(name).cipher.seal(payload), payload.kind, origin);
  }

  private async appendSealed(
    name: Name<D>,
    record: Uint8Array,
    kind: RecordKind,
    origin: RecordOrigin,
  ): Promise<StorageResult<void>> {
    const slot = this.slot(name);
    const appended = await this.options.storage.append(slot.file, frameRecord(record));
    if (!appended.ok) return appended;
    slot.bytes = appended.value;
    slot.records += 1;
    this.options.sink?.recorded({ doc: name, record, kind, origin });
    return ok(undefined);
  }

  /**
   * Appends received records as they came, in one write, after the initial
   * state if the log does not hold it yet (they depend on it). They do not go
   * to the sink: the relay has them.
   */
  private async appendReceived(
    name: Name<D>,
    records: readonly Uint8Array[],
  ): Promise<StorageResult<void>> {
    const base = await this.persistBase(name);
    if (!base.ok) return base;
    const slot = this.slot(name);
    const frames = records.map(frameRecord);
    const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      bytes.set(f, at);
      at += f.length;
    }
    const appended = await this.options.storage.append(slot.file, bytes);
    if (!appended.ok) return appended;
    slot.bytes = appended.value;
    slot.records += records.length;
    return ok(undefined);
  }

  /** Compacts a document's log now, whatever its size. Resolves false when skipped. */
  compact(name: Name<D>): Promise<StorageResult<boolean>> {
    this.slot(name);
    return this.enqueue(name, () => this.compactNow(name));
  }

  private async compactNow(name: Name<D>): Promise<StorageResult<boolean>> {
    const fresh = await this.ensureFresh(name);
    if (!fresh.ok) return fresh;
    const slot = fresh.value;
    if (slot.problems.length > 0 || slot.pendingLogged.size > 0) return ok(false);
    const record = slot.cipher.seal({ kind: 'snapshot', snapshot: A.save(slot.doc) });
    const framed = frameRecord(record);
    const replaced = await this.options.storage.replaceAtomically(slot.file, framed);
    if (!replaced.ok) {
      slot.compactionHold = slot.records + COMPACTION_RETRY_RECORDS;
      return replaced;
    }
    slot.bytes = framed.length;
    slot.records = 1;
    slot.unpersisted = [];
    this.options.sink?.recorded({ doc: name, record, kind: 'snapshot', origin: 'compaction' });
    return ok(true);
  }

  private maybeCompact(name: Name<D>): void {
    const slot = this.slot(name);
    const due = slot.bytes >= this.policy.maxBytes || slot.records >= this.policy.maxRecords;
    if (!due || slot.compactionQueued || slot.records < slot.compactionHold) return;
    if (slot.problems.length > 0 || slot.pendingLogged.size > 0) return;
    slot.compactionQueued = true;
    const run = async (): Promise<void> => {
      slot.compactionQueued = false;
      const done = await this.compactNow(name);
      if (done.ok) return;
      this.lastBackgroundError = { doc: name, error: done.error };
      this.options.onBackgroundError?.(this.lastBackgroundError);
    };
    this.enqueue(name, run).catch((e: unknown) => {
      // A thrown error here is a bug; surface it rather than lose it.
      queueMicrotask(() => {
        throw e;
      });
    });
  }
}
