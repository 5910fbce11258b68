/**
 * The local half of pushing: the document store's record sink. Every sealed
 * record it appends arrives here (`recorded`) and goes to the persisted queue
 * with its stream id and event id; a compaction snapshot carries `coversSeq`
 * = the stream's cursor at that moment, which is safe because the cursor only
 * ever moves after what it covers is applied. Records received from the relay
 * never come here (the store keeps them as they came, under the id they have
 * on the relay); the replica marks their ids known (`received`), so no scan
 * pushes them back.
 *
 * The outbox exists before the store (the store is built around it) and is
 * switched on (`capturing`) while sync is on and not refused; records written
 * meanwhile are found by `scan`, which queues every logged record whose id is
 * not known yet: it uploads a device's existing history the first time, and
 * recovers a record whose enqueue a crash cut off (the log, not the queue, is
 * the source of truth).
 *
 * `progress` counts the queue and the pushes settled since it was made; the
 * connection pushes when the queue grows, the engine shows both.
 */
import { parseFrames, toBase64 } from '@cairn/shared';
import { Observable, type ReadonlyObservable } from '../../lib/observable';
import { logFileName, type RecordEvent, type RecordSink } from '../../storage/document-store';
import type { LogStorage } from '../../storage/log-storage';
import type { NewQueueEntry, SyncStore } from '../../storage/sync-state';
import { eventIdOf } from '../wire';
import type { Cursors } from './cursors';
import type { Problems } from './problems';
import type { Streams } from './streams';
import type { SerialWrites } from './writes';

export interface PushProgress {
  /** Entries in the persisted queue. */
  readonly queued: number;
  /** Entries that left the queue (acknowledged or dropped), ever. */
  readonly pushed: number;
}

export interface OutboxDeps {
  readonly store: SyncStore;
  readonly logs: Pick<LogStorage, 'read'>;
  readonly streams: Streams;
  readonly cursors: Pick<Cursors, 'get'>;
  readonly writes: SerialWrites;
  readonly problems: Problems;
}

const sameProgress = (a: PushProgress, b: PushProgress): boolean =>
  a.queued === b.queued && a.pushed === b.pushed;

export class Outbox implements RecordSink {
  /** Whether records are captured now (sync is on and not refused). */
  capturing = false;
  private readonly progressValue = new Observable<PushProgress>(
    { queued: 0, pushed: 0 },
    sameProgress,
  );
  private pendingQueue: NewQueueEntry[] = [];
  private pendingKnown: string[] = [];
  private flushScheduled = false;
  private readonly streamOf: ReadonlyMap<string, string>;

  constructor(private readonly deps: OutboxDeps) {
    this.streamOf = new Map([...deps.streams].map(([stream, doc]) => [doc, stream]));
  }

  get progress(): ReadonlyObservable<PushProgress> {
    return this.progressValue;
  }

  recorded(event: RecordEvent): void {
    if (!this.capturing) return;
    const streamId = this.streamOf.get(event.doc);
    if (streamId === undefined) return;
    const entry: NewQueueEntry = {
      streamId,
      eventId: eventIdOf(event.record),
      data: toBase64(event.record),
    };
    if (event.origin === 'compaction') entry.coversSeq = this.deps.cursors.get(streamId);
    this.pendingQueue.push(entry);
    this.scheduleFlush();
  }

  /** Received records were stored as they came: their ids are known, never to be pushed. */
  received(eventIds: readonly string[]): void {
    if (eventIds.length === 0) return;
    this.pendingKnown.push(...eventIds);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Records appended in one burst (an import, a page) are enqueued in one transaction.
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.deps.writes.run(() => this.flushCaptured());
    });
  }

  /** The queue holds `count` entries (read from the store at start). */
  counted(count: number): void {
    this.progressValue.set({ ...this.progressValue.get(), queued: count });
  }

  /** `count` entries left the queue. */
  settled(count: number): void {
    const { queued, pushed } = this.progressValue.get();
    this.progressValue.set({ queued: Math.max(0, queued - count), pushed: pushed + count });
  }

  private async flushCaptured(): Promise<void> {
    const entries = this.pendingQueue.splice(0);
    const known = this.pendingKnown.splice(0);
    if (known.length > 0) {
      const marked = await this.deps.store.markKnown(known);
      if (!marked.ok) this.deps.problems.report({ kind: 'storage', message: marked.error.message });
    }
    if (entries.length > 0) await this.enqueue(entries);
  }

  private async enqueue(entries: readonly NewQueueEntry[]): Promise<void> {
    const added = await this.deps.store.enqueue(entries);
    if (!added.ok) {
      this.deps.problems.report({ kind: 'storage', message: added.error.message });
      return;
    }
    const { queued, pushed } = this.progressValue.get();
    this.progressValue.set({ queued: queued + added.value, pushed });
  }

  /** Queues every logged record whose id is not known yet; false if storage failed. */
  async scan(): Promise<boolean> {
    const found: { streamId: string; eventId: string; record: Uint8Array }[] = [];
    for (const [streamId, doc] of this.deps.streams) {
      const read = await this.deps.logs.read(logFileName(doc));
      if (!read.ok) {
        this.deps.problems.report({
          kind: 'storage',
          message: `reading ${doc}: ${read.error.message}`,
        });
        return false;
      }
      for (const record of parseFrames(read.value).records) {
        found.push({ streamId, eventId: eventIdOf(record), record });
      }
    }
    const unknown = await this.deps.store.unknown(found.map((f) => f.eventId));
    if (!unknown.ok) {
      this.deps.problems.report({ kind: 'storage', message: unknown.error.message });
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
    if (!pruned.ok) this.deps.problems.report({ kind: 'storage', message: pruned.error.message });
    return true;
  }
}
