/**
 * The log-storage protocol over plain file primitives, shared by the memory and
 * OPFS implementations so the crash-tested code is the code that ships.
 *
 * Atomic replace of `name` with new content C (n bytes):
 *   1. remove `name.compact-ok`, remove `name.compact-tmp`   (leftovers, defensive)
 *   2. write C to `name.compact-tmp`, flush
 *   3. write the marker `name.compact-ok`, flush             ← commit point
 *   4. remove `name`
 *   5. rename `name.compact-tmp` → `name`
 *   6. remove `name.compact-ok`
 *
 * Marker layout (16 bytes): ASCII "CAIRNCMP" ‖ u64_le(n). It is valid only when
 * it is exactly 16 bytes with that magic; a torn marker is no marker.
 *
 * Recovery, run by `open()` before any other operation, for each name with a
 * temp file or a marker:
 *   - valid marker, temp file of exactly n bytes → roll forward: steps 4, 5, 6
 *   - valid marker, no temp file                 → step 5 happened: step 6
 *   - anything else (no marker, torn marker, temp of another size)
 *                                                → roll back: remove temp, marker
 * Every recovery step is idempotent, so a crash during recovery is recovered by
 * the next open the same way. Before the commit point the old file is untouched;
 * after it the temp file is whole and flushed, so one of the two always wins.
 *
 * Appends write at the current end and flush before resolving. If a write fails
 * (quota), the file is cut back to its old length so no partial record remains.
 */
import { equalBytes } from '@cairn/shared';
import {
  MARKER_SUFFIX,
  StorageFault,
  TEMP_SUFFIX,
  checkLogName,
  isValidLogName,
  storageError,
  type LogStorage,
  type StorageResult,
  type StorageUsage,
} from './log-storage';

/** File primitives. Expected failures throw `StorageFault`; anything else is a bug or a crash. */
export interface FileBackend {
  /** Every file name, including temp files and markers. */
  names(): Promise<string[]>;
  /** Size in bytes, or undefined when the file does not exist. */
  size(name: string): Promise<number | undefined>;
  /** The whole file; empty when missing. */
  read(name: string): Promise<Uint8Array>;
  /** Writes at offset `at`, creating the file when missing. */
  write(name: string, at: number, bytes: Uint8Array): Promise<void>;
  truncate(name: string, length: number): Promise<void>;
  flush(name: string): Promise<void>;
  /** No-op when missing. */
  remove(name: string): Promise<void>;
  /** `to` does not exist when this is called (the protocol removes it first). */
  rename(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

const MARKER_MAGIC = new TextEncoder().encode('CAIRNCMP');
const MARKER_BYTES = 16;

export function encodeMarker(length: number): Uint8Array {
  const out = new Uint8Array(MARKER_BYTES);
  out.set(MARKER_MAGIC, 0);
  new DataView(out.buffer).setBigUint64(8, BigInt(length), true);
  return out;
}

export function decodeMarker(bytes: Uint8Array): number | undefined {
  if (bytes.length !== MARKER_BYTES || !equalBytes(bytes.subarray(0, 8), MARKER_MAGIC)) {
    return undefined;
  }
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 16).getBigUint64(8, true));
}

const tempOf = (name: string): string => name + TEMP_SUFFIX;
const markerOf = (name: string): string => name + MARKER_SUFFIX;

function baseName(file: string): string | undefined {
  for (const suffix of [TEMP_SUFFIX, MARKER_SUFFIX]) {
    if (file.endsWith(suffix)) return file.slice(0, -suffix.length);
  }
  return undefined;
}

/** Runs `f`, turning a `StorageFault` into an error value; anything else propagates. */
async function guarded<T>(f: () => Promise<T>): Promise<StorageResult<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    if (e instanceof StorageFault) return { ok: false, error: storageError(e.code, e.message) };
    throw e;
  }
}

/** Recovers every unfinished replace in `files` (see the header). */
export async function recoverReplaces(files: FileBackend): Promise<void> {
  const bases = new Set<string>();
  for (const file of await files.names()) {
    const base = baseName(file);
    if (base !== undefined) bases.add(base);
  }
  for (const name of [...bases].sort()) {
    const temp = tempOf(name);
    const marker = markerOf(name);
    const markerSize = await files.size(marker);
    const committed = markerSize === undefined ? undefined : decodeMarker(await files.read(marker));
    const tempSize = await files.size(temp);
    if (committed !== undefined && tempSize === committed) {
      await files.remove(name);
      await files.rename(temp, name);
      await files.remove(marker);
    } else if (committed !== undefined && tempSize === undefined) {
      await files.remove(marker);
    } else {
      await files.remove(temp);
      await files.remove(marker);
    }
  }
}

export class BackedLogStorage implements LogStorage {
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();

  /** `files` must have been recovered first: use `openBackedLogStorage`. */
  protected constructor(protected readonly files: FileBackend) {}

  /** Recovers leftovers of an interrupted replace, then returns the storage. */
  static async openOn(files: FileBackend): Promise<StorageResult<BackedLogStorage>> {
    const recovered = await guarded(() => recoverReplaces(files));
    if (!recovered.ok) return recovered;
    return { ok: true, value: new BackedLogStorage(files) };
  }

  /** One operation at a time, in call order; a failed one does not stop the next. */
  protected serial<T>(f: () => Promise<StorageResult<T>>): Promise<StorageResult<T>> {
    const run = async (): Promise<StorageResult<T>> => {
      if (this.closed) return { ok: false, error: storageError('closed', 'storage is closed') };
      return f();
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  list(): Promise<StorageResult<string[]>> {
    return this.serial(() =>
      guarded(async () => (await this.files.names()).filter(isValidLogName).sort()),
    );
  }

  read(name: string): Promise<StorageResult<Uint8Array>> {
    checkLogName(name);
    return this.serial(() => guarded(() => this.files.read(name)));
  }

  append(name: string, bytes: Uint8Array): Promise<StorageResult<number>> {
    checkLogName(name);
    return this.serial(() =>
      guarded(async () => {
        const at = (await this.files.size(name)) ?? 0;
        try {
          await this.files.write(name, at, bytes);
          await this.files.flush(name);
        } catch (e) {
          if (e instanceof StorageFault) await this.cutBack(name, at);
          throw e;
        }
        return at + bytes.length;
      }),
    );
  }

  /** Best effort: a failure here leaves a torn tail that the next load truncates. */
  private async cutBack(name: string, length: number): Promise<void> {
    try {
      if (((await this.files.size(name)) ?? 0) > length) {
        await this.files.truncate(name, length);
        await this.files.flush(name);
      }
    } catch (e) {
      if (!(e instanceof StorageFault)) throw e;
    }
  }

  truncate(name: string, length: number): Promise<StorageResult<void>> {
    checkLogName(name);
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`invalid truncate length ${length}`);
    }
    return this.serial(() =>
      guarded(async () => {
        const size = (await this.files.size(name)) ?? 0;
        if (length > size) throw new RangeError(`cannot truncate ${size} bytes to ${length}`);
        if (length === size) return;
        await this.files.truncate(name, length);
        await this.files.flush(name);
      }),
    );
  }

  replaceAtomically(name: string, bytes: Uint8Array): Promise<StorageResult<void>> {
    checkLogName(name);
    return this.serial(() =>
      guarded(async () => {
        const temp = tempOf(name);
        const marker = markerOf(name);
        await this.files.remove(marker);
        await this.files.remove(temp);
        try {
          await this.files.write(temp, 0, bytes);
          await this.files.flush(temp);
          await this.files.write(marker, 0, encodeMarker(bytes.length));
          await this.files.flush(marker);
        } catch (e) {
          // Not committed: the old file is untouched; drop what was written.
          if (e instanceof StorageFault) await this.dropQuietly(marker, temp);
          throw e;
        }
        try {
          await this.files.remove(name);
          await this.files.rename(temp, name);
          await this.files.remove(marker);
        } catch (e) {
          // Committed: finish the swap the way the next open would, or report.
          if (!(e instanceof StorageFault)) throw e;
          await recoverReplaces(this.files);
        }
      }),
    );
  }

  private async dropQuietly(...names: string[]): Promise<void> {
    for (const n of names) {
      try {
        await this.files.remove(n);
      } catch (e) {
        if (!(e instanceof StorageFault)) throw e;
      }
    }
  }

  remove(name: string): Promise<StorageResult<void>> {
    checkLogName(name);
    return this.serial(() => guarded(() => this.files.remove(name)));
  }

  usage(): Promise<StorageResult<StorageUsage>> {
    return this.serial(() =>
      guarded(async () => {
        let bytes = 0;
        let files = 0;
        for (const name of await this.files.names()) {
          if (!isValidLogName(name)) continue;
          files += 1;
          bytes += (await this.files.size(name)) ?? 0;
        }
        return { files, bytes };
      }),
    );
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      this.closed = true;
      await this.files.close();
      return { ok: true, value: undefined };
    });
  }
}
