/**
 * The recovery feature's store port: one escrowed blob per account, changes
 * to it that wait for a cancel (store/recovery-sql.ts), lookups by recovery
 * id, and the per-database secret the decoys derive from. Checked by the
 * recovery store contract (relay/test/support/recovery-store-contract.ts).
 */

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
 * (store/recovery-sql.ts) until `now + delayMs`.
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

export interface RecoveryStore {
  /**
   * Stores the account's recovery blob if `signedAt` is later than its last
   * recovery change: at once for its first blob, otherwise as its pending
   * change (see store/recovery-sql.ts); `taken` when another account holds this id.
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
  /** A per-database secret (base64): `candidate` unless one is stored already (the decoy secret). */
  relaySecret(name: string, candidate: string): Promise<string>;
}
