/**
 * The composition root: the one place that builds this device's app, in
 * order, with nothing bound late. Automerge's WASM, the crypto core, K_master
 * (created on first launch) and the OPFS logs start together; then the one
 * `cairn-sync` connection, the device over it, the replica whose outbox is
 * the document store's record sink, the store, the engine, the adopt use
 * case, recovery, pairing and the devices list, and the controller the UI
 * sees. First paint waits on the documents only; nothing here needs the
 * network, and sync, recovery and the account record load in the background.
 */
import { ready, sha256, toHex } from '@cairn/shared';
import { Controller } from '../app/controller';
import { DOCUMENTS_LOADED_MARK, STORE_READY_MARK, markOnce } from '../app/marks';
import type { AppModel } from '../app/model';
import { createStore } from '../app/store';
import { Device } from '../device/device';
import { DOC_NAMES } from '../domain';
import { RecoveryService } from '../recovery/recovery-service';
import { OpfsLogStorage, loadOrCreateMasterKey, wipeLocalData } from '../storage';
import { idbKeyVault } from '../storage/idb/keys';
import { idbRecoveryState } from '../storage/idb/recovery-state';
import { IdbSyncStore } from '../storage/idb/sync-database';
import { SyncEngine } from '../sync/engine/engine';
import { openReplica } from '../sync/replica/open-replica';
import { adopter } from './adopt';
import { initAutomerge } from '../app/automerge';
import type { BrowserPage } from './browser';
import { EngineControls, describeSyncProblem, devicesControls, pairingControls } from './controls';

const TICK_MS = 60_000;

let opened: Promise<AppModel> | undefined;

async function open(page: BrowserPage): Promise<AppModel> {
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
  const logs = storage.value;
  // The one connection to `cairn-sync`: the device keeps the account record
  // there, the replica its relay state (cursors, queue, known ids).
  const syncDatabase = new IdbSyncStore();
  const device = new Device({
    kMaster: key.value.kMaster,
    vault: idbKeyVault,
    accounts: syncDatabase,
    logs,
    navigator: page.navigator,
  });
  // The replica's outbox is the store's record sink: it is made first, the store around it.
  const { documents: store, replica } = openReplica({
    kMaster: key.value.kMaster,
    documentNames: DOC_NAMES,
    logs,
    store: syncDatabase,
    documents: (sink) =>
      createStore(
        logs,
        key.value.kMaster,
        ({ doc, error }) => console.warn(`compaction of ${doc} failed: ${error.code}`),
        sink,
      ),
    onProblem: (p) => console.warn(describeSyncProblem(p)),
  });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(`local data could not be read (${loaded.error.message})`);
  markOnce(DOCUMENTS_LOADED_MARK);

  const engine = new SyncEngine({
    replica,
    settings: device.accountRecord,
    identity: () => device.identity(),
    connect: page.connect,
    fetch: page.fetch,
    online: page.network.get(),
  });
  page.network.subscribe((up) => engine.setNetwork(up));
  // In the background: the app opens without waiting for the sync state or the network.
  engine.start().then(
    (started) => {
      if (!started.ok) console.warn(`sync could not start: ${started.error.message}`);
    },
    (e: unknown) => console.error('sync failed to start', e),
  );
  const adopt = adopter({ stopSync: () => engine.stop(), device });
  const recovery = new RecoveryService({
    device,
    state: idbRecoveryState,
    fetch: (url, init) => page.fetch(url, { ...init, cache: 'no-store' }),
    adopt,
    onSynced: (listener) =>
      engine.status.subscribe((status) => {
        if (status.kind === 'synced') listener();
      }),
    defaultRelayUrl: page.origin,
  });
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
    sync: new EngineControls(engine, page.origin),
    recovery,
    pairing: pairingControls({
      device,
      adopt,
      connect: page.connect,
      fetch: page.fetch,
      origin: page.origin,
    }),
    devices: devicesControls({ device, connect: page.connect }),
    shell: page.shell,
    wipe: async () => {
      await engine.stop();
      const r = await wipeLocalData({ storages: [logs] });
      return r.ok ? { ok: true } : { ok: false, message: `Wiping failed: ${r.error.message}` };
    },
  });
  const scheduled = await controller.schedule();
  if (!scheduled.ok) console.warn(`today's check-ins were not prepared: ${scheduled.message}`);
  setInterval(() => void controller.tick(), TICK_MS);
  return controller;
}

/** Opens once, however many times it is called (React may mount twice in development). */
export function openApp(page: BrowserPage): Promise<AppModel> {
  opened ??= open(page);
  return opened;
}
