/**
 * The sync feature's store port: sealed events per (account, stream), the
 * group-committed push path, pages for pull and bootstrap, and the notices by
 * which other relay processes' commits and revocations reach this one's
 * fan-out.
 *
 * Ids and sealed bytes travel as canonical base64 strings; the SQL encodes and
 * decodes them itself (store/sql-store.ts). Every query is keyed by account_id.
 * Expected outcomes (a duplicate, a full quota) are values; a thrown error
 * means storage failed. Checked by the event store contract
 * (relay/test/support/event-store-contract.ts).
 */

export interface PushItem {
  accountId: string;
  /** The pushing device: its own event is not fanned out back to it. */
  deviceId: string;
  streamId: string;
  eventId: string;
  data: string;
  /** Decoded length of `data`, counted against the account's quota. */
  bytes: number;
  coversSeq?: number;
}

export type PushOutcome =
  | { ok: true; seq: number; duplicate: boolean }
  | { ok: false; code: 'quota' | 'bad-cover'; message: string };

export interface StoredEvent {
  seq: number;
  eventId: string;
  data: string;
  coversSeq?: number;
}

export interface EventPage {
  events: StoredEvent[];
  head: number;
  hasMore: boolean;
  /** The cursor to pull after next. */
  next: number;
}

export interface BootstrapPage extends EventPage {
  snapshot?: StoredEvent;
  /** Where the page starts: the snapshot's coversSeq, or 0. */
  after: number;
}

export interface StreamInfo {
  streamId: string;
  head: number;
  snapshotCovers?: number;
}

export interface PageBounds {
  limit: number;
  maxBytes: number;
}

export interface AppendOptions {
  /** Bytes an account may store; a push that would pass it gets `quota`. */
  quotaBytes: number;
  /** Streams an account may have; a push that would start one more gets `quota`. */
  maxStreams?: number;
  /** Fault injection for tests: runs inside the transaction, after the writes, before COMMIT. */
  beforeCommit?: () => Promise<void> | void;
}

/** What another relay process committed; delivered through LISTEN/NOTIFY. */
export type StoreNotice =
  | {
      kind: 'events';
      accountId: string;
      streamId: string;
      /** Consecutive seq runs and the device that pushed each run. */
      runs: { from: number; to: number; deviceId: string }[];
    }
  | { kind: 'revoked'; accountId: string; deviceId: string }
  /**
   * LISTEN was set up again after its connection dropped: whatever other
   * processes notified in between is lost, so fan-out here has holes.
   */
  | { kind: 'resubscribed' };

export interface EventStore {
  /**
   * Stores a batch in ONE transaction; outcomes align with `items`. Idempotent on
   * (account, stream, event); seqs per stream increase by one with no gap.
   * Resolves only after COMMIT; throws (nothing stored) if storage fails.
   */
  append(items: readonly PushItem[], options: AppendOptions): Promise<PushOutcome[]>;
  pull(accountId: string, streamId: string, after: number, bounds: PageBounds): Promise<EventPage>;
  bootstrap(accountId: string, streamId: string, bounds: PageBounds): Promise<BootstrapPage>;
  /** Events with from ≤ seq ≤ to (for fan-out of another process's commit). */
  range(accountId: string, streamId: string, from: number, to: number): Promise<StoredEvent[]>;
  listStreams(accountId: string): Promise<StreamInfo[]>;
}
