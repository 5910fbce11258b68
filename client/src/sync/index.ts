/**
 * Cairn's sync layer: the client side of the relay protocol, in three parts.
 * The replica (replica/) is this device's side of the streams with no socket:
 * cursors, the outbox (the document store's record sink) and apply. A
 * RelayConnection (session/) is one connection, protocol only. The engine
 * (engine/) supervises: settings, registration, reconnects, refusals, status.
 * Everything here runs in Node as well (harness devices) except `BrowserSync`,
 * `browserSocket` and `IdbSyncStore`, which need a browser (they touch no
 * browser API until used).
 */
export { BrowserSync, deviceLabel, openBrowserSync, syncStateOf } from './browser';
export { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from './engine/backoff';
export { SyncEngine, type AccountIds, type SyncEngineOptions } from './engine/engine';
export { refusal, sameStatus, type RefusalReason, type SyncStatus } from './engine/status';
export { IdbSyncStore, SYNC_DATABASE } from './idb-sync-store';
export { MemorySyncStore } from './memory-sync-store';
export type {
  NewQueueEntry,
  QueueEntry,
  SettingsStore,
  SyncSettings,
  SyncStore,
  SyncStoreError,
  SyncStoreResult,
} from './ports';
export { openReplica, type OpenReplicaOptions } from './replica/open-replica';
export type { PushProgress } from './replica/outbox';
export type { ReplicaDocuments, SyncProblem } from './replica/ports';
export { PUSH_WINDOW } from './replica/push-window';
export { Replica } from './replica/replica';
export { COALESCE_MS, RelayConnection, type SessionEnd } from './session/relay-connection';
export {
  registerAccount,
  type DeviceIdentity,
  type FetchLike,
  type RegisterFailure,
} from './session/registration';
export {
  browserSocket,
  type SocketFactory,
  type SocketHandle,
  type SocketHandlers,
} from './socket';
export { systemTimers, type Timers } from './timers';
export { accountsUrl, eventIdOf, normaliseRelayUrl, webSocketUrl } from './wire';
