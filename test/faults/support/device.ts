/**
 * A fault-suite device: the app's DocumentStore and sync engine over memory
 * storage and the harness device's socket on Node's `ws`
 * (test/support/harness-device.ts), but on the small two-document store of
 * ./store.ts, with a tap on its socket that records, client-side, every event
 * the relay acknowledged and the seq it gave it. The suites check their
 * invariants against that record, never the relay's word.
 */
import { ok } from '@cairn/shared';
import type { DocumentStore, RecordEvent } from '../../../client/src/storage/document-store';
import { MemoryLogStorage } from '../../../client/src/storage/memory-log-storage';
import { SyncEngine } from '../../../client/src/sync/engine/engine';
import { MemorySyncStore } from '../../../client/src/sync/memory-sync-store';
import { openReplica } from '../../../client/src/sync/replica/open-replica';
import type { SyncProblem } from '../../../client/src/sync/replica/ports';
import type { Replica } from '../../../client/src/sync/replica/replica';
import type { SocketFactory } from '../../../client/src/lib/platform';
import { eventIdOf } from '../../../client/src/sync/wire';
import { nodeSocket } from '../../support/harness-device';
import { rng } from './scale';
import { DOC_NAMES, imm, makeStore, type DocName, type Docs } from './store';
import type { Identity } from '../../../testkit/src/identities';

export interface Ack {
  streamId: string;
  seq: number;
}

export interface FaultDeviceOptions {
  relayUrl: string;
  kMaster: Uint8Array;
  identity: Identity;
  /** Automerge actor of this device (hex). */
  actor: string;
  /** The relay knows the device already. */
  registered: boolean;
  /**
   * Mangles what the relay sends, seeded: each fan-out event is delivered 0–3
   * times, each copy 0–40 ms late (so out of order); a lost event leaves the
   * connection up, so the engine must find the gap itself (from a later event
   * of the same stream, or from the relay's heads when none comes); now and
   * then an ack is lost and the connection drops with it, so the push is
   * retried.
   */
  chaos?: { seed: number };
}

export interface ChaosStats {
  /** Fan-out events delivered 0, 1, 2 and 3 times. */
  copies: [number, number, number, number];
  acksLost: number;
  /**
   * Set by the suite, for a scripted ending: `lose` loses every fan-out event
   * and no ack, `deliver` delivers each once and loses no ack; `random` is the
   * seeded mangling above.
   */
  mode: 'random' | 'lose' | 'deliver';
}

/** The relay's frames, mangled (see FaultDeviceOptions.chaos). */
function chaotic(inner: SocketFactory, seed: number, stats: ChaosStats): SocketFactory {
  const r = rng(seed);
  return (url, handlers) => {
    let closed = false;
    const socket: ReturnType<SocketFactory> = inner(url, {
      ...handlers,
      close(code, reason) {
        closed = true;
        handlers.close(code, reason);
      },
      message(text) {
        if (text.startsWith('{"type":"event"')) {
          const p = r.next();
          const copies =
            stats.mode === 'lose'
              ? 0
              : stats.mode === 'deliver'
                ? 1
                : p < 0.15
                  ? 0
                  : p < 0.65
                    ? 1
                    : p < 0.85
                      ? 2
                      : 3;
          stats.copies[copies] += 1;
          for (let c = 0; c < copies; c += 1) {
            setTimeout(() => {
              if (!closed) handlers.message(text);
            }, r.int(41));
          }
          return;
        }
        if (text.startsWith('{"type":"ack"') && r.next() < 0.03 && stats.mode === 'random') {
          stats.acksLost += 1;
          setTimeout(() => socket.close(1000, 'lost'), 5);
          return;
        }
        handlers.message(text);
      },
    });
    return socket;
  };
}

/** Wraps a socket factory to see pushes go out and acks come back. */
function tapped(
  onAck: (eventId: string, ack: Ack) => void,
  inFlight: Set<string>,
  inner: SocketFactory,
): SocketFactory {
  return (url, handlers) => {
    const pushes = new Map<number, { eventId: string; streamId: string }>();
    const socket = inner(url, {
      ...handlers,
      close(code, reason) {
        for (const p of pushes.values()) inFlight.delete(p.eventId);
        handlers.close(code, reason);
      },
      message(text) {
        const m: unknown = JSON.parse(text);
        if (typeof m === 'object' && m !== null && 'ref' in m && typeof m.ref === 'number') {
          const push = pushes.get(m.ref);
          if (push !== undefined) inFlight.delete(push.eventId);
        }
        if (
          typeof m === 'object' &&
          m !== null &&
          'type' in m &&
          m.type === 'ack' &&
          'ref' in m &&
          typeof m.ref === 'number' &&
          'seq' in m &&
          typeof m.seq === 'number'
        ) {
          const push = pushes.get(m.ref);
          if (push !== undefined) onAck(push.eventId, { streamId: push.streamId, seq: m.seq });
        }
        handlers.message(text);
      },
    });
    return {
      send(text) {
        const m: unknown = JSON.parse(text);
        if (
          typeof m === 'object' &&
          m !== null &&
          'type' in m &&
          m.type === 'push' &&
          'id' in m &&
          typeof m.id === 'number' &&
          'eventId' in m &&
          typeof m.eventId === 'string' &&
          'streamId' in m &&
          typeof m.streamId === 'string'
        ) {
          pushes.set(m.id, { eventId: m.eventId, streamId: m.streamId });
          inFlight.add(m.eventId);
        }
        socket.send(text);
      },
      close: (code, reason) => socket.close(code, reason),
    };
  };
}

/** What a device saw, filled in by its callbacks from the moment it opens. */
interface Tally {
  acked: Map<string, Ack>;
  ackConflicts: string[];
  written: Map<string, string>;
  problems: SyncProblem[];
  inFlight: Set<string>;
  chaos: ChaosStats;
}

export class FaultDevice {
  /** Acknowledged events, by event id, as the device saw the acks. */
  readonly acked: ReadonlyMap<string, Ack>;
  /** An event acknowledged twice with different seqs (must never happen). */
  readonly ackConflicts: readonly string[];
  /** Event ids of every record this device wrote and must push (local and snapshots). */
  readonly written: ReadonlyMap<string, string>;
  readonly problems: readonly SyncProblem[];
  /** Pushes sent on the current connection and not yet answered. */
  readonly inFlight: ReadonlySet<string>;
  readonly chaos: ChaosStats;
  private counter = 0;

  private constructor(
    tally: Tally,
    readonly options: FaultDeviceOptions,
    readonly storage: MemoryLogStorage,
    readonly store: DocumentStore<Docs>,
    readonly replica: Replica,
    readonly engine: SyncEngine,
  ) {
    this.acked = tally.acked;
    this.ackConflicts = tally.ackConflicts;
    this.written = tally.written;
    this.problems = tally.problems;
    this.inFlight = tally.inFlight;
    this.chaos = tally.chaos;
  }

  static async open(options: FaultDeviceOptions): Promise<FaultDevice> {
    const storage = new MemoryLogStorage();
    const tally: Tally = {
      acked: new Map(),
      ackConflicts: [],
      written: new Map(),
      problems: [],
      inFlight: new Set(),
      chaos: { copies: [0, 0, 0, 0], acksLost: 0, mode: 'random' },
    };
    const syncStore = new MemorySyncStore();
    // The replica's outbox is the store's sink; the tally sees every record on its way there.
    const { documents: store, replica } = openReplica({
      kMaster: options.kMaster,
      documentNames: DOC_NAMES,
      store: syncStore,
      logs: storage,
      onProblem: (p) => tally.problems.push(p),
      documents: (outbox) =>
        makeStore(storage, {
          kMaster: options.kMaster,
          sink: {
            recorded(e: RecordEvent): void {
              tally.written.set(eventIdOf(e.record), e.doc);
              outbox.recorded(e);
            },
          },
          actor: options.actor,
          onBackgroundError: ({ doc, error }) => {
            throw new Error(`compaction of ${doc} failed: ${error.message}`);
          },
        }),
    });
    const loaded = await store.load();
    if (!loaded.ok) throw new Error(`load failed: ${loaded.error.code}`);
    const { identity } = options;
    const onAck = (eventId: string, ack: Ack): void => {
      const known = tally.acked.get(eventId);
      if (known !== undefined && (known.seq !== ack.seq || known.streamId !== ack.streamId)) {
        tally.ackConflicts.push(eventId);
      }
      tally.acked.set(eventId, ack);
    };
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
      connect: tapped(
        onAck,
        tally.inFlight,
        options.chaos === undefined
          ? nodeSocket
          : chaotic(nodeSocket, options.chaos.seed, tally.chaos),
      ),
      fetch: (url, init) => fetch(url, init),
    });
    const device = new FaultDevice(tally, options, storage, store, replica, engine);
    const started = await engine.start();
    if (!started.ok) throw new Error(`sync store failed: ${started.error.message}`);
    const enabled = await engine.enable(options.relayUrl, {
      accountId: identity.accountId,
      deviceId: identity.deviceId,
      registered: options.registered,
    });
    if (!enabled.ok) throw new Error(`enabling sync failed: ${enabled.error.message}`);
    return device;
  }

  /** One user edit: a new key in `doc`, appended durably (and queued for push). */
  async write(doc: DocName, size = 40): Promise<void> {
    const key = `${this.options.identity.deviceId.slice(0, 8)}-${this.counter++}`;
    const r = await this.store.change(doc, (d) => {
      d.items[key] = imm(key.padEnd(size, '.'));
    });
    if (!r.ok) throw new Error(`write failed: ${r.error.code}`);
  }

  /** The network is back (or the relay is): reconnect now, not at the next backoff step. */
  wake(): void {
    this.engine.setNetwork(true);
  }

  get idle(): boolean {
    return this.replica.progress.get().queued === 0 && this.engine.status.get().kind === 'synced';
  }

  async close(): Promise<void> {
    await this.engine.stop();
    await this.store.idle();
  }
}
