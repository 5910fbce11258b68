/**
 * In-memory log storage for unit tests and Node harness devices, with fault
 * injection. It runs the same protocol as the OPFS storage (BackedLogStorage)
 * over `MemoryFiles`, which models a disk that loses unflushed bytes on a crash:
 *
 * - each file has its current bytes and its durable (last flushed) bytes;
 * - creating, removing and renaming a file are durable at once;
 * - `crash` (injected, or `reboot()`) throws away every unflushed byte.
 *
 * Faults: `failNextWrite(code)` fails a write with a typed error before writing
 * anything; `tearNextWrite(k)` persists only the first k bytes of the next write
 * and then crashes; `crashAfter(n)` lets n more primitive operations run and
 * crashes on the next one; `capacity` turns writes past it into `quota`.
 * A crash throws `SimulatedCrash` and every later operation throws it too, until
 * `reboot()`; then `MemoryLogStorage.open(files)` recovers as a fresh start would.
 */
import { BackedLogStorage, recoverReplaces, type FileBackend } from './backed-log-storage';
import { StorageFault, type StorageErrorCode } from './log-storage';

/** The simulated power cut: not an expected failure, so it is thrown, never returned. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

interface MemFile {
  data: Uint8Array;
  durable: Uint8Array;
}

export class MemoryFiles implements FileBackend {
  private readonly files = new Map<string, MemFile>();
  private crashed = false;
  private crashCountdown: number | undefined;
  private failNext: StorageErrorCode | undefined;
  private tearAt: number | undefined;
  /** Every primitive call, in order: `write name`, `flush name`, … (for tests). */
  readonly log: string[] = [];
  /** Total bytes the files may hold; a write past it fails with `quota`. */
  capacity = Number.POSITIVE_INFINITY;

  failNextWrite(code: StorageErrorCode = 'quota'): void {
    this.failNext = code;
  }

  tearNextWrite(keepBytes: number): void {
    this.tearAt = keepBytes;
  }

  crashAfter(operations: number): void {
    this.crashCountdown = operations;
  }

  get isCrashed(): boolean {
    return this.crashed;
  }

  /** Power comes back: unflushed bytes are gone, faults are cleared. */
  reboot(): void {
    for (const f of this.files.values()) f.data = f.durable.slice();
    this.crashed = false;
    this.crashCountdown = undefined;
    this.failNext = undefined;
    this.tearAt = undefined;
  }

  /** The current bytes of a file (a copy), for inspection. */
  bytes(name: string): Uint8Array | undefined {
    return this.files.get(name)?.data.slice();
  }

  /** Overwrites a file durably, for tests that corrupt a log on purpose. */
  setBytes(name: string, bytes: Uint8Array): void {
    this.files.set(name, { data: bytes.slice(), durable: bytes.slice() });
  }

  private crash(): never {
    this.crashed = true;
    throw new SimulatedCrash('simulated crash');
  }

  private step(what: string): void {
    if (this.crashed) throw new SimulatedCrash('storage crashed; reboot() first');
    if (this.crashCountdown !== undefined) {
      if (this.crashCountdown === 0) {
        this.crashCountdown = undefined;
        this.log.push(`crash before ${what}`);
        this.crash();
      }
      this.crashCountdown -= 1;
    }
    this.log.push(what);
  }

  private totalBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.data.length;
    return n;
  }

  names(): Promise<string[]> {
    this.step('names');
    return Promise.resolve([...this.files.keys()].sort());
  }

  size(name: string): Promise<number | undefined> {
    this.step(`size ${name}`);
    return Promise.resolve(this.files.get(name)?.data.length);
  }

  read(name: string): Promise<Uint8Array> {
    this.step(`read ${name}`);
    return Promise.resolve(this.files.get(name)?.data.slice() ?? new Uint8Array(0));
  }

  write(name: string, at: number, bytes: Uint8Array): Promise<void> {
    this.step(`write ${name}`);
    if (this.failNext !== undefined) {
      const code = this.failNext;
      this.failNext = undefined;
      throw new StorageFault(code, `injected ${code} failure`);
    }
    const file = this.files.get(name) ?? { data: new Uint8Array(0), durable: new Uint8Array(0) };
    const end = Math.max(file.data.length, at + bytes.length);
    if (this.totalBytes() - file.data.length + end > this.capacity) {
      throw new StorageFault('quota', 'storage quota exceeded');
    }
    this.files.set(name, file);
    const tear = this.tearAt;
    const kept = tear === undefined ? bytes : bytes.subarray(0, Math.min(tear, bytes.length));
    const data = new Uint8Array(Math.max(file.data.length, at + kept.length));
    data.set(file.data, 0);
    data.set(kept, at);
    file.data = data;
    if (tear !== undefined) {
      this.tearAt = undefined;
      file.durable = data.slice();
      this.crash();
    }
    return Promise.resolve();
  }

  truncate(name: string, length: number): Promise<void> {
    this.step(`truncate ${name}`);
    const file = this.files.get(name);
    if (file !== undefined) file.data = file.data.slice(0, length);
    return Promise.resolve();
  }

  flush(name: string): Promise<void> {
    this.step(`flush ${name}`);
    const file = this.files.get(name);
    if (file !== undefined) file.durable = file.data.slice();
    return Promise.resolve();
  }

  remove(name: string): Promise<void> {
    this.step(`remove ${name}`);
    this.files.delete(name);
    return Promise.resolve();
  }

  rename(from: string, to: string): Promise<void> {
    this.step(`rename ${from} ${to}`);
    const file = this.files.get(from);
    if (file === undefined) throw new Error(`rename: ${from} does not exist`);
    if (this.files.has(to)) throw new Error(`rename: ${to} exists`);
    this.files.delete(from);
    this.files.set(to, file);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class MemoryLogStorage extends BackedLogStorage {
  /** A fresh, empty storage. To reopen existing files use `MemoryLogStorage.open`. */
  constructor(readonly memory: MemoryFiles = new MemoryFiles()) {
    super(memory);
  }

  /** Opens existing files, recovering an interrupted replace first. */
  static async open(memory: MemoryFiles): Promise<MemoryLogStorage> {
    await recoverReplaces(memory);
    return new MemoryLogStorage(memory);
  }

  /** The next append fails with a typed error and writes nothing. */
  failNextAppend(code: StorageErrorCode = 'quota'): void {
    this.memory.failNextWrite(code);
  }

  /** The next append persists only its first `keepBytes` bytes, then the "power" fails. */
  tearNextAppend(keepBytes: number): void {
    this.memory.tearNextWrite(keepBytes);
  }

  /** Power cut and restart: unflushed bytes are lost, then the storage recovers. */
  async reopen(): Promise<MemoryLogStorage> {
    this.memory.reboot();
    return MemoryLogStorage.open(this.memory);
  }
}
