/**
 * Sync in the browser: IndexedDB for its state, the browser's WebSocket and
 * fetch, the device's keys from IndexedDB, and the window's `online`/`offline`
 * events. `openBrowserSync` builds the replica, the document store around its
 * outbox, and the engine, in that order. Exposes what the UI needs
 * (`SyncControls`): the status as a SyncState and the Settings opt-in. Nothing
 * here waits on the network before returning to the UI.
 */
import type { Outcome, SyncControls, SyncSettingsView, SyncState } from '../app/types';
import type { Device } from '../device/device';
import type { RecordSink } from '../storage/document-store';
import type { LogStorage } from '../storage/log-storage';
import { SyncEngine } from './engine/engine';
import type { SyncStatus } from './engine/status';
import type { SyncStore } from '../storage/sync-state';
import { openReplica } from './replica/open-replica';
import type { ReplicaDocuments, SyncProblem } from './replica/ports';
import type { Replica } from './replica/replica';
import { browserSocket } from './socket';
import { normaliseRelayUrl } from '../device/relay-address';

/** The engine's status in the UI's terms ("Local only" when sync is off). */
export function syncStateOf(status: SyncStatus): SyncState {
  switch (status.kind) {
    case 'off':
      return { kind: 'local' };
    case 'offline':
      return { kind: 'offline', queued: status.queued };
    case 'syncing':
      return { kind: 'syncing', done: status.done, total: status.total };
    case 'synced':
      return { kind: 'synced' };
    case 'refused':
      return { kind: 'refused', reason: status.reason, message: status.message };
  }
}

function describe(p: SyncProblem): string {
  switch (p.kind) {
    case 'record':
      return `sync: event ${p.seq} of ${p.doc} was not applied (${p.code})`;
    case 'dropped':
      return `sync: a ${p.doc} record was refused by the relay (${p.code}: ${p.message})`;
    case 'storage':
      return `sync: local storage failed (${p.message})`;
  }
}

/**
 * The document store and browser sync of this device: the replica's outbox is
 * the store's record sink, so it is made first and handed to `documents`.
 */
export function openBrowserSync<S extends ReplicaDocuments>(options: {
  kMaster: Uint8Array;
  documentNames: readonly string[];
  logs: Pick<LogStorage, 'read'>;
  documents: (sink: RecordSink) => S;
  /** The one `cairn-sync` database of this page (its relay state; the account is the device's). */
  store: SyncStore;
  device: Device;
}): { documents: S; sync: BrowserSync } {
  const { documents, replica } = openReplica({
    ...options,
    onProblem: (p) => console.warn(describe(p)),
  });
  return { documents, sync: new BrowserSync(replica, options.device) };
}

export class BrowserSync implements SyncControls {
  readonly engine: SyncEngine;
  private stateCache: { status: SyncStatus; state: SyncState } | undefined;
  private readonly onOnline = (): void => this.engine.setNetwork(true);
  private readonly onOffline = (): void => this.engine.setNetwork(false);

  constructor(replica: Replica, device: Device) {
    this.engine = new SyncEngine({
      replica,
      settings: device.accountRecord,
      identity: () => device.identity(),
      connect: browserSocket,
      fetch: (url, init) => fetch(url, init),
      online: navigator.onLine,
    });
  }

  /** Loads the saved choice and, if sync is on, starts it in the background. */
  async start(): Promise<void> {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    const started = await this.engine.start();
    if (!started.ok) console.warn(`sync could not start: ${started.error.message}`);
  }

  async stop(): Promise<void> {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    await this.engine.stop();
  }

  // ── SyncControls ────────────────────────────────────────────────────────

  readonly subscribe = (listener: () => void): (() => void) =>
    this.engine.status.subscribe(listener);

  readonly state = (): SyncState => {
    const status = this.engine.status.get();
    if (this.stateCache?.status !== status)
      this.stateCache = { status, state: syncStateOf(status) };
    return this.stateCache.state;
  };

  readonly settings = (): SyncSettingsView => {
    const s = this.engine.settings;
    return { enabled: s?.enabled ?? false, relayUrl: s?.relayUrl ?? window.location.origin };
  };

  async setEnabled(enabled: boolean, relayUrl: string): Promise<Outcome> {
    if (enabled && normaliseRelayUrl(relayUrl) === undefined) {
      return {
        ok: false,
        message: 'Enter the relay’s address, starting with https:// or http://.',
      };
    }
    const done = enabled ? await this.engine.enable(relayUrl) : await this.engine.disable();
    if (done.ok) return { ok: true };
    return { ok: false, message: `The setting could not be saved: ${done.error.message}` };
  }
}
