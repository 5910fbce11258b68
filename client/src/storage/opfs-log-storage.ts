/**
 * The browser's log storage: a proxy on the main thread to the OPFS worker
 * (opfs-worker.ts), which runs the shared protocol (backed-log-storage.ts) over
 * sync access handles and flushes before it answers. Messages and their
 * validation: opfs-protocol.ts.
 *
 * If the worker dies (a load error, a crash), every outstanding and later call
 * answers `io`; opening again starts a new worker.
 */
import * as v from 'valibot';
import {
  checkLogName,
  storageError,
  type LogStorage,
  type StorageError,
  type StorageResult,
  type StorageUsage,
} from './log-storage';
import { OpfsResponse, OpfsValues, type OpfsCall } from './opfs-protocol';

type Values = typeof OpfsValues;
type ValueOf<Op extends keyof Values> = v.InferOutput<Values[Op]>;

interface Pending {
  /** Validates the answer's value against the op's schema, then resolves. */
  readonly value: (value: unknown) => void;
  readonly settle: (result: StorageResult<never>) => void;
  readonly fail: (error: Error) => void;
}

export interface OpfsLogStorageOptions {
  /** Directory under the OPFS root holding the logs; one directory, one storage. */
  readonly directory?: string;
}

export const DEFAULT_LOG_DIRECTORY = 'cairn-logs';

export class OpfsLogStorage implements LogStorage {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: StorageError | undefined;

  private constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.die(storageError('io', `the storage worker failed: ${event.message}`));
    });
    worker.addEventListener('messageerror', () =>
      this.die(storageError('io', 'the storage worker sent an unreadable message')),
    );
  }

  /** Starts the worker and opens the logs (recovering an interrupted replace). */
  static async open(options: OpfsLogStorageOptions = {}): Promise<StorageResult<OpfsLogStorage>> {
    if (typeof Worker === 'undefined') {
      return { ok: false, error: storageError('unavailable', 'no Web Workers here') };
    }
    const worker = new Worker(new URL('./opfs-worker.ts', import.meta.url), { type: 'module' });
    const storage = new OpfsLogStorage(worker);
    const opened = await storage.call('open', {
      op: 'open',
      directory: options.directory ?? DEFAULT_LOG_DIRECTORY,
    });
    if (!opened.ok) {
      worker.terminate();
      return opened;
    }
    return { ok: true, value: storage };
  }

  private die(error: StorageError): void {
    this.dead ??= error;
    for (const p of this.pending.values()) p.settle({ ok: false, error });
    this.pending.clear();
    this.worker.terminate();
  }

  private receive(data: unknown): void {
    const parsed = v.safeParse(OpfsResponse, data);
    if (!parsed.success) {
      this.die(storageError('io', 'the storage worker sent a malformed message'));
      return;
    }
    const response = parsed.output;
    const pending = this.pending.get(response.id);
    if (pending === undefined) return;
    this.pending.delete(response.id);
    if ('bug' in response) {
      pending.fail(new Error(`storage worker: ${response.bug}`));
    } else if (!response.ok) {
      pending.settle({ ok: false, error: response.error });
    } else {
      pending.value(response.value);
    }
  }

  private call<Op extends keyof Values>(
    op: Op,
    request: OpfsCall & { op: Op },
  ): Promise<StorageResult<ValueOf<Op>>> {
    if (this.dead !== undefined) return Promise.resolve({ ok: false, error: this.dead });
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        value: (value) => {
          const parsed = v.safeParse(OpfsValues[op], value);
          if (parsed.success) resolve({ ok: true, value: parsed.output });
          else reject(new Error(`storage worker: malformed ${op} answer`));
        },
        settle: resolve,
        fail: reject,
      });
      this.worker.postMessage({ ...request, id });
    });
  }

  list(): Promise<StorageResult<string[]>> {
    return this.call('list', { op: 'list' });
  }

  read(name: string): Promise<StorageResult<Uint8Array>> {
    checkLogName(name);
    return this.call('read', { op: 'read', name });
  }

  append(name: string, bytes: Uint8Array): Promise<StorageResult<number>> {
    checkLogName(name);
    return this.call('append', { op: 'append', name, bytes });
  }

  async truncate(name: string, length: number): Promise<StorageResult<void>> {
    checkLogName(name);
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`invalid truncate length ${length}`);
    }
    return voided(await this.call('truncate', { op: 'truncate', name, length }));
  }

  async replaceAtomically(name: string, bytes: Uint8Array): Promise<StorageResult<void>> {
    checkLogName(name);
    return voided(await this.call('replace', { op: 'replace', name, bytes }));
  }

  async remove(name: string): Promise<StorageResult<void>> {
    checkLogName(name);
    return voided(await this.call('remove', { op: 'remove', name }));
  }

  usage(): Promise<StorageResult<StorageUsage>> {
    return this.call('usage', { op: 'usage' });
  }

  async close(): Promise<void> {
    if (this.dead !== undefined) return;
    await this.call('close', { op: 'close' });
    this.die(storageError('closed', 'storage is closed'));
  }
}

const voided = (r: StorageResult<null>): StorageResult<void> =>
  r.ok ? { ok: true, value: undefined } : r;
