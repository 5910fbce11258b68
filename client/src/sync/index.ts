/**
 * Cairn's sync layer: the client side of the relay protocol. Everything here
 * runs in Node as well (harness devices) except `BrowserSync`, `browserSocket`
 * and `IdbSyncStore`, which need a browser (they touch no browser API until
 * used). The algorithm is described in engine.ts.
 */
export {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffDelay,
  systemTimers,
  type Timers,
} from './backoff';
export { BrowserSync, deviceLabel, syncStateOf } from './browser';
export {
  SyncEngine,
  type AccountIds,
  type SyncDocuments,
  type SyncEngineOptions,
  type SyncProblem,
} from './engine';
export { IdbSyncStore, SYNC_DATABASE } from './idb-sync-store';
export { MemorySyncStore } from './memory-sync-store';
export type {
  NewQueueEntry,
  QueueEntry,
  SyncSettings,
  SyncStore,
  SyncStoreError,
  SyncStoreResult,
} from './ports';
export {
  registerAccount,
  type DeviceIdentity,
  type FetchLike,
  type RegisterFailure,
} from './register';
export { COALESCE_MS, PUSH_WINDOW, type SessionEnd } from './session';
export {
  browserSocket,
  type SocketFactory,
  type SocketHandle,
  type SocketHandlers,
} from './socket';
export { refusal, sameStatus, type RefusalReason, type SyncStatus } from './status';
export { accountsUrl, eventIdOf, normaliseRelayUrl, webSocketUrl } from './wire';
