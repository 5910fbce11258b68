import { afterAll } from 'vitest';
import { IdbSyncStore } from '../../src/storage/idb/sync-database';
import { runSyncStoreContract } from '../../../testkit/src/contracts/sync-store';

let counter = 0;
const names: string[] = [];

runSyncStoreContract('IndexedDB (Chromium)', () => {
  const name = `cairn-sync-contract-${Date.now()}-${counter++}`;
  names.push(name);
  const store = new IdbSyncStore(name);
  return Promise.resolve({
    store,
    reopen: () => {
      store.close();
      return Promise.resolve(new IdbSyncStore(name));
    },
  });
});

afterAll(async () => {
  for (const name of names) {
    await new Promise<void>((resolve) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = () => resolve();
      r.onerror = () => resolve();
      r.onblocked = () => resolve();
    });
  }
});
