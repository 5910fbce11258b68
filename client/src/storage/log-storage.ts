/**
 * The storage port: append-only log files addressed by name.
 *
 * Every document keeps one log (see document-store.ts). Implementations:
 * `MemoryLogStorage` (tests, Node harnesses) and `OpfsLogStorage` (the browser,
 * a worker holding OPFS sync access handles). Both run the same protocol,
 * `BackedLogStorage`, over a small set of file primitives, and both pass the
 * one contract suite in log-storage-contract.ts.
 *
 * Promises of the port:
 * - `append` resolves only after the bytes are flushed to durable storage.
 * - `replaceAtomically` leaves either the old or the new content whole, whatever
 *   point a crash interrupts it at (protocol in backed-log-storage.ts).
 * - `read` of a file that does not exist is the empty byte string: a log that
 *   was never written is an empty log.
 * - Operations run one at a time, in call order.
 *
 * Names: 1–100 characters of `A–Z a–z 0–9 . _ -`, starting with a letter or
 * digit, not ending in one of the reserved suffixes below. A bad name is a bug
 * and throws a RangeError; every expected failure is a value:
 *
 * Error codes:
 * - `quota`       the origin's storage quota is exhausted; nothing was written
 * - `locked`      another tab or worker holds the files open
 * - `unavailable` the platform has no such storage (no OPFS, no IndexedDB)
 * - `closed`      the storage was closed (or wiped) before the call
 * - `corrupt`     stored key material failed to unwrap (keys.ts)
 * - `exists`      refusing to overwrite a different stored key (keys.ts)
 * - `blocked`     a database could not be deleted while another tab holds it open
 * - `io`          any other failure the platform reported
 */
import type { Result } from '@cairn/shared';

export type StorageErrorCode =
  'quota' | 'locked' | 'unavailable' | 'closed' | 'corrupt' | 'exists' | 'blocked' | 'io';

export interface StorageError {
  readonly code: StorageErrorCode;
  /** For people reading logs; never contains stored bytes or key material. */
  readonly message: string;
}

export type StorageResult<T> = Result<T, StorageError>;

export interface StorageUsage {
  /** Live log files (temporary files of an unfinished replace are not counted). */
  readonly files: number;
  /** Total bytes of the live log files. */
  readonly bytes: number;
}

export interface LogStorage {
  /** Names of the live log files, sorted. */
  list(): Promise<StorageResult<string[]>>;
  /** The whole file; empty when it does not exist. */
  read(name: string): Promise<StorageResult<Uint8Array>>;
  /** Appends and flushes; resolves with the file's new length. */
  append(name: string, bytes: Uint8Array): Promise<StorageResult<number>>;
  /** Cuts the file to `length` bytes (at most its current length) and flushes. */
  truncate(name: string, length: number): Promise<StorageResult<void>>;
  /** Replaces the whole content; a crash leaves the old or the new content, whole. */
  replaceAtomically(name: string, bytes: Uint8Array): Promise<StorageResult<void>>;
  /** Deletes the file; deleting a missing file succeeds. */
  remove(name: string): Promise<StorageResult<void>>;
  usage(): Promise<StorageResult<StorageUsage>>;
  /** Releases file handles; every later call answers `closed`. */
  close(): Promise<void>;
}

/** Suffix of the file a replace writes before it swaps it in. */
export const TEMP_SUFFIX = '.compact-tmp';
/** Suffix of the commit marker a replace writes once the temp file is flushed. */
export const MARKER_SUFFIX = '.compact-ok';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isValidLogName(name: string): boolean {
  return NAME.test(name) && !name.endsWith(TEMP_SUFFIX) && !name.endsWith(MARKER_SUFFIX);
}

export function checkLogName(name: string): void {
  if (!isValidLogName(name)) throw new RangeError(`invalid log file name ${JSON.stringify(name)}`);
}

export const storageError = (code: StorageErrorCode, message: string): StorageError => ({
  code,
  message,
});

/**
 * Thrown by file backends for expected failures; `BackedLogStorage` turns it
 * into a `StorageError` value at the port's boundary.
 */
export class StorageFault extends Error {
  override readonly name = 'StorageFault';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
