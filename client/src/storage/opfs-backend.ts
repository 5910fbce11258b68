/// <reference lib="webworker.asynciterable" />
/**
 * File primitives over the Origin Private File System, for the OPFS worker.
 * Sync access handles exist only in dedicated workers; they are opened once per
 * file and kept, since opening one costs far more than a write. A handle is an
 * exclusive lock: a second tab gets `locked`.
 *
 * Platform errors map to StorageFault codes: QuotaExceededError → `quota`,
 * NoModificationAllowedError / InvalidStateError on open → `locked`, a missing
 * OPFS → `unavailable`, anything else → `io` (the DOMException's name only).
 */
import type { FileBackend } from './backed-log-storage';
import { StorageFault } from './log-storage';

/** `FileSystemHandle.move()` is Chromium's; TypeScript's DOM types lack it. */
interface Movable {
  move(newName: string): Promise<void>;
}

function isMovable(handle: object): handle is Movable {
  return typeof Reflect.get(handle, 'move') === 'function';
}

const isNamed = (e: unknown, ...names: string[]): boolean =>
  e instanceof DOMException && names.includes(e.name);

/** Rethrows a platform error as a StorageFault, or as itself when it is a defect. */
function fault(e: unknown, what: string): never {
  if (e instanceof StorageFault) throw e;
  if (isNamed(e, 'QuotaExceededError')) throw new StorageFault('quota', `${what}: quota exceeded`);
  if (isNamed(e, 'NoModificationAllowedError', 'InvalidStateError')) {
    throw new StorageFault('locked', `${what}: the file is open in another tab or worker`);
  }
  if (e instanceof DOMException) throw new StorageFault('io', `${what}: ${e.name}`);
  throw e;
}

export class OpfsFiles implements FileBackend {
  private readonly handles = new Map<string, FileSystemSyncAccessHandle>();

  private constructor(private readonly dir: FileSystemDirectoryHandle) {}

  /** Opens (creating) a directory under the OPFS root; each directory is one storage. */
  static async open(directory: string): Promise<OpfsFiles> {
    if (typeof navigator === 'undefined' || navigator.storage?.getDirectory === undefined) {
      throw new StorageFault('unavailable', 'this browser has no Origin Private File System');
    }
    try {
      const root = await navigator.storage.getDirectory();
      return new OpfsFiles(await root.getDirectoryHandle(directory, { create: true }));
    } catch (e) {
      fault(e, 'open the log directory');
    }
  }

  private async handle(
    name: string,
    create: boolean,
  ): Promise<FileSystemSyncAccessHandle | undefined> {
    const cached = this.handles.get(name);
    if (cached !== undefined) return cached;
    let file: FileSystemFileHandle;
    try {
      file = await this.dir.getFileHandle(name, { create });
    } catch (e) {
      if (!create && isNamed(e, 'NotFoundError')) return undefined;
      fault(e, 'open a log file');
    }
    try {
      const handle = await file.createSyncAccessHandle();
      this.handles.set(name, handle);
      return handle;
    } catch (e) {
      fault(e, 'lock a log file');
    }
  }

  private async must(name: string): Promise<FileSystemSyncAccessHandle> {
    const h = await this.handle(name, true);
    if (h === undefined) throw new Error(`no handle for ${name}`);
    return h;
  }

  async names(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const [name, entry] of this.dir.entries()) {
        if (entry.kind === 'file') out.push(name);
      }
    } catch (e) {
      fault(e, 'list the log directory');
    }
    return out.sort();
  }

  async size(name: string): Promise<number | undefined> {
    const h = await this.handle(name, false);
    try {
      return h?.getSize();
    } catch (e) {
      fault(e, 'size a log file');
    }
  }

  async read(name: string): Promise<Uint8Array> {
    const h = await this.handle(name, false);
    if (h === undefined) return new Uint8Array(0);
    try {
      const out = new Uint8Array(h.getSize());
      const n = h.read(out, { at: 0 });
      if (n !== out.length) throw new StorageFault('io', `short read: ${n} of ${out.length}`);
      return out;
    } catch (e) {
      fault(e, 'read a log file');
    }
  }

  async write(name: string, at: number, bytes: Uint8Array): Promise<void> {
    const h = await this.must(name);
    try {
      const n = h.write(bytes, { at });
      if (n !== bytes.length) throw new StorageFault('io', `short write: ${n} of ${bytes.length}`);
    } catch (e) {
      fault(e, 'write a log file');
    }
  }

  async truncate(name: string, length: number): Promise<void> {
    const h = await this.must(name);
    try {
      h.truncate(length);
    } catch (e) {
      fault(e, 'truncate a log file');
    }
  }

  async flush(name: string): Promise<void> {
    const h = await this.handle(name, false);
    try {
      h?.flush();
    } catch (e) {
      fault(e, 'flush a log file');
    }
  }

  private release(name: string): void {
    const h = this.handles.get(name);
    if (h === undefined) return;
    this.handles.delete(name);
    h.close();
  }

  async remove(name: string): Promise<void> {
    this.release(name);
    try {
      await this.dir.removeEntry(name);
    } catch (e) {
      if (isNamed(e, 'NotFoundError')) return;
      fault(e, 'remove a log file');
    }
  }

  async rename(from: string, to: string): Promise<void> {
    this.release(from);
    this.release(to);
    try {
      const file = await this.dir.getFileHandle(from);
      if (isMovable(file)) {
        await file.move(to);
        return;
      }
    } catch (e) {
      fault(e, 'rename a log file');
    }
    // No move(): copy, flush, then drop the source. Recovery repeats this safely.
    const bytes = await this.read(from);
    await this.write(to, 0, bytes);
    await this.flush(to);
    await this.remove(from);
  }

  close(): Promise<void> {
    for (const name of [...this.handles.keys()]) this.release(name);
    return Promise.resolve();
  }
}
