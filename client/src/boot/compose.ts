/**
 * The composition root: the one place that builds this device's app, in
 * order, with nothing bound late. Automerge's WASM, the crypto core, K_master
 * (created on first launch) and the device keys load together; then the tab
 * opens (storage/tabs): it follows the tab that leads, or leads itself.
 *
 * Only the leading tab opens the OPFS logs, the document store over them,
 * the replica whose outbox is the store's record sink, and the sync engine
 * (`lead` below); a following tab reads and writes the documents through it
 * and sees its sync status. Whichever tab it is, the app gets one store
 * (`tab.store`), one sync control, one adopt and one wipe, and a tab that
 * takes the lead later (the leader closed) switches them to its own parts.
 * Then the device, recovery, pairing and the devices list, and the
 * controller the UI sees. On a returning device first paint waits on the
 * documents only; on a first visit it waits on nothing here (main.tsx shows
 * onboarding while this module, a chunk of its own, loads and runs). Nothing
 * here needs the relay.
 */
import { err, ok, ready, sha256, toHex } from '@cairn/shared';
import * as v from 'valibot';
import { Controller } from '../app/controller';
import { DOCUMENTS_LOADED_MARK, STORE_READY_MARK, markOnce } from '../app/marks';
import type { AppModel } from '../app/model';
import type { LoadReports } from '../app/problems';
import { createStore, type AppDocs } from '../app/store';
import type { Outcome } from '../app/types';
import { Device, type Adopt } from '../device/device';
import { DOC_NAMES } from '../domain';
import { RecoveryService } from '../recovery/recovery-service';
import {
  OpfsLogStorage,
  loadOrCreateMasterKey,
  wipeLocalData,
  type LogStorage,
  type StorageResult,
} from '../storage';
import { idbKeyVault } from '../storage/idb/keys';
import { idbRecoveryState } from '../storage/idb/recovery-state';
import { IdbSyncStore } from '../storage/idb/sync-database';
import { Tab, type LeaderHub, type Leading } from '../storage/tabs';
import { SyncEngine } from '../sync/engine/engine';
import { openReplica } from '../sync/replica/open-replica';
import { adopter } from './adopt';
import { initAutomerge } from '../app/automerge';
import type { BrowserPage } from './browser';
import { EngineControls, describeSyncProblem, devicesControls, pairingControls } from './controls';
import {
  OutcomeSchema,
  SET_SYNC,
  SYNC_STATE,
  SetSyncArg,
  TabSyncControls,
  publishedSync,
} from './tab-sync';

const TICK_MS = 60_000;
/** A tab taking over retries opening the logs while the closed leader's worker lets go of them. */
const TAKEOVER_RETRY_MS = [25, 50, 100, 200, 400, 800, 1600, 3200];
/** A leader that ran a follower's adopt or wipe reloads after answering it. */
const RELOAD_AFTER_ANSWER_MS = 200;

/** Calls a follower makes of the leader, by name (storage/tabs/protocol.ts `call`). */
const ADOPTING = 'account.adopting';
const ADOPTED = 'account.adopted';
const LOGS_LIST = 'logs.list';
const LOGS_REMOVE = 'logs.remove';
const WIPE = 'wipe';

const Names = v.array(v.string());

/** What only the leading tab has open. */
interface LeaderParts {
  readonly logs: LogStorage;
  readonly engine: SyncEngine;
  hub?: LeaderHub<AppDocs>;
}

let opened: Promise<AppModel> | undefined;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The OPFS logs; while a closed leader's worker still holds them (`locked`), tried again. */
async function openLogs(): Promise<OpfsLogStorage> {
  for (const wait of [...TAKEOVER_RETRY_MS, undefined]) {
    const opened = await OpfsLogStorage.open();
    if (opened.ok) return opened.value;
    if (opened.error.code !== 'locked' || wait === undefined) {
      throw new Error(`local storage could not be opened (${opened.error.message})`);
    }
    await sleep(wait);
  }
  throw new Error('unreachable');
}

async function open(page: BrowserPage, automergeWasm?: Promise<Response>): Promise<AppModel> {
  // Independent of each other, so started together.
  const [, key, deviceKeys] = await Promise.all([
    Promise.all([initAutomerge(automergeWasm), ready()]),
    loadOrCreateMasterKey(),
    // Its public key names this device in the clocks of its edits (domain/clock.ts).
    idbKeyVault.loadOrCreateDeviceKeys(),
  ]);
  if (!key.ok) throw new Error(`the device key could not be opened (${key.error.message})`);
  if (!deviceKeys.ok) {
    throw new Error(`the device keys could not be opened (${deviceKeys.error.message})`);
  }
  // The one connection to `cairn-sync`: the device keeps the account record
  // there, the leader's replica its relay state (cursors, queue, known ids).
  const syncDatabase = new IdbSyncStore();
  let leader: LeaderParts | undefined;
  let reports: LoadReports = [];

  const tab = new Tab<AppDocs>({
    channel: page.tabs.channel,
    lock: page.tabs.lock,
    self: page.tabs.id,
    documentNames: DOC_NAMES,
    onReload: page.shell.reload,
    lead: () => lead(),
  });
  const sync = new TabSyncControls(tab.follower, page.origin);
  const call = (name: string, arg: unknown): Promise<unknown> => tab.follower.call(name, arg);

  // The logs as the device's adopt sees them: the leader's, here or through it.
  const logs: Pick<LogStorage, 'list' | 'remove'> = {
    list: async (): Promise<StorageResult<string[]>> => {
      if (leader !== undefined) return leader.logs.list();
      const names = v.safeParse(Names, await call(LOGS_LIST, null));
      return names.success ? ok(names.output) : err(notAnswered);
    },
    remove: async (name): Promise<StorageResult<void>> => {
      if (leader !== undefined) return leader.logs.remove(name);
      const done = v.safeParse(OutcomeSchema, await call(LOGS_REMOVE, name));
      return done.success && done.output.ok ? ok(undefined) : err(notAnswered);
    },
  };
  const device = new Device({
    kMaster: key.value.kMaster,
    vault: idbKeyVault,
    accounts: syncDatabase,
    logs,
    navigator: page.navigator,
  });

  /**
   * Adopting an account from any tab: the leader stops sync and takes no more
   * writes, this tab's device adopts (K_master, the logs through the leader,
   * the account record), then every other tab reloads; this one reloads once
   * its user has read the outcome (pairing and recovery do that).
   */
  const adopt: Adopt = async (account) => {
    const here = leader;
    if (here !== undefined) {
      here.hub?.closeWrites();
      const done = await adopter({ stopSync: () => here.engine.stop(), device })(account);
      here.hub?.reloadAll();
      return done;
    }
    await call(ADOPTING, null);
    const done = await device.adopt(account);
    await call(ADOPTED, null);
    return done;
  };

  /** Wiping runs where the logs are open: here when leading, else on the leader. */
  async function wipeHere(): Promise<Outcome> {
    const here = leader;
    if (here === undefined) return { ok: false, message: 'Wiping failed: reload and try again.' };
    here.hub?.closeWrites();
    await here.engine.stop();
    const r = await wipeLocalData({ storages: [here.logs] });
    return r.ok ? { ok: true } : { ok: false, message: `Wiping failed: ${r.error.message}` };
  }

  const wipe = async (): Promise<Outcome> => {
    if (leader !== undefined) {
      const done = await wipeHere();
      leader.hub?.reloadAll();
      return done;
    }
    const done = v.safeParse(OutcomeSchema, await call(WIPE, null));
    return done.success
      ? done.output
      : { ok: false, message: 'Wiping failed: reload and try again.' };
  };

  /** This tab takes the lead: the logs, the store, the replica and the engine open here. */
  async function lead(): Promise<Leading<AppDocs>> {
    // Read again, not the one read at start: an account adopted since replaced it.
    const [current, opfs] = await Promise.all([loadOrCreateMasterKey(), openLogs()]);
    if (!current.ok)
      throw new Error(`the device key could not be opened (${current.error.message})`);
    const kMaster = current.value.kMaster;
    markOnce(STORE_READY_MARK);
    // The replica's outbox is the store's record sink: it is made first, the store around it.
    const { documents: store, replica } = openReplica({
      kMaster,
      documentNames: DOC_NAMES,
      logs: opfs,
      store: syncDatabase,
      documents: (sink) =>
        createStore(
          opfs,
          kMaster,
          ({ doc, error }) => console.warn(`compaction of ${doc} failed: ${error.code}`),
          sink,
        ),
      onProblem: (p) => console.warn(describeSyncProblem(p)),
    });
    const loaded = await store.load();
    if (!loaded.ok) throw new Error(`local data could not be read (${loaded.error.message})`);
    reports = loaded.value;

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
    const controls = new EngineControls(engine, page.origin);
    const parts: LeaderParts = { logs: opfs, engine };
    leader = parts;
    sync.lead(controls);
    const reloadSoon = (): void => {
      setTimeout(page.shell.reload, RELOAD_AFTER_ANSWER_MS);
    };
    return {
      store,
      calls: {
        [SET_SYNC]: async (arg) => {
          const set = v.safeParse(SetSyncArg, arg);
          if (!set.success) return { ok: false, message: 'The setting could not be read.' };
          const done = await controls.setEnabled(set.output.enabled, set.output.relayUrl);
          parts.hub?.publish(SYNC_STATE, publishedSync(controls));
          return done;
        },
        [ADOPTING]: async () => {
          parts.hub?.closeWrites();
          await engine.stop();
          return null;
        },
        [ADOPTED]: (_arg, from) => {
          parts.hub?.reloadAll(from);
          reloadSoon();
          return Promise.resolve(null);
        },
        [LOGS_LIST]: async () => {
          const names = await opfs.list();
          return names.ok ? names.value : null;
        },
        [LOGS_REMOVE]: async (name) => {
          if (typeof name !== 'string') return { ok: false, message: 'no such log' };
          const removed = await opfs.remove(name);
          return removed.ok ? { ok: true } : { ok: false, message: removed.error.message };
        },
        [WIPE]: async (_arg, from) => {
          const done = await wipeHere();
          parts.hub?.reloadAll(from);
          reloadSoon();
          return done;
        },
      },
      started: (hub) => {
        parts.hub = hub;
        const publish = (): void => hub.publish(SYNC_STATE, publishedSync(controls));
        publish();
        controls.subscribe(publish);
      },
    };
  }

  await tab.open();
  markOnce(DOCUMENTS_LOADED_MARK);
  // A leader that fails to open (the logs stay locked) leaves a follower as it was.
  tab.whenLeading().catch((e: unknown) => console.error('this tab could not take the lead', e));

  const recovery = new RecoveryService({
    device,
    state: idbRecoveryState,
    fetch: (url, init) => page.fetch(url, { ...init, cache: 'no-store' }),
    adopt,
    onSynced: (listener) =>
      sync.subscribe(() => {
        if (sync.state().kind === 'synced') listener();
      }),
    defaultRelayUrl: page.origin,
  });
  recovery.start().catch((e: unknown) => console.error('recovery state failed to load', e));
  const controller = new Controller({
    store: tab.store,
    device: {
      node: toHex(sha256(deviceKeys.value.ed25519.publicKey)).slice(0, 16),
      label: device.label(),
    },
    reports,
    sync,
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
    wipe,
  });
  const scheduled = await controller.schedule();
  if (!scheduled.ok) console.warn(`today's check-ins were not prepared: ${scheduled.message}`);
  setInterval(() => void controller.tick(), TICK_MS);
  return controller;
}

const notAnswered = {
  code: 'io',
  message: 'the tab that holds the logs did not answer',
} as const;

/**
 * Opens once, however many times it is called (React may mount twice in development).
 * `automergeWasm`: Automerge's WASM, when the page has started fetching it already.
 */
export function openApp(page: BrowserPage, automergeWasm?: Promise<Response>): Promise<AppModel> {
  opened ??= open(page, automergeWasm);
  return opened;
}
