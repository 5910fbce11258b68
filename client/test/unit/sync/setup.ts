/** A device for sync's unit tests: a real DocumentStore in memory, the replica and engine, a fake relay. */
import * as A from '@automerge/automerge';
import { ed25519KeyPair, fromHex, ready, toBase64, type Result } from '@cairn/shared';
import { vi } from 'vitest';
import {
  DocumentStore,
  type CompactionPolicy,
  type RecordEvent,
  type RecordSink,
} from '../../../src/storage/document-store';
import { MemoryFiles, MemoryLogStorage } from '../../../src/storage/memory-log-storage';
import { SyncEngine } from '../../../src/sync/engine/engine';
import type { SettingsStore } from '../../../src/storage/sync-state';
import { MemorySyncStore } from '../../../src/sync/memory-sync-store';
import { openReplica } from '../../../src/sync/replica/open-replica';
import type { SyncProblem } from '../../../src/sync/replica/ports';
import type { DeviceIdentity } from '../../../src/sync/session/registration';
import { eventIdOf } from '../../../src/sync/wire';
import { settle, type FakeRelay, type ManualTimers } from './fakes';

await ready();

export interface Notes {
  items: Record<string, string>;
}
export type Docs = { notes: Notes; other: Notes };

/** Every device starts from the same genesis change (fixed actor and time). */
const genesis = A.change(A.init<Notes>({ actor: '00'.repeat(16) }), { time: 0 }, (d) => {
  d.items = {};
});

export const K_MASTER = fromHex('4b'.repeat(32));
export const ACCOUNT = 'aa000001-0000-4000-8000-000000000000';
export const RELAY_URL = 'http://relay.test';

export function deviceId(n: number): string {
  return `dd${n.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;
}

function newStore(
  storage: MemoryLogStorage,
  sink?: RecordSink<keyof Docs>,
  compaction?: Partial<CompactionPolicy>,
): DocumentStore<Docs> {
  return new DocumentStore<Docs>({
    storage,
    kMaster: K_MASTER,
    documents: { notes: () => A.clone(genesis), other: () => A.clone(genesis) },
    ...(sink === undefined ? {} : { sink }),
    ...(compaction === undefined ? {} : { compaction }),
  });
}

export async function openStore(
  onRecord?: (e: RecordEvent<keyof Docs>) => void,
  compaction?: Partial<CompactionPolicy>,
  files = new MemoryFiles(),
) {
  const storage = await MemoryLogStorage.open(files);
  const store = newStore(storage, onRecord && { recorded: onRecord }, compaction);
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  return { store, storage, files };
}

export type TestDevice = Awaited<ReturnType<typeof makeDevice>>;

export async function makeDevice(
  relay: FakeRelay,
  timers: ManualTimers,
  options: {
    n?: number;
    compaction?: Partial<CompactionPolicy>;
    syncStore?: MemorySyncStore;
    files?: MemoryFiles;
    enable?: boolean;
    /** Where the engine keeps the account (as boot/ wires it: the device); the sync store by default. */
    settings?: SettingsStore;
  } = {},
) {
  const captured: RecordEvent<keyof Docs>[] = [];
  const files = options.files ?? new MemoryFiles();
  const storage = await MemoryLogStorage.open(files);
  const problems: SyncProblem[] = [];
  const syncStore = options.syncStore ?? new MemorySyncStore();
  // The replica's outbox is the store's sink; the test sees every record on its way there.
  const { documents: store, replica } = openReplica({
    kMaster: K_MASTER,
    documentNames: ['notes', 'other'],
    store: syncStore,
    logs: storage,
    onProblem: (p) => problems.push(p),
    documents: (outbox) =>
      newStore(
        storage,
        {
          recorded(e) {
            captured.push(e);
            outbox.recorded(e);
          },
        },
        options.compaction,
      ),
  });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  const receive = vi.spyOn(store, 'receiveRecords');
  const n = options.n ?? 1;
  const signing = ed25519KeyPair(fromHex(n.toString(16).padStart(2, '0').repeat(32)));
  const identity: DeviceIdentity = { signing, boxPublicKey: new Uint8Array(32), label: `d${n}` };
  const engine = new SyncEngine({
    replica,
    settings: options.settings ?? syncStore,
    identity: (): Promise<Result<DeviceIdentity, string>> =>
      Promise.resolve({ ok: true, value: identity }),
    connect: relay.factory,
    fetch: () => Promise.reject(new Error('no registration in these tests')),
    timers,
  });
  const started = await engine.start();
  if (!started.ok) throw new Error(started.error.message);
  if (options.enable !== false) {
    const enabled = await engine.enable(RELAY_URL, {
      accountId: ACCOUNT,
      deviceId: deviceId(n),
      registered: true,
    });
    if (!enabled.ok) throw new Error(enabled.error.message);
  }
  await settle();
  const streamOf = (doc: keyof Docs): string => toBase64(store.streamId(doc));
  const write = async (key: string, value: string, doc: keyof Docs = 'notes'): Promise<void> => {
    const r = await store.change(doc, (d) => {
      d.items[key] = value;
    });
    if (!r.ok) throw new Error(r.error.message);
  };
  return {
    engine,
    replica,
    store,
    storage,
    files,
    syncStore,
    captured,
    receive,
    problems,
    streamOf,
    write,
  };
}

/** The sealed records a store wrote that the engine should push, as the relay would store them. */
export function pushable(captured: readonly RecordEvent[]): { eventId: string; data: string }[] {
  return captured.map((e) => ({ eventId: eventIdOf(e.record), data: toBase64(e.record) }));
}

export function items(
  store: DocumentStore<Docs>,
  doc: keyof Docs = 'notes',
): Record<string, string> {
  return { ...store.doc(doc).items };
}
