/**
 * Opens the app on this device: Automerge's WASM and the crypto core, K_master from
 * IndexedDB (created on first launch), the OPFS logs in their worker, then every document
 * from its log. Nothing here needs the network.
 */
import { ready, sha256, toHex } from '@cairn/shared';
import { DOC_NAMES } from '../domain';
import { Device } from '../device/device';
import { OpfsLogStorage, loadOrCreateMasterKey, wipeLocalData } from '../storage';
import { idbKeyVault } from '../storage/idb/keys';
import { IdbSyncStore } from '../storage/idb/sync-database';
import { BrowserRecovery } from '../recovery/browser';
import { openBrowserSync } from '../sync/browser';
import { initAutomerge } from './automerge';
import { DOCUMENTS_LOADED_MARK, STORE_READY_MARK, markOnce } from './marks';
import { Controller } from './controller';
import { createStore } from './store';
import type { AppModel } from './model';
import type { NavigatorLike } from '../device/label';

const TICK_MS = 60_000;

let opened: Promise<AppModel> | undefined;

/** What only the page knows, handed in by main.tsx (app/ touches no browser global). */
export interface PageFacts {
  readonly navigator: NavigatorLike;
}

async function open(page: PageFacts): Promise<AppModel> {
  // Independent of each other, so started together: compiling the WASM, reading
  // the key from IndexedDB and starting the storage worker overlap.
  const [, key, storage, deviceKeys] = await Promise.all([
    Promise.all([initAutomerge(), ready()]),
    loadOrCreateMasterKey(),
    OpfsLogStorage.open(),
    // Its public key names this device in the clocks of its edits (domain/clock.ts).
    idbKeyVault.loadOrCreateDeviceKeys(),
  ]);
  if (!key.ok) throw new Error(`the device key could not be opened (${key.error.message})`);
  if (!storage.ok) throw new Error(`local storage could not be opened (${storage.error.message})`);
  markOnce(STORE_READY_MARK);
  // The one connection to `cairn-sync`: the device keeps its account record
  // there, the replica its relay state.
  const syncDatabase = new IdbSyncStore();
  const device = new Device({
    kMaster: key.value.kMaster,
    vault: idbKeyVault,
    accounts: syncDatabase,
    logs: storage.value,
    navigator: page.navigator,
  });
  // Sync's outbox is the store's record sink: it is made first, then the store around it.
  const { documents: store, sync } = openBrowserSync({
    kMaster: key.value.kMaster,
    documentNames: DOC_NAMES,
    logs: storage.value,
    store: syncDatabase,
    device,
    documents: (sink) =>
      createStore(
        storage.value,
        key.value.kMaster,
        ({ doc, error }) => console.warn(`compaction of ${doc} failed: ${error.code}`),
        sink,
      ),
  });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(`local data could not be read (${loaded.error.message})`);
  markOnce(DOCUMENTS_LOADED_MARK);
  // In the background: the app opens without waiting for the sync state or the network.
  sync.start().catch((e: unknown) => console.error('sync failed to start', e));
  const recovery = new BrowserRecovery({ sync, device });
  recovery.start().catch((e: unknown) => console.error('recovery state failed to load', e));
  if (!deviceKeys.ok) {
    throw new Error(`the device keys could not be opened (${deviceKeys.error.message})`);
  }
  const controller = new Controller({
    store,
    device: {
      node: toHex(sha256(deviceKeys.value.ed25519.publicKey)).slice(0, 16),
      label: device.label(),
    },
    reports: loaded.value,
    sync,
    recovery,
    wipe: async () => {
      await sync.stop();
      const r = await wipeLocalData({ storages: [storage.value] });
      return r.ok ? { ok: true } : { ok: false, message: `Wiping failed: ${r.error.message}` };
    },
  });
  const scheduled = await controller.schedule();
  if (!scheduled.ok) console.warn(`today's check-ins were not prepared: ${scheduled.message}`);
  setInterval(() => void controller.tick(), TICK_MS);
  return controller;
}

/** Opens once, however many times it is called (React may mount twice in development). */
export function openApp(page: PageFacts): Promise<AppModel> {
  opened ??= open(page);
  return opened;
}
