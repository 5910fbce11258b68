/**
 * Recovery as the UI sees it (Settings → Recovery, the reminder, and the
 * "Restore from a recovery phrase" path of onboarding). Implemented by
 * `RecoveryService` (recovery-service.ts).
 */
import type { Outcome } from '../lib/outcome';
import type { FlowFailure } from './flows';

export interface RecoveryView {
  /** False until the saved state has been read. */
  readonly loaded: boolean;
  /** This device stored (or restored from) a backup that it has not deleted. */
  readonly enabled: boolean;
  readonly enabledAt: number | null;
  readonly reminderDismissed: boolean;
  /** A restore handed over to sync, which is still bringing the data in. */
  readonly restoring: boolean;
  /**
   * A removal or replacement of the account's backup that waits for its time
   * (any device can cancel it until then), as the relay last said; null: none.
   */
  readonly pending: PendingChange | null;
}

export interface PendingChange {
  readonly op: 'delete' | 'replace';
  /** When it takes effect (ms). */
  readonly effectiveAt: number;
  /** Asked for by this device (else by another device of the account). */
  readonly byThisDevice: boolean;
}

export type RestoreOutcome =
  { ok: true } | { ok: false; kind: FlowFailure['kind']; message: string };

export interface RecoveryControls {
  /** useSyncExternalStore: `view()` returns a new object after every change. */
  readonly subscribe: (listener: () => void) => () => void;
  readonly view: () => RecoveryView;
  /** A fresh 12-word phrase, kept nowhere: the caller shows it and forgets it. */
  newPhrase(): string[];
  /**
   * Whether `enable`, `disable` and `cancelChange` can succeed now (sync on,
   * this device known to the relay and not removed, the relay reachable),
   * asked before the user writes down or confirms anything.
   */
  canChange(): Promise<Outcome>;
  /** Seals K_master under the phrase and stores the blob on the relay. */
  enable(words: readonly string[]): Promise<Outcome>;
  /** Deletes the blob from the relay (usually after the relay's delay: see `pending`). */
  disable(): Promise<Outcome>;
  /** Cancels the account's pending change, whichever device asked for it. */
  cancelChange(): Promise<Outcome>;
  dismissReminder(): Promise<void>;
  /**
   * Asks the relay which blob the account has (another device may have set
   * one up, replaced or deleted it) and follows it. Quietly does nothing
   * when sync is off or the relay cannot be reached.
   */
  refresh(): Promise<void>;
  /** The phrase's checksum only: instant, no network. */
  check(words: readonly string[]): RestoreOutcome;
  /**
   * Registers this device on the phrase's account (named `label`, else its
   * default name), adopts its K_master and sync settings; on success the app
   * must reload to open the account's data.
   */
  restore(words: readonly string[], relayUrl: string, label?: string): Promise<RestoreOutcome>;
  /** The name a restored device suggests for itself ("Chromium on Linux"). */
  defaultLabel(): string;
  /** The data is here: forget that a restore was under way. */
  finishRestore(): Promise<void>;
  /** Where a restore looks by default: the relay that served this app. */
  readonly defaultRelayUrl: string;
}
