import { afterAll } from 'vitest';
import { runLogStorageContract } from '../../../testkit/src/contracts/log-storage';
import { OpfsLogStorage } from '../../src/storage/opfs-log-storage';

let counter = 0;
const directories: string[] = [];

async function openIn(directory: string): Promise<OpfsLogStorage> {
  const opened = await OpfsLogStorage.open({ directory });
  if (!opened.ok) throw new Error(`OPFS storage did not open: ${opened.error.code}`);
  return opened.value;
}

runLogStorageContract('OpfsLogStorage (Chromium)', async () => {
  const directory = `contract-${Date.now()}-${counter++}`;
  directories.push(directory);
  const storage = await openIn(directory);
  return {
    storage,
    reopen: async () => {
      await storage.close();
      return openIn(directory);
    },
  };
});

afterAll(async () => {
  const root = await navigator.storage.getDirectory();
  for (const d of directories) await root.removeEntry(d, { recursive: true });
});
