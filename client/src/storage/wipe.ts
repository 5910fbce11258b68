/**
 * Settings → wipe: removes everything this origin keeps for the user — every
 * IndexedDB database (keys, the sync queue) and every OPFS entry (the logs).
 * The app shell cached by the service worker stays, so the app still opens.
 *
 * Open storages must be passed in: an OPFS worker holding sync access handles
 * would otherwise keep its files locked. Error codes: `locked` (another tab
 * holds OPFS files open), `blocked` (another tab keeps a database open),
 * `unavailable`, `io`.
 */
/// <reference lib="dom.asynciterable" />
import { storageError, type LogStorage, type StorageResult } from './log-storage';

const DELETE_TIMEOUT_MS = 3000;

function deleteDatabase(name: string): Promise<StorageResult<void>> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    // A blocked delete still completes once other tabs close; we do not wait forever.
    const timer = setTimeout(
      () => resolve({ ok: false, error: storageError('blocked', `${name} is open elsewhere`) }),
      DELETE_TIMEOUT_MS,
    );
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve({ ok: true, value: undefined });
    };
    request.onerror = () => {
      clearTimeout(timer);
      resolve({ ok: false, error: storageError('io', `deleting ${name} failed`) });
    };
  });
}

async function wipeOpfs(): Promise<StorageResult<void>> {
  if (navigator.storage?.getDirectory === undefined) return { ok: true, value: undefined };
  try {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of root.keys()) names.push(name);
    for (const name of names) await root.removeEntry(name, { recursive: true });
    return { ok: true, value: undefined };
  } catch (e) {
    if (!(e instanceof DOMException)) throw e;
    const code = e.name === 'NoModificationAllowedError' ? 'locked' : 'io';
    return { ok: false, error: storageError(code, `clearing OPFS failed: ${e.name}`) };
  }
}

export async function wipeLocalData(
  options: { readonly storages?: readonly LogStorage[] } = {},
): Promise<StorageResult<void>> {
  if (typeof indexedDB === 'undefined' || typeof navigator === 'undefined') {
    return { ok: false, error: storageError('unavailable', 'no browser storage here') };
  }
  for (const s of options.storages ?? []) await s.close();
  const opfs = await wipeOpfs();
  if (!opfs.ok) return opfs;
  const databases = await indexedDB.databases();
  for (const { name } of databases) {
    if (name === undefined) continue;
    const deleted = await deleteDatabase(name);
    if (!deleted.ok) return deleted;
  }
  return { ok: true, value: undefined };
}
