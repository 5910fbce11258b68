/**
 * A harness device: Cairn without its browser. The app's own controller,
 * DocumentStore (with the app's five documents), sync replica and engine,
 * over in-memory logs (MemoryLogStorage), an in-memory sync store and Node's
 * `ws`, with the shared crypto core. Tests,
 * benchmarks and fault suites use it as "another device" of an account.
 *
 * It holds K_master and a device identity given by the caller, so it can join
 * an account whose other device is a browser (the caller adds its device to
 * the account on the relay) or be an account's first device (it registers).
 */
import { ok, sha256, toHex, type KeyPair } from '@cairn/shared';
import { WebSocket, type RawData } from 'ws';
import { Controller, type AppDocs, type AppDocumentStore } from '../../client/src/app/controller';
import { DOC_NAMES, initialDocument } from '../../client/src/domain';
import { DocumentStore, type CompactionPolicy } from '../../client/src/storage/document-store';
import { MemoryFiles, MemoryLogStorage } from '../../client/src/storage/memory-log-storage';
import { SyncEngine } from '../../client/src/sync/engine/engine';
import type { SyncStatus } from '../../client/src/sync/engine/status';
import { MemorySyncStore } from '../../client/src/sync/memory-sync-store';
import { openReplica } from '../../client/src/sync/replica/open-replica';
import type { SyncProblem } from '../../client/src/sync/replica/ports';
import type { Replica } from '../../client/src/sync/replica/replica';
import type { SocketFactory } from '../../client/src/lib/platform';

/** Node's `ws` as the engine's socket. */
export const nodeSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  let closed = false;
  const text = (data: RawData): string =>
    Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
  ws.on('open', () => handlers.open());
  ws.on('message', (data, isBinary) => {
    if (isBinary) handlers.binary();
    else handlers.message(text(data));
  });
  // An error (refused connection, reset) is followed by 'close', which reports it.
  ws.on('error', () => undefined);
  ws.on('close', (code, reason) => {
    if (closed) return;
    closed = true;
    handlers.close(code, reason.toString('utf8'));
  });
  return {
    send(t) {
      if (ws.readyState === WebSocket.OPEN) ws.send(t);
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
    },
  };
};

export interface HarnessIdentity {
  accountId: string;
  deviceId: string;
  signing: KeyPair;
  box: KeyPair;
  label: string;
}

export interface HarnessOptions {
  relayUrl: string;
  kMaster: Uint8Array;
  identity: HarnessIdentity;
  /** True when the relay knows this device already (added to the account); false: it registers. */
  registered: boolean;
  compaction?: Partial<CompactionPolicy>;
  now?: () => number;
  /** The device's disk and sync state, to reopen a device after a "reload". */
  files?: MemoryFiles;
  syncStore?: MemorySyncStore;
}

export class HarnessDevice {
  private constructor(
    readonly options: HarnessOptions,
    readonly files: MemoryFiles,
    readonly syncStore: MemorySyncStore,
    readonly store: AppDocumentStore,
    /** The app's own actions (createHabit, checkIn…), as the UI calls them. */
    readonly app: Controller,
    readonly replica: Replica,
    readonly engine: SyncEngine,
    /** What the engine reported (unreadable events, refused pushes). */
    readonly problems: SyncProblem[],
  ) {}

  /** Opens the device (its storage, documents and sync state); sync starts if it was on. */
  static async open(options: HarnessOptions): Promise<HarnessDevice> {
    const files = options.files ?? new MemoryFiles();
    const storage = await MemoryLogStorage.open(files);
    const syncStore = (options.syncStore ?? new MemorySyncStore()).reopen();
    const problems: SyncProblem[] = [];
    // The replica's outbox is the store's record sink: made first, the store built around it.
    const { documents: store, replica } = openReplica({
      kMaster: options.kMaster,
      documentNames: DOC_NAMES,
      store: syncStore,
      logs: storage,
      onProblem: (p) => problems.push(p),
      documents: (sink): AppDocumentStore =>
        new DocumentStore<AppDocs>({
          storage,
          kMaster: options.kMaster,
          documents: {
            profile: () => initialDocument('profile'),
            categories: () => initialDocument('categories'),
            templates: () => initialDocument('templates'),
            observations: () => initialDocument('observations'),
            oneOffs: () => initialDocument('oneOffs'),
          },
          ...(options.compaction === undefined ? {} : { compaction: options.compaction }),
          sink,
          onBackgroundError: ({ doc, error }) => {
            throw new Error(`compaction of ${doc} failed: ${error.message}`);
          },
        }),
    });
    const loaded = await store.load();
    if (!loaded.ok) throw new Error(`harness storage failed: ${loaded.error.message}`);
    const { identity } = options;
    const engine = new SyncEngine({
      replica,
      settings: syncStore,
      identity: () =>
        Promise.resolve(
          ok({
            signing: identity.signing,
            boxPublicKey: identity.box.publicKey,
            label: identity.label,
          }),
        ),
      connect: nodeSocket,
      fetch: (url, init) => fetch(url, init),
    });
    const app = new Controller({
      store,
      // Named like a browser device: its signing key names it in its edits' clocks.
      device: {
        node: toHex(sha256(identity.signing.publicKey)).slice(0, 16),
        label: identity.label,
      },
      reports: loaded.value,
      wipe: () => Promise.resolve({ ok: false, message: 'a harness device is not wiped' }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    const started = await engine.start();
    if (!started.ok) throw new Error(`harness sync store failed: ${started.error.message}`);
    return new HarnessDevice(options, files, syncStore, store, app, replica, engine, problems);
  }

  get status(): SyncStatus {
    return this.engine.status.get();
  }

  /** Turns sync on with the device's account and device ids. */
  async enableSync(): Promise<void> {
    const { accountId, deviceId } = this.options.identity;
    const r = await this.engine.enable(this.options.relayUrl, {
      accountId,
      deviceId,
      registered: this.options.registered,
    });
    if (!r.ok) throw new Error(`enabling sync failed: ${r.error.message}`);
  }

  /** The network goes away (the engine disconnects and queues). */
  goOffline(): void {
    this.engine.setNetwork(false);
  }

  goOnline(): void {
    this.engine.setNetwork(true);
  }

  waitSynced(ms = 30_000): Promise<SyncStatus> {
    return this.engine.when((s) => s.kind === 'synced', ms);
  }

  /** Polls `test` until it holds. */
  async waitFor(what: string, test: () => boolean, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Closes the device; `reopen` then starts it again on the same disk and sync state. */
  async close(): Promise<void> {
    await this.engine.stop();
    await this.store.idle();
  }

  async reopen(): Promise<HarnessDevice> {
    await this.close();
    return HarnessDevice.open({ ...this.options, files: this.files, syncStore: this.syncStore });
  }
}
