/**
 * Cairn's sync layer: the client side of the relay protocol, in three parts.
 * The replica (replica/) is this device's side of the streams with no socket:
 * cursors, the outbox (the document store's record sink) and apply. A
 * RelayConnection (session/) is one connection, protocol only. The engine
 * (engine/) supervises: settings, registration, reconnects, refusals, status.
 * Everything here runs in Node as well (harness devices): the browser's
 * socket and IndexedDB are wired in by boot/.
 */
export { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from './engine/backoff';
export { SyncEngine, type AccountIds, type SyncEngineOptions } from './engine/engine';
export { refusal, sameStatus, type RefusalReason, type SyncStatus } from './engine/status';
export { MemorySyncStore } from './memory-sync-store';
export type {
  NewQueueEntry,
  QueueEntry,
  SettingsStore,
  SyncSettings,
  SyncStore,
  SyncStoreError,
  SyncStoreResult,
} from '../storage/sync-state';
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
export type { SocketFactory, SocketHandle, SocketHandlers } from '../lib/platform';
export { systemTimers, type Timers } from './timers';
export { eventIdOf } from './wire';
