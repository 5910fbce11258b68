/**
 * The sync store in IndexedDB (browser only).
 *
 * Database `cairn-sync` (version 1), object stores:
 *   settings  key "settings"  → SyncSettings
 *   cursors   key stream id (base64) → seq (number)
 *   queue     autoIncrement key `key` → QueueEntry (index `eventId`, unique)
 *   known     key event id (base64) → 1
 * Enqueuing checks `known` and writes both stores in one transaction, so a
 * record is queued at most once however often it is offered. Values read back
 * are validated (a database is input like any other). Nothing here is secret:
 * the queue holds sealed records, the same bytes the relay stores.
 *
 * The connection closes itself when another connection wants to delete or
 * upgrade the database (Settings → wipe), and reopens on the next call.
 */
import { err, ok } from '@cairn/shared';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as v from 'valibot';
import {
  QueueEntry,
  SyncSettings,
  type NewQueueEntry,
  type SyncStore,
  type SyncStoreResult,
} from '../sync-state';

export const SYNC_DATABASE = 'cairn-sync';
const SETTINGS_KEY = 'settings';

interface SyncSchema extends DBSchema {
  settings: { key: string; value: unknown };
  cursors: { key: string; value: unknown };
  queue: { key: number; value: unknown; indexes: { eventId: string } };
  known: { key: string; value: 1 };
}

type Db = IDBPDatabase<SyncSchema>;

const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

export class IdbSyncStore implements SyncStore {
  private db: Promise<Db> | undefined;
  private closed = false;

  constructor(private readonly name: string = SYNC_DATABASE) {}

  private open(): Promise<Db> {
    this.db ??= openDB<SyncSchema>(this.name, 1, {
      upgrade(database) {
        database.createObjectStore('settings');
        database.createObjectStore('cursors');
        const queue = database.createObjectStore('queue', { keyPath: 'key', autoIncrement: true });
        queue.createIndex('eventId', 'eventId', { unique: true });
        database.createObjectStore('known');
      },
      blocking: () => this.drop(),
      terminated: () => {
        this.db = undefined;
      },
    });
    return this.db;
  }

  private drop(): void {
    const db = this.db;
    this.db = undefined;
    db?.then(
      (d) => d.close(),
      () => undefined,
    );
  }

  /** Runs `f` on an open database; platform failures become values, bugs propagate. */
  private async run<T>(what: string, f: (db: Db) => Promise<T>): Promise<SyncStoreResult<T>> {
    if (this.closed) return err({ code: 'closed', message: 'sync store closed' });
    if (typeof indexedDB === 'undefined') return err({ code: 'io', message: 'no IndexedDB' });
    try {
      return ok(await f(await this.open()));
    } catch (e) {
      if (!(e instanceof DOMException)) throw e;
      if (e.name === 'InvalidStateError') this.db = undefined;
      const code = e.name === 'QuotaExceededError' ? 'quota' : 'io';
      return err({ code, message: `${what}: ${e.name}` });
    }
  }

  loadSettings(): Promise<SyncStoreResult<SyncSettings | undefined>> {
    return this.run('load settings', async (db) => {
      const raw = await db.get('settings', SETTINGS_KEY);
      if (raw === undefined) return undefined;
      const parsed = v.safeParse(SyncSettings, raw);
      // Unreadable settings are treated as none: sync is off until turned on again.
      return parsed.success ? parsed.output : undefined;
    });
  }

  saveSettings(settings: SyncSettings): Promise<SyncStoreResult<void>> {
    return this.run('save settings', async (db) => {
      await db.put('settings', { ...settings }, SETTINGS_KEY);
    });
  }

  cursors(): Promise<SyncStoreResult<Map<string, number>>> {
    return this.run('read cursors', async (db) => {
      const tx = db.transaction('cursors');
      const out = new Map<string, number>();
      for (let c = await tx.store.openCursor(); c !== null; c = await c.continue()) {
        const seq = v.safeParse(Seq, c.value);
        if (seq.success) out.set(c.key, seq.output);
      }
      await tx.done;
      return out;
    });
  }

  setCursors(cursors: ReadonlyMap<string, number>): Promise<SyncStoreResult<void>> {
    return this.run('write cursors', async (db) => {
      const tx = db.transaction('cursors', 'readwrite');
      await Promise.all([...cursors].map(([stream, seq]) => tx.store.put(seq, stream)));
      await tx.done;
    });
  }

  enqueue(entries: readonly NewQueueEntry[]): Promise<SyncStoreResult<number>> {
    return this.run('enqueue', async (db) => {
      if (entries.length === 0) return 0;
      const tx = db.transaction(['queue', 'known'], 'readwrite');
      const queue = tx.objectStore('queue');
      const known = tx.objectStore('known');
      let added = 0;
      for (const e of entries) {
        if ((await known.getKey(e.eventId)) !== undefined) continue;
        await known.put(1, e.eventId);
        // Inside one transaction, keys are assigned in call order.
        await queue.add({ ...e });
        added += 1;
      }
      await tx.done;
      return added;
    });
  }

  peek(limit: number): Promise<SyncStoreResult<QueueEntry[]>> {
    return this.run('read queue', async (db) => {
      const rows = await db.getAll('queue', undefined, limit);
      return rows.flatMap((row) => {
        const parsed = v.safeParse(QueueEntry, row);
        return parsed.success ? [parsed.output] : [];
      });
    });
  }

  remove(keys: readonly number[]): Promise<SyncStoreResult<void>> {
    return this.run('remove from queue', async (db) => {
      const tx = db.transaction('queue', 'readwrite');
      await Promise.all(keys.map((k) => tx.store.delete(k)));
      await tx.done;
    });
  }

  update(entry: QueueEntry): Promise<SyncStoreResult<void>> {
    return this.run('update queue', async (db) => {
      const tx = db.transaction('queue', 'readwrite');
      if ((await tx.store.getKey(entry.key)) !== undefined) await tx.store.put({ ...entry });
      await tx.done;
    });
  }

  count(): Promise<SyncStoreResult<number>> {
    return this.run('count queue', (db) => db.count('queue'));
  }

  markKnown(eventIds: readonly string[]): Promise<SyncStoreResult<void>> {
    return this.run('mark known', async (db) => {
      const tx = db.transaction('known', 'readwrite');
      await Promise.all(eventIds.map((id) => tx.store.put(1, id)));
      await tx.done;
    });
  }

  unknown(eventIds: readonly string[]): Promise<SyncStoreResult<string[]>> {
    return this.run('read known', async (db) => {
      const tx = db.transaction('known');
      const present = await Promise.all(eventIds.map((id) => tx.store.getKey(id)));
      await tx.done;
      return eventIds.filter((_, i) => present[i] === undefined);
    });
  }

  retainKnown(keep: ReadonlySet<string>): Promise<SyncStoreResult<void>> {
    return this.run('prune known', async (db) => {
      const tx = db.transaction(['known', 'queue'], 'readwrite');
      const queued = new Set<string>();
      const byId = tx.objectStore('queue').index('eventId');
      for (let c = await byId.openKeyCursor(); c !== null; c = await c.continue())
        queued.add(c.key);
      const known = tx.objectStore('known');
      for (let c = await known.openKeyCursor(); c !== null; c = await c.continue()) {
        if (!keep.has(c.key) && !queued.has(c.key)) await known.delete(c.key);
      }
      await tx.done;
    });
  }

  resetRelayState(): Promise<SyncStoreResult<void>> {
    return this.run('reset', async (db) => {
      const tx = db.transaction(['cursors', 'queue', 'known'], 'readwrite');
      await Promise.all([
        tx.objectStore('cursors').clear(),
        tx.objectStore('queue').clear(),
        tx.objectStore('known').clear(),
      ]);
      await tx.done;
    });
  }

  close(): void {
    this.closed = true;
    this.drop();
  }
}
