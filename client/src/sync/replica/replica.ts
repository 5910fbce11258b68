/**
 * The replica: this device's side of the relay's streams, with no socket. It
 * holds the cursors (per stream, the highest seq applied here), the outbox
 * (the queue of records to push) and the known ids, and does everything a
 * connection asks of local state:
 *
 * - Receive (`apply`). Pages and coalesced fan-out are applied one batch per
 *   call (`receiveRecords`: open, unpad, apply; duplicates have no effect);
 *   each record that brought something is kept in the local log as it came,
 *   so it has the same id here as on the relay, and its id is marked known
 *   (a crash before that only means the next scan pushes it again, and the
 *   relay answers that it has it). A record that fails authentication (or is
 *   otherwise unreadable) is reported and the cursor still moves past it: it
 *   can never become readable, and stopping there would stall the stream for
 *   good (a hostile relay could then block sync with one bad event); the
 *   report tells the user, and nothing unauthenticated is ever applied.
 * - Push (`nextWindow`, `settle`, `uncover`). The queue is persisted, oldest
 *   first, deduplicated by event id; an entry leaves only on its ack (or when
 *   the relay can never take it). Pushing one record twice is harmless: the
 *   relay is idempotent on (stream, event id). An event of this device's own,
 *   acknowledged right after the cursor, moves the cursor too (its content is
 *   already here), so a device that writes alone does not download its own
 *   events again.
 * - Start (`prepare`): the persisted cursors and queue size, then the scan of
 *   the logs (outbox.ts).
 *
 * Built by `openReplica` (open-replica.ts) in dependency order: the outbox is
 * the document store's record sink, so it exists before the store.
 */
import { fromBase64, ok, type Result, type WireEvent } from '@cairn/shared';
import type { ReadonlyObservable } from '../../lib/observable';
import type { QueueEntry, SyncStore, SyncStoreError } from '../../storage/sync-state';
import { eventIdOf } from '../wire';
import type { Cursors } from './cursors';
import type { Outbox, PushProgress } from './outbox';
import type { ReplicaDocuments, SyncProblem } from './ports';
import type { Problems } from './problems';
import { PUSH_WINDOW, windowOf } from './push-window';
import type { Streams } from './streams';
import type { SerialWrites } from './writes';

/** A queued record the relay refused for good (it leaves the queue and is reported). */
export interface DroppedPush {
  readonly entry: QueueEntry;
  readonly code: string;
  readonly message: string;
}

/** A queued record the relay stored, at `seq`. */
export interface AckedPush {
  readonly entry: QueueEntry;
  readonly seq: number;
}

export interface ReplicaParts {
  readonly store: SyncStore;
  readonly streams: Streams;
  readonly cursors: Cursors;
  readonly outbox: Outbox;
  readonly writes: SerialWrites;
  readonly problems: Problems;
}

export class Replica {
  constructor(
    private readonly parts: ReplicaParts,
    private readonly documents: ReplicaDocuments,
  ) {}

  /** Stream id (base64) → document name, for the documents this device holds. */
  get streams(): Streams {
    return this.parts.streams;
  }

  /** The queue's size and the pushes settled so far. */
  get progress(): ReadonlyObservable<PushProgress> {
    return this.parts.outbox.progress;
  }

  /** The latest problems (bounded), oldest first. */
  get problems(): readonly SyncProblem[] {
    return this.parts.problems.list;
  }

  holds(stream: string): boolean {
    return this.parts.streams.has(stream);
  }

  cursor(stream: string): number {
    return this.parts.cursors.get(stream);
  }

  /** The highest seq a compaction snapshot taken at cursor `from` covers (cursors.ts). */
  cover(stream: string, from: number): number {
    return this.parts.cursors.cover(stream, from);
  }

  /** Records appended from now on are queued (on) or left for the next scan (off). */
  setCapturing(on: boolean): void {
    this.parts.outbox.capturing = on;
  }

  /** Another relay or account: cursors, queue and known ids no longer mean anything. */
  async resetRelayState(): Promise<Result<void, SyncStoreError>> {
    const reset = await this.parts.store.resetRelayState();
    if (!reset.ok) return reset;
    this.parts.cursors.clear();
    return ok(undefined);
  }

  /** Loads the cursors and the queue size, then scans the logs; false if storage failed. */
  async prepare(): Promise<boolean> {
    const cursors = await this.parts.store.cursors();
    const count = await this.parts.store.count();
    if (!cursors.ok || !count.ok) {
      const e = cursors.ok ? (count.ok ? undefined : count.error) : cursors.error;
      if (e !== undefined) this.problem({ kind: 'storage', message: e.message });
      return false;
    }
    this.parts.cursors.load(cursors.value);
    this.parts.outbox.counted(count.value);
    return this.parts.outbox.scan();
  }

  /**
   * Applies received events of one stream as one batch and moves the cursor
   * to `next`; false when local storage failed (nothing moved).
   */
  async apply(stream: string, events: readonly WireEvent[], next: number): Promise<boolean> {
    const doc = this.parts.streams.get(stream);
    if (doc === undefined) return true;
    const cursor = this.cursor(stream);
    const seen = new Set<string>();
    const fresh: { seq: number; record: Uint8Array }[] = [];
    for (const e of events) {
      if (e.seq <= cursor || seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      const record = fromBase64(e.data);
      if (record === undefined) this.problem({ kind: 'record', doc, seq: e.seq, code: 'bad-data' });
      else fresh.push({ seq: e.seq, record });
    }
    if (fresh.length > 0) {
      const applied = await this.documents.receiveRecords(
        doc,
        fresh.map((f) => f.record),
      );
      if (!applied.ok) {
        this.problem({ kind: 'storage', message: `applying ${doc}: ${applied.error.message}` });
        return false;
      }
      for (const p of applied.value.problems) {
        const seq = fresh[p.index]?.seq ?? -1;
        this.problem({ kind: 'record', doc, seq, code: p.code });
      }
      // Kept as they came: the same bytes, so the same id as on the relay.
      this.parts.outbox.received(
        applied.value.stored.flatMap((i) => {
          const record = fresh[i]?.record;
          return record === undefined ? [] : [eventIdOf(record)];
        }),
      );
    }
    this.parts.cursors.advance(stream, next);
    return true;
  }

  /** The oldest queued records that go out together; an error when the store failed (reported). */
  async nextWindow(): Promise<Result<QueueEntry[], SyncStoreError>> {
    const peeked = await this.parts.store.peek(PUSH_WINDOW);
    if (!peeked.ok) {
      this.problem({ kind: 'storage', message: peeked.error.message });
      return peeked;
    }
    return ok(windowOf(peeked.value));
  }

  /**
   * The relay stored `acks` and refused `dropped` for good: they leave the
   * queue, own seqs move the cursor, refusals are reported. False when the
   * store failed (reported; nothing moved).
   */
  async settle(acks: readonly AckedPush[], dropped: readonly DroppedPush[]): Promise<boolean> {
    const removed = await this.parts.store.remove(
      [...acks.map((a) => a.entry), ...dropped.map((d) => d.entry)].map((e) => e.key),
    );
    if (!removed.ok) {
      this.problem({ kind: 'storage', message: removed.error.message });
      return false;
    }
    for (const { entry, seq } of acks) this.parts.cursors.acked(entry.streamId, seq);
    for (const d of dropped) {
      this.problem({
        kind: 'dropped',
        doc: this.parts.streams.get(d.entry.streamId) ?? '',
        eventId: d.entry.eventId,
        code: d.code,
        message: d.message,
      });
    }
    this.parts.outbox.settled(acks.length + dropped.length);
    return true;
  }

  /** The relay refused a snapshot's cover: it is pushed again as a plain event. */
  async uncover(entry: QueueEntry): Promise<void> {
    const { coversSeq: _dropped, ...plain } = entry;
    const updated = await this.parts.store.update(plain);
    if (!updated.ok) this.problem({ kind: 'storage', message: updated.error.message });
  }

  /** Local storage failed outside the replica (the device keys, the settings): reported with the rest. */
  reportStorage(message: string): void {
    this.problem({ kind: 'storage', message });
  }

  /** Resolves once every background write to the sync store is done. */
  idle(): Promise<void> {
    return this.parts.writes.idle();
  }

  private problem(p: SyncProblem): void {
    this.parts.problems.report(p);
  }
}
