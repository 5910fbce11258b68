/**
 * The relay's storage port. One interface, two implementations (PGlite embedded,
 * Postgres served) sharing one SQL core, checked by one contract suite
 * (relay/test/support/store-contract.ts).
 *
 * Ids travel as they do on the wire: UUID strings for accounts and devices,
 * canonical base64 for stream ids, event ids and sealed bytes. The SQL encodes
 * and decodes base64 itself, so the relay converts no bytes in JavaScript, with
 * one exception: a large event on PGlite is decoded once to be handed to the
 * database as a file (sql-store.ts `write`, db.ts `queryWithBlob`).
 *
 * Every query is keyed by account_id (shardable by account). Expected outcomes
 * (a duplicate, a full quota) are values; a thrown error means storage failed.
 */

import type { PairingStore } from './pairing-sql.js';

export interface NewDevice {
  deviceId: string;
  /** Ed25519 public key, base64. */
  signingKey: string;
  /** X25519 public key, base64. */
  boxKey: string;
  label: string;
}

export interface DeviceRecord {
  deviceId: string;
  signingKey: string;
  boxKey: string;
  label: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

/** `created`; `same` when an identical registration exists (a retry); `conflict` otherwise. */
export type RegisterOutcome = 'created' | 'same' | 'conflict';
/**
 * Also `too-many` (the account has `maxDevices` device rows, revoked ones
 * included) and `quota` (the row's DEVICE_ROW_BYTES do not fit the quota).
 */
export type AddDeviceOutcome = RegisterOutcome | 'no-account' | 'too-many' | 'quota';

/** What a new device row may not pass; absent: no limit (seeding tests and benchmarks). */
export interface DeviceLimits {
  maxDevices: number;
  quotaBytes: number;
}

/** `last-device`: the account's only active device is never revoked (nothing could add one back). */
export type RevokeOutcome = 'revoked' | 'not-found' | 'last-device';

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

/** A recovery blob as the relay keeps it (docs/protocol.md "Recovery routes"). */
export interface StoredRecovery {
  /** 64 lowercase hex digits. */
  recoveryId: string;
  /** The 89-byte §3.6 blob, base64. */
  blob: string;
  /** The Ed25519 public key a restore must be signed with, base64. */
  restoreKey: string;
}

export interface RecoveryRecord {
  accountId: string;
  blob: string;
  restoreKey: string;
}

/**
 * `stale`: signedAt is not after the account's last accepted put, delete or
 * cancel (a replay). `pending`: the account has a blob, so the change waits
 * (recovery-sql.ts) until `now + delayMs`.
 */
export type RecoveryPutOutcome = 'stored' | 'pending' | 'stale' | 'taken' | 'no-account';
export type RecoveryDeleteOutcome = 'deleted' | 'pending' | 'stale' | 'not-found' | 'no-account';
export type RecoveryCancelOutcome = 'cancelled' | 'none' | 'stale' | 'no-account';

/** When a recovery change is asked for, by whom, and how long it waits for a cancel. */
export interface RecoveryTiming {
  now: number;
  delayMs: number;
  /** The device asking (shown to the others with the pending change). */
  deviceId: string;
}

/** A removal or replacement of the account's blob that has not taken effect yet. */
export interface PendingRecoveryChange {
  op: 'delete' | 'replace';
  effectiveAt: number;
  requestedBy: string;
  /** delete: the id of the blob going; replace: the id of the blob coming (hex). */
  recoveryId: string;
}

export interface AccountRecovery {
  recoveryId: string;
  updatedAt: number;
  pending?: PendingRecoveryChange;
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

export interface RelayStore {
  readonly kind: 'pglite' | 'postgres';
  /** Whether another process can commit to the same database (then notices flow). */
  readonly shared: boolean;

  /** The account and its first device row (which counts DEVICE_ROW_BYTES of its quota). */
  registerAccount(accountId: string, first: NewDevice): Promise<RegisterOutcome>;
  addDevice(accountId: string, device: NewDevice, limits?: DeviceLimits): Promise<AddDeviceOutcome>;
  getDevice(accountId: string, deviceId: string): Promise<DeviceRecord | undefined>;
  listDevices(accountId: string): Promise<DeviceRecord[]>;
  relabelDevice(accountId: string, deviceId: string, label: string): Promise<boolean>;
  /**
   * Marks the device revoked (idempotent) and tells the other processes;
   * refused for the account's last active device.
   */
  revokeDevice(accountId: string, deviceId: string): Promise<RevokeOutcome>;
  touchDevice(accountId: string, deviceId: string): Promise<void>;

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
  bytesUsed(accountId: string): Promise<number>;

  /**
   * Stores the account's recovery blob if `signedAt` is later than its last
   * recovery change: at once for its first blob, otherwise as its pending
   * change (see recovery-sql.ts); `taken` when another account holds this id.
   * Without `timing`: now, with no delay (tests and tools).
   */
  putRecovery(
    accountId: string,
    record: StoredRecovery,
    signedAt: number,
    timing?: RecoveryTiming,
  ): Promise<RecoveryPutOutcome>;
  deleteRecovery(
    accountId: string,
    recoveryId: string,
    signedAt: number,
    timing?: RecoveryTiming,
  ): Promise<RecoveryDeleteOutcome>;
  /** Drops the account's pending change. */
  cancelRecovery(accountId: string, signedAt: number, now: number): Promise<RecoveryCancelOutcome>;
  /** By recovery id (hex): the only lookup not keyed by account, as a restore knows no account yet. */
  getRecovery(recoveryId: string, now?: number): Promise<RecoveryRecord | undefined>;
  /** The account's blob: its recovery id (hex), when it was stored (ms), its pending change. */
  accountRecovery(accountId: string, now?: number): Promise<AccountRecovery | undefined>;
  /** Applies every pending change due at `now` (the sweep); returns how many. */
  applyDueRecovery(now: number): Promise<number>;
  /** A per-database secret (base64): `candidate` unless one is stored already. */
  relaySecret(name: string, candidate: string): Promise<string>;

  /** Pairing offers and cross-process pairing notices (pairing-sql.ts). */
  readonly pairing: PairingStore;

  /** Subscribes to other processes' commits and revocations; no-op when not shared. */
  listen(onNotice: (notice: StoreNotice) => void): Promise<void>;
  health(): Promise<boolean>;
  close(): Promise<void>;
}
