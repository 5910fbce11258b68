/**
 * Cairn's on-device storage: sealed append-only logs per document (OPFS in the
 * browser, memory in tests and Node harnesses), the documents held in memory
 * on top of them, and the device's keys in IndexedDB.
 *
 * Node-safe: everything except `OpfsLogStorage`, the keys and `wipeLocalData`,
 * which need a browser (they touch no browser API until called).
 */
export {
  MARKER_SUFFIX,
  TEMP_SUFFIX,
  isValidLogName,
  type LogStorage,
  type StorageError,
  type StorageErrorCode,
  type StorageResult,
  type StorageUsage,
} from './log-storage';
export { MemoryFiles, MemoryLogStorage, SimulatedCrash } from './memory-log-storage';
export {
  DEFAULT_LOG_DIRECTORY,
  OpfsLogStorage,
  type OpfsLogStorageOptions,
} from './opfs-log-storage';
export {
  DocumentCipher,
  KIND_CHANGES,
  KIND_SNAPSHOT,
  decodePlaintext,
  encodePlaintext,
  openLog,
  type OpenedLog,
  type RecordKind,
  type RecordPayload,
  type RecordProblem,
  type RecordProblemCode,
} from './sealed-log';
export {
  DEFAULT_COMPACTION,
  DocumentStore,
  logFileName,
  type ApplyReport,
  type BackgroundError,
  type ChangeOptions,
  type CompactionPolicy,
  type DocLoadReport,
  type DocumentEvent,
  type DocumentOrigin,
  type DocumentStoreOptions,
  type RecordEvent,
  type RecordOrigin,
  type RecordSink,
} from './document-store';
export {
  KEYS_DATABASE,
  loadMasterKey,
  loadOrCreateDeviceKeys,
  loadOrCreateMasterKey,
  requestPersistence,
  saveMasterKey,
  type DeviceKeys,
} from './idb/keys';
export { wipeLocalData } from './wipe';
