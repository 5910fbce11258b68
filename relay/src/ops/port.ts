/**
 * The store's lifecycle port: which database it is, whether other processes
 * share it, the feed of their commits and revocations, health and closing.
 * The health route takes it; the composition root (app.ts) subscribes the
 * sync fan-out to `listen` and closes the store it opened. Checked by the
 * store lifecycle contract (relay/test/support/store-lifecycle-contract.ts).
 */
import type { StoreNotice } from '../sync/port.js';

export interface StoreLifecycle {
  readonly kind: 'pglite' | 'postgres';
  /** Whether another process can commit to the same database (then notices flow). */
  readonly shared: boolean;
  /** Subscribes to other processes' commits and revocations; no-op when not shared. */
  listen(onNotice: (notice: StoreNotice) => void): Promise<void>;
  health(): Promise<boolean>;
  close(): Promise<void>;
}
