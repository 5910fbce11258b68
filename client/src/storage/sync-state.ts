/**
 * What the sync engine keeps across reloads, behind one port with two
 * implementations: `MemorySyncStore` (tests, Node harness devices) and
 * `IdbSyncStore` (the browser, IndexedDB). Both pass one contract suite
 * (sync-store-contract.ts).
 *
 * - settings: enabled, relay URL, this device's account and device ids, and
 *   whether the account registration was acknowledged.
 * - cursors: per stream, the highest relay `seq` whose event has been applied
 *   to the local documents (or skipped as unreadable).
 * - queue: sealed records to push, oldest first; an entry leaves only when the
 *   relay acknowledged it.
 * - known: the event ids this device has queued, pushed, or received and
 *   stored. Adding a known id to the queue is a no-op, so enqueuing is
 *   idempotent; it is how a startup scan of the logs finds records that never
 *   reached the queue (a crash between append and enqueue).
 *
 * Every method answers a `Result`: the platform may fail (quota, a wiped
 * database), and the engine reports that and retries later.
 */
import type { Result } from '@cairn/shared';
import * as v from 'valibot';

export const SyncSettings = v.object({
  enabled: v.boolean(),
  relayUrl: v.string(),
  accountId: v.string(),
  deviceId: v.string(),
  /** The relay acknowledged the account registration (POST /v1/accounts). */
  registered: v.boolean(),
});
export type SyncSettings = v.InferOutput<typeof SyncSettings>;

export const QueueEntry = v.object({
  /** Queue position: increasing, assigned by the store. */
  key: v.pipe(v.number(), v.safeInteger()),
  /** Wire encodings (canonical base64), ready to send. */
  streamId: v.string(),
  eventId: v.string(),
  data: v.string(),
  /** Set on a compaction snapshot: the stream cursor when it was taken. */
  coversSeq: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});
export type QueueEntry = v.InferOutput<typeof QueueEntry>;
export type NewQueueEntry = Omit<QueueEntry, 'key'>;

export interface SyncStoreError {
  readonly code: 'quota' | 'closed' | 'io';
  readonly message: string;
}

export type SyncStoreResult<T> = Result<T, SyncStoreError>;

export interface SyncStore {
  loadSettings(): Promise<SyncStoreResult<SyncSettings | undefined>>;
  saveSettings(settings: SyncSettings): Promise<SyncStoreResult<void>>;

  cursors(): Promise<SyncStoreResult<Map<string, number>>>;
  setCursors(cursors: ReadonlyMap<string, number>): Promise<SyncStoreResult<void>>;

  /** Appends the entries whose event id is not known yet, in order; marks them known. */
  enqueue(entries: readonly NewQueueEntry[]): Promise<SyncStoreResult<number>>;
  /** The oldest `limit` entries. */
  peek(limit: number): Promise<SyncStoreResult<QueueEntry[]>>;
  /** Removes acknowledged (or abandoned) entries; their ids stay known. */
  remove(keys: readonly number[]): Promise<SyncStoreResult<void>>;
  /** Rewrites an entry in place (same key). */
  update(entry: QueueEntry): Promise<SyncStoreResult<void>>;
  count(): Promise<SyncStoreResult<number>>;

  markKnown(eventIds: readonly string[]): Promise<SyncStoreResult<void>>;
  /** The ids among `eventIds` that are not known. */
  unknown(eventIds: readonly string[]): Promise<SyncStoreResult<string[]>>;
  /** Forgets known ids that are neither in `keep` nor queued (bounds the set). */
  retainKnown(keep: ReadonlySet<string>): Promise<SyncStoreResult<void>>;

  /** Another relay: cursors, queue and known ids no longer mean anything. */
  resetRelayState(): Promise<SyncStoreResult<void>>;
  close(): void;
}

/** The part of the store the engine uses: the settings, and closing it at the end. */
export type SettingsStore = Pick<SyncStore, 'loadSettings' | 'saveSettings' | 'close'>;
