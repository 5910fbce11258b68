/**
 * The sync store in memory, for tests and Node harness devices. A harness
 * "reload" keeps the same object, so its queue and cursors survive like the
 * browser's IndexedDB would. `failNext` injects one platform failure.
 */
import { ok, err } from '@cairn/shared';
import type {
  NewQueueEntry,
  QueueEntry,
  SyncSettings,
  SyncStore,
  SyncStoreError,
  SyncStoreResult,
} from '../storage/sync-state';

export class MemorySyncStore implements SyncStore {
  private settings: SyncSettings | undefined;
  private cursorMap = new Map<string, number>();
  private queue: QueueEntry[] = [];
  private known = new Set<string>();
  private nextKey = 1;
  private failure: SyncStoreError | undefined;
  private closed = false;

  /** The next call fails with this error (then calls succeed again). */
  failNext(code: SyncStoreError['code'] = 'io'): void {
    this.failure = { code, message: `injected ${code}` };
  }

  private run<T>(f: () => T): Promise<SyncStoreResult<T>> {
    if (this.closed) return Promise.resolve(err({ code: 'closed', message: 'store closed' }));
    const failure = this.failure;
    this.failure = undefined;
    return Promise.resolve(failure === undefined ? ok(f()) : err(failure));
  }

  loadSettings(): Promise<SyncStoreResult<SyncSettings | undefined>> {
    return this.run(() => (this.settings === undefined ? undefined : { ...this.settings }));
  }

  saveSettings(settings: SyncSettings): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      this.settings = { ...settings };
    });
  }

  cursors(): Promise<SyncStoreResult<Map<string, number>>> {
    return this.run(() => new Map(this.cursorMap));
  }

  setCursors(cursors: ReadonlyMap<string, number>): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      for (const [stream, seq] of cursors) this.cursorMap.set(stream, seq);
    });
  }

  enqueue(entries: readonly NewQueueEntry[]): Promise<SyncStoreResult<number>> {
    return this.run(() => {
      let added = 0;
      for (const e of entries) {
        if (this.known.has(e.eventId)) continue;
        this.known.add(e.eventId);
        this.queue.push({ ...e, key: this.nextKey++ });
        added += 1;
      }
      return added;
    });
  }

  peek(limit: number): Promise<SyncStoreResult<QueueEntry[]>> {
    return this.run(() => this.queue.slice(0, limit).map((e) => ({ ...e })));
  }

  remove(keys: readonly number[]): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      const gone = new Set(keys);
      this.queue = this.queue.filter((e) => !gone.has(e.key));
    });
  }

  update(entry: QueueEntry): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      const i = this.queue.findIndex((e) => e.key === entry.key);
      if (i >= 0) this.queue[i] = { ...entry };
    });
  }

  count(): Promise<SyncStoreResult<number>> {
    return this.run(() => this.queue.length);
  }

  markKnown(eventIds: readonly string[]): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      for (const id of eventIds) this.known.add(id);
    });
  }

  unknown(eventIds: readonly string[]): Promise<SyncStoreResult<string[]>> {
    return this.run(() => eventIds.filter((id) => !this.known.has(id)));
  }

  retainKnown(keep: ReadonlySet<string>): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      const queued = new Set(this.queue.map((e) => e.eventId));
      this.known = new Set([...this.known].filter((id) => keep.has(id) || queued.has(id)));
    });
  }

  resetRelayState(): Promise<SyncStoreResult<void>> {
    return this.run(() => {
      this.cursorMap.clear();
      this.queue = [];
      this.known.clear();
    });
  }

  close(): void {
    this.closed = true;
  }

  /** A closed store opened again (a harness device's reload). */
  reopen(): this {
    this.closed = false;
    return this;
  }
}
