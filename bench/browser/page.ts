/**
 * The benchmark page, served on the app's origin at /bench/ (so it shares the
 * app's OPFS and IndexedDB) and driven through Playwright. It runs the app's
 * own modules — DocumentStore over the OPFS worker, the sync engine, the
 * domain — and the bare Automerge references, in the same page and the same
 * Automerge instance, and exposes them as `window.cairnBench`. Inputs arrive
 * from Node (trusted: the benchmark itself), outputs are plain numbers.
 */
import * as A from '@automerge/automerge';
import { ed25519KeyPair, frameRecord, fromHex, ok, ready, x25519KeyPair } from '@cairn/shared';
import { initAutomerge } from '../../client/src/app/automerge';
import { createStore } from '../../client/src/app/store';
import { DOC_NAMES, checkIn, initialDocument, type ObservationsDoc } from '../../client/src/domain';
import { DocumentStore, OpfsLogStorage, saveMasterKey } from '../../client/src/storage';
import { SyncEngine } from '../../client/src/sync/engine/engine';
import { IdbSyncStore } from '../../client/src/storage/idb/sync-database';
import { openReplica } from '../../client/src/sync/replica/open-replica';
import { browserSocket } from '../../client/src/boot/browser';
import { sha256Hex } from '../lib/workload';

const LOG_DIRECTORY = 'cairn-logs';

export interface SeedArgs {
  kMasterHex: string;
  directory?: string;
  /** Log files to write (name → URL to fetch them from). */
  files: { name: string; url: string }[];
}

export interface Edit {
  templateId: string;
  date: string;
}

async function setup(): Promise<void> {
  await Promise.all([initAutomerge(), ready()]);
}

async function fetchBytes(url: string): Promise<Uint8Array<ArrayBuffer>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Replaces a log directory with the given files, and stores K_master as the app does. */
async function seed(args: SeedArgs): Promise<void> {
  await setup();
  const root = await navigator.storage.getDirectory();
  const name = args.directory ?? LOG_DIRECTORY;
  await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  const dir = await root.getDirectoryHandle(name, { create: true });
  for (const f of args.files) {
    const bytes = await fetchBytes(f.url);
    const w = await (await dir.getFileHandle(f.name, { create: true })).createWritable();
    await w.write(bytes);
    await w.close();
  }
  const saved = await saveMasterKey(fromHex(args.kMasterHex), { replace: true });
  if (!saved.ok) throw new Error(`saving K_master failed: ${saved.error.message}`);
}

/** ms of `samples` bare `A.load` of every snapshot at `urls`, all loaded each time. */
async function bareLoad(args: { urls: string[]; samples: number }): Promise<number[]> {
  await setup();
  const snapshots = await Promise.all(args.urls.map(fetchBytes));
  const out: number[] = [];
  for (let i = 0; i < args.samples; i++) {
    const t0 = performance.now();
    for (const s of snapshots) A.load(s);
    out.push(performance.now() - t0);
  }
  return out;
}

interface WriteSession {
  store: DocumentStore<{ observations: ObservationsDoc }>;
  storage: OpfsLogStorage;
  bare: A.Doc<ObservationsDoc>;
}

let session: WriteSession | undefined;

/** Opens the seeded logs in a DocumentStore, and the same document bare from its snapshot. */
async function writeOpen(args: { kMasterHex: string; snapshotUrl: string }): Promise<void> {
  await setup();
  const storage = await OpfsLogStorage.open();
  if (!storage.ok) throw new Error(storage.error.message);
  const store = new DocumentStore<{ observations: ObservationsDoc }>({
    storage: storage.value,
    kMaster: fromHex(args.kMasterHex),
    documents: { observations: () => initialDocument('observations') },
    compaction: { maxRecords: 1_000_000, maxBytes: 1 << 30 },
  });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  session = {
    store,
    storage: storage.value,
    bare: A.load<ObservationsDoc>(await fetchBytes(args.snapshotUrl)),
  };
}

/**
 * The write path: `store.change` (Automerge change, seal, pad, frame, append
 * to OPFS in the storage worker, flushed) against the bare `A.change` of the
 * same edit on the same document, interleaved; and, for the breakdown, an
 * append of a record-sized frame alone.
 */
async function writeEdits(
  edits: Edit[],
): Promise<{ store: number[]; bare: number[]; append: number[] }> {
  const s = session;
  if (s === undefined) throw new Error('writeOpen first');
  const times = { store: [] as number[], bare: [] as number[], append: [] as number[] };
  const probe = frameRecord(new Uint8Array(297));
  for (const e of edits) {
    const edit = (d: ObservationsDoc): void => {
      checkIn(
        d,
        { templateId: e.templateId, date: e.date, status: 'done', now: Date.now() },
        sha256Hex,
      );
    };
    let t0 = performance.now();
    s.bare = A.change(s.bare, edit);
    times.bare.push(performance.now() - t0);
    t0 = performance.now();
    const r = await s.store.change('observations', edit);
    times.store.push(performance.now() - t0);
    if (!r.ok) throw new Error(r.error.message);
    t0 = performance.now();
    const appended = await s.storage.append('bench-probe.log', probe);
    times.append.push(performance.now() - t0);
    if (!appended.ok) throw new Error(appended.error.message);
  }
  return times;
}

async function writeClose(): Promise<void> {
  const s = session;
  session = undefined;
  if (s === undefined) return;
  await s.storage.remove('bench-probe.log');
  await s.storage.close();
}

/**
 * A new device bootstraps: empty logs, sync enabled for a device the relay
 * knows; ms from enabling sync until the engine reports "synced".
 */
async function bootstrap(args: {
  relayUrl: string;
  accountId: string;
  deviceId: string;
  signingSeedHex: string;
  boxSeedHex: string;
  kMasterHex: string;
  run: string;
  timeoutMs: number;
}): Promise<number> {
  await setup();
  const directory = `bench-bootstrap-${args.run}`;
  const storage = await OpfsLogStorage.open({ directory });
  if (!storage.ok) throw new Error(storage.error.message);
  // As the app wires it (boot/compose.ts): the replica's outbox is the store's sink.
  const kMaster = fromHex(args.kMasterHex);
  const syncStore = new IdbSyncStore(`bench-sync-${args.run}`);
  const { documents: store, replica } = openReplica({
    kMaster,
    documentNames: DOC_NAMES,
    store: syncStore,
    logs: storage.value,
    documents: (sink) => createStore(storage.value, kMaster, undefined, sink),
  });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  const signing = ed25519KeyPair(fromHex(args.signingSeedHex));
  const box = x25519KeyPair(fromHex(args.boxSeedHex));
  const engine = new SyncEngine({
    replica,
    settings: syncStore,
    identity: () => Promise.resolve(ok({ signing, boxPublicKey: box.publicKey, label: 'bench' })),
    connect: browserSocket,
    fetch: (url, init) => fetch(url, init),
  });
  const started = await engine.start();
  if (!started.ok) throw new Error(started.error.message);
  const t0 = performance.now();
  const enabled = await engine.enable(args.relayUrl, {
    accountId: args.accountId,
    deviceId: args.deviceId,
    registered: true,
  });
  if (!enabled.ok) throw new Error(enabled.error.message);
  await engine.when((s) => s.kind === 'synced', args.timeoutMs);
  const ms = performance.now() - t0;
  await engine.stop();
  await store.idle();
  await storage.value.close();
  return ms;
}

const api = { seed, bareLoad, writeOpen, writeEdits, writeClose, bootstrap };
export type BenchApi = typeof api;
declare global {
  interface Window {
    cairnBench?: BenchApi;
  }
}
window.cairnBench = api;
