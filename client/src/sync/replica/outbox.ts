/**
 * The local half of pushing: records captured from the DocumentStore go to
 * the persisted queue (see engine.ts "Capture", "Queue" and "Scan"), and
 * every write to the sync store runs in the background, one at a time, in
 * order, so nothing here makes the app wait.
 */
import { parseFrames, toBase64 } from '@cairn/shared';
import { logFileName, type RecordEvent } from '../storage/document-store';
import type { LogStorage } from '../storage/log-storage';
import type { NewQueueEntry, SyncProblem, SyncStore } from './ports';
import { eventIdOf } from './wire';

export interface OutboxDeps {
  readonly store: SyncStore;
  readonly logs: Pick<LogStorage, 'read'>;
  /** Stream id (base64) → document name. */
  readonly streams: ReadonlyMap<string, string>;
  cursor(stream: string): number;
  /** Entries were added to the queue. */
  queued(added: number): void;
  problem(p: SyncProblem): void;
}

export class Outbox {
  /** Whether records are captured now (sync is on and not refused). */
  capturing = false;
  private writes: Promise<void> = Promise.resolve();
  private pendingQueue: NewQueueEntry[] = [];
  private pendingKnown: string[] = [];
  private flushScheduled = false;
  private readonly streamOf: ReadonlyMap<string, string>;

  constructor(private readonly deps: OutboxDeps) {
    this.streamOf = new Map([...deps.streams].map(([stream, doc]) => [doc, stream]));
  }

  /** The DocumentStore's `onRecord` hook. */
  capture(event: RecordEvent): void {
    if (!this.capturing) return;
    const streamId = this.streamOf.get(event.doc);
    if (streamId === undefined) return;
    const eventId = eventIdOf(event.record);
    if (event.origin === 'remote') {
      this.pendingKnown.push(eventId);
    } else {
      const entry: NewQueueEntry = { streamId, eventId, data: toBase64(event.record) };
      if (event.origin === 'compaction') entry.coversSeq = this.deps.cursor(streamId);
      this.pendingQueue.push(entry);
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Records appended in one burst (an import, a page) are enqueued in one transaction.
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.write(() => this.flushCaptured());
    });
  }

  /** Runs a sync-store write in the background, after the ones before it. */
  write(task: () => Promise<void>): void {
    this.writes = this.writes.then(task).catch((e: unknown) => {
      // A thrown error here is a defect (expected failures are values): surface it.
      queueMicrotask(() => {
        throw e;
      });
    });
  }

  /** Resolves once every write queued so far is done. */
  async idle(): Promise<void> {
    for (;;) {
      const writes = this.writes;
      await writes;
      if (writes === this.writes) return;
    }
  }

  private async flushCaptured(): Promise<void> {
    const entries = this.pendingQueue.splice(0);
    const known = this.pendingKnown.splice(0);
    if (known.length > 0) {
      const marked = await this.deps.store.markKnown(known);
      if (!marked.ok) this.deps.problem({ kind: 'storage', message: marked.error.message });
    }
    if (entries.length > 0) await this.enqueue(entries);
  }

  private async enqueue(entries: readonly NewQueueEntry[]): Promise<void> {
    const added = await this.deps.store.enqueue(entries);
    if (!added.ok) {
      this.deps.problem({ kind: 'storage', message: added.error.message });
      return;
    }
    this.deps.queued(added.value);
  }

  /** Queues every logged record whose id is not known yet; false if storage failed. */
  async scan(): Promise<boolean> {
    const found: { streamId: string; eventId: string; record: Uint8Array }[] = [];
    for (const [streamId, doc] of this.deps.streams) {
      const read = await this.deps.logs.read(logFileName(doc));
      if (!read.ok) {
        this.deps.problem({ kind: 'storage', message: `reading ${doc}: ${read.error.message}` });
        return false;
      }
      for (const record of parseFrames(read.value).records) {
        found.push({ streamId, eventId: eventIdOf(record), record });
      }
    }
    const unknown = await this.deps.store.unknown(found.map((f) => f.eventId));
    if (!unknown.ok) {
      this.deps.problem({ kind: 'storage', message: unknown.error.message });
      return false;
    }
    const missing = new Set(unknown.value);
    // Plain events: when an old snapshot was taken, its cursor is not known any more.
    await this.enqueue(
      found
        .filter((f) => missing.has(f.eventId))
        .map((f) => ({ streamId: f.streamId, eventId: f.eventId, data: toBase64(f.record) })),
    );
    const pruned = await this.deps.store.retainKnown(new Set(found.map((f) => f.eventId)));
    if (!pruned.ok) this.deps.problem({ kind: 'storage', message: pruned.error.message });
    return true;
  }
}
