/**
 * The sync engine: Cairn's client side of the relay protocol (docs/protocol.md
 * "Relay protocol"). No React, no browser API: sockets, timers, fetch and the
 * persistence port are injected, so Node harness devices run this same code.
 *
 * Algorithm
 * - Capture. Every sealed record the DocumentStore appends reaches `capture`
 *   (its `onRecord` hook). Records of origin `local` and `compaction` go to the
 *   push queue with their stream id and event id (wire.ts); a compaction
 *   snapshot carries `coversSeq` = the stream's cursor at that moment, which is
 *   safe because the cursor only ever moves after what it covers is applied.
 *   It is pushed once everything queued before it is acknowledged, its cover
 *   moved on through those own events (cursors.ts `cover`): otherwise a
 *   device that compacts while its pushes are in flight would leave a new
 *   device to download every one of them.
 *   Records of origin `remote` came from the relay: their ids are only marked
 *   known, never pushed back.
 * - Queue. Persisted (IndexedDB in the browser), oldest first, deduplicated by
 *   event id, removed only on `ack`. Pushing one record twice is harmless: the
 *   relay is idempotent on (stream, event id).
 * - Scan. On start, and when sync is turned on, every record in the local logs
 *   whose id is not known is queued (as a plain event). This uploads a
 *   device's existing history the first time, and recovers a record whose
 *   enqueue a crash cut off: the log, not the queue, is the source of truth.
 * - Cursors. Per stream, the highest seq applied; persisted after each page.
 *   A new device (cursor 0) bootstraps from the newest snapshot. An event of
 *   this device's own, acknowledged right after the cursor, moves the cursor
 *   too (its content is already here), so a device that writes alone does not
 *   download its own events again.
 * - Receive. Pages and coalesced fan-out are applied one batch per call
 *   (`receiveRecords`: open, unpad, apply; duplicates have no effect) and
 *   appended to the local log. A record that fails authentication (or is
 *   otherwise unreadable) is reported and the cursor still moves past it: it
 *   can never become readable, and stopping there would stall the stream for
 *   good (a hostile relay could then block sync with one bad event); the
 *   report tells the user, and nothing unauthenticated is ever applied.
 * - Reconnect. Backoff 1, 2, 4, 8, 16, 30 s (backoff.ts), reset after a
 *   successful connection; `setNetwork(true)` (the browser's `online`) retries
 *   at once, `setNetwork(false)` disconnects and shows offline.
 * - Refusals (revoked, unknown device, taken account id, wrong version) stop
 *   the engine until sync is turned on again; `quota` only stops pushing.
 */
import {
  err,
  fromBase64,
  ok,
  randomBytes,
  toBase64,
  uuidV4,
  type Result,
  type WireEvent,
} from '@cairn/shared';
import type { ApplyReport, RecordEvent } from '../storage/document-store';
import type { LogStorage, StorageResult } from '../storage/log-storage';
import { backoffDelay, systemTimers, type Timers } from './backoff';
import { Cursors } from './cursors';
import { Outbox } from './outbox';
import type { QueueEntry, SyncProblem, SyncSettings, SyncStore, SyncStoreError } from './ports';
import { registerAccount, type DeviceIdentity, type FetchLike } from './register';
import { SyncSession, type DroppedPush, type SessionEnd } from './session';
import type { SocketFactory } from './socket';
import { Observable } from '../lib/observable';
import { refusal, sameStatus, type RefusalReason, type SyncStatus } from './status';
import { normaliseRelayUrl, webSocketUrl } from './wire';

export type { SyncProblem } from './ports';

/** The documents, as the sync engine sees them (a DocumentStore fits). */
export interface SyncDocuments {
  readonly documentNames: readonly string[];
  streamId(name: string): Uint8Array;
  receiveRecords(name: string, records: readonly Uint8Array[]): Promise<StorageResult<ApplyReport>>;
}

export interface SyncEngineOptions {
  documents: SyncDocuments;
  /** The log files, for the startup scan. */
  logs: Pick<LogStorage, 'read'>;
  store: SyncStore;
  identity: () => Promise<Result<DeviceIdentity, string>>;
  connect: SocketFactory;
  fetch: FetchLike;
  timers?: Timers;
  /** Whether the network is up at start (the browser's navigator.onLine). */
  online?: boolean;
  onProblem?: (problem: SyncProblem) => void;
}

/** Account and device ids of a device that joined an existing account. */
export interface AccountIds {
  accountId: string;
  deviceId: string;
  /** The relay knows this device already (it was added to the account). */
  registered: boolean;
}

const MAX_PROBLEMS = 100;

export class SyncEngine {
  readonly status = new Observable<SyncStatus>({ kind: 'off' }, sameStatus);
  private readonly timers: Timers;
  private readonly streams: Map<string, string>;
  private settingsValue: SyncSettings | undefined;
  private readonly cursors: Cursors;
  private readonly outbox: Outbox;
  private queued = 0;
  private pushDone = 0;
  private quotaFull = false;
  private refused: SyncStatus | undefined;
  private networkUp: boolean;
  private generation = 0;
  private session: SyncSession | undefined;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private stopped = false;
  readonly problems: SyncProblem[] = [];

  constructor(private readonly options: SyncEngineOptions) {
    this.timers = options.timers ?? systemTimers;
    this.networkUp = options.online ?? true;
    this.streams = new Map(
      options.documents.documentNames.map((n) => [toBase64(options.documents.streamId(n)), n]),
    );
    this.outbox = new Outbox({
      store: options.store,
      logs: options.logs,
      streams: this.streams,
      cursor: (s) => this.cursor(s),
      queued: (added) => {
        this.queued += added;
        this.refresh();
        this.session?.kick();
      },
      problem: (p) => this.problem(p),
    });
    this.cursors = new Cursors((batch) =>
      this.outbox.write(async () => {
        const saved = await options.store.setCursors(batch());
        if (!saved.ok) this.problem({ kind: 'storage', message: saved.error.message });
      }),
    );
  }

  get settings(): SyncSettings | undefined {
    return this.settingsValue;
  }

  get queueLength(): number {
    return this.queued;
  }

  cursor(stream: string): number {
    return this.cursors.get(stream);
  }

  /** Loads what was persisted and, if sync is on, starts syncing. */
  async start(): Promise<Result<void, SyncStoreError>> {
    const settings = await this.options.store.loadSettings();
    if (!settings.ok) return settings;
    this.settingsValue = settings.value;
    if (settings.value?.enabled === true) this.restart();
    else this.refresh();
    return ok(undefined);
  }

  /**
   * Turns sync on with this relay. Saves the choice and returns at once: the
   * registration and the connection happen in the background. With `account`,
   * the device uses those ids (a device added to an existing account).
   */
  async enable(relayUrl: string, account?: AccountIds): Promise<Result<void, SyncStoreError>> {
    const url = normaliseRelayUrl(relayUrl);
    if (url === undefined) return err({ code: 'io', message: 'the relay URL is not http(s)' });
    const prev = this.settingsValue;
    const sameRelay = prev !== undefined && prev.relayUrl === url;
    const next: SyncSettings =
      account !== undefined
        ? { enabled: true, relayUrl: url, ...account }
        : {
            enabled: true,
            relayUrl: url,
            accountId: prev?.accountId ?? uuidV4(randomBytes(16)),
            deviceId: prev?.deviceId ?? uuidV4(randomBytes(16)),
            // A relay that no longer knows this device (its database was reset) gets the
            // registration again when the user turns sync back on.
            registered: sameRelay && prev.registered && !this.refusedAs('unknown-device'),
          };
    if (prev !== undefined && (!sameRelay || prev.accountId !== next.accountId)) {
      // Cursors and acknowledged ids belong to the old relay or account.
      const reset = await this.options.store.resetRelayState();
      if (!reset.ok) return reset;
      this.cursors.clear();
    }
    const saved = await this.options.store.saveSettings(next);
    if (!saved.ok) return saved;
    this.settingsValue = next;
    this.restart();
    return ok(undefined);
  }

  /** Turns sync off: disconnects; the queue and cursors stay for when it is turned on again. */
  async disable(): Promise<Result<void, SyncStoreError>> {
    const prev = this.settingsValue;
    this.halt();
    this.refresh();
    if (prev === undefined || !prev.enabled) return ok(undefined);
    const next = { ...prev, enabled: false };
    const saved = await this.options.store.saveSettings(next);
    if (!saved.ok) return saved;
    this.settingsValue = next;
    this.refresh();
    return ok(undefined);
  }

  /** The network came or went (the browser's `online`/`offline` events). */
  setNetwork(up: boolean): void {
    this.networkUp = up;
    if (!up) this.session?.close();
    this.wake?.();
    this.refresh();
  }

  /** Stops everything (before a wipe, at the end of a test). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt();
    await this.loopDone;
    await this.outbox.idle();
    this.options.store.close();
  }

  /** Resolves when the status satisfies `test` (or rejects after `ms`). */
  when(test: (s: SyncStatus) => boolean, ms = 30_000): Promise<SyncStatus> {
    return new Promise((resolve, reject) => {
      if (test(this.status.get())) {
        resolve(this.status.get());
        return;
      }
      const timer = setTimeout(() => {
        off();
        reject(new Error(`sync status stayed ${JSON.stringify(this.status.get())}`));
      }, ms);
      const off = this.status.subscribe((s) => {
        if (!test(s)) return;
        clearTimeout(timer);
        off();
        resolve(s);
      });
    });
  }

  /** The DocumentStore's `onRecord` hook. */
  capture(event: RecordEvent): void {
    this.outbox.capture(event);
  }

  // ── connection loop ─────────────────────────────────────────────────────

  private halt(): void {
    this.generation += 1;
    this.outbox.capturing = false;
    this.session?.close();
    this.wake?.();
  }

  private restart(): void {
    this.halt();
    if (this.stopped) return;
    const generation = this.generation;
    this.refused = undefined;
    this.outbox.capturing = true;
    this.refresh();
    const previous = this.loopDone;
    this.loopDone = previous
      .then(() => this.run(generation))
      .catch((e: unknown) => {
        queueMicrotask(() => {
          throw e;
        });
      });
  }

  private live(generation: number): boolean {
    return generation === this.generation && !this.stopped;
  }

  private async run(generation: number): Promise<void> {
    if (!(await this.prepare(generation))) return;
    let failures = 0;
    while (this.live(generation)) {
      const settings = this.settingsValue;
      if (settings === undefined || !settings.enabled) return;
      if (!this.networkUp) {
        await this.sleep(undefined);
        failures = 0;
        continue;
      }
      if (!settings.registered) {
        const registered = await this.register(settings);
        if (!this.live(generation)) return;
        if (registered === 'refused') return;
        if (registered !== 'done') {
          await this.sleep(registered.retryAfterMs ?? backoffDelay(failures++));
          continue;
        }
      }
      const end = await this.connectOnce(settings);
      if (!this.live(generation)) return;
      if (end.kind === 'refused') {
        this.refuse(end.reason, end.message);
        return;
      }
      if (end.ready) failures = 0;
      await this.sleep(end.retryAfterMs ?? backoffDelay(failures++));
    }
  }

  /** Loads cursors and the queue size, then scans the logs; retried until it works. */
  private async prepare(generation: number): Promise<boolean> {
    for (let failures = 0; this.live(generation);) {
      const cursors = await this.options.store.cursors();
      const count = await this.options.store.count();
      if (cursors.ok && count.ok) {
        this.cursors.load(cursors.value);
        this.queued = count.value;
        this.refresh();
        if (await this.outbox.scan()) return this.live(generation);
      } else {
        const e = cursors.ok ? (count.ok ? undefined : count.error) : cursors.error;
        if (e !== undefined) this.problem({ kind: 'storage', message: e.message });
      }
      await this.sleep(backoffDelay(failures++));
    }
    return false;
  }

  /** Sleeps `ms` (forever when undefined) or until woken. */
  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const cancel = ms === undefined ? () => undefined : this.timers.after(ms, () => done());
      const done = (): void => {
        cancel();
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private async register(
    settings: SyncSettings,
  ): Promise<'done' | 'refused' | { retryAfterMs?: number }> {
    const identity = await this.options.identity();
    if (!identity.ok) {
      this.problem({ kind: 'storage', message: identity.error });
      return {};
    }
    const r = await registerAccount(
      this.options.fetch,
      settings.relayUrl,
      settings.accountId,
      settings.deviceId,
      identity.value,
    );
    if (!r.ok) {
      if (r.error.kind === 'refused') {
        this.refuse(r.error.reason, r.error.message);
        return 'refused';
      }
      return r.error.retryAfterMs === undefined ? {} : { retryAfterMs: r.error.retryAfterMs };
    }
    const next = { ...settings, registered: true };
    const saved = await this.options.store.saveSettings(next);
    if (!saved.ok) this.problem({ kind: 'storage', message: saved.error.message });
    if (this.settingsValue?.accountId === next.accountId) this.settingsValue = next;
    return 'done';
  }

  private async connectOnce(settings: SyncSettings): Promise<SessionEnd> {
    const identity = await this.options.identity();
    const url = webSocketUrl(settings.relayUrl);
    if (!identity.ok || url === undefined) {
      const message = identity.ok ? 'the relay URL is not http(s)' : identity.error;
      return { kind: 'refused', reason: 'rejected', message };
    }
    const session = new SyncSession(
      {
        timers: this.timers,
        store: this.options.store,
        credentials: {
          accountId: settings.accountId,
          deviceId: settings.deviceId,
          signingSecretKey: identity.value.signing.secretKey,
        },
        streams: this.streams,
        cursor: (s) => this.cursor(s),
        cover: (s, from) => this.cursors.cover(s, from),
        apply: (s, events, next) => this.apply(s, events, next),
        pushed: (acks, dropped) => this.pushed(acks, dropped),
        quotaFull: (full) => {
          this.quotaFull = full;
          this.refresh();
        },
        storageFailed: (message) => this.problem({ kind: 'storage', message }),
        changed: () => this.refresh(),
      },
      url,
      this.options.connect,
    );
    this.session = session;
    this.pushDone = 0;
    this.refresh();
    const end = await session.ended;
    if (this.session === session) this.session = undefined;
    this.quotaFull = false;
    this.refresh();
    return end;
  }

  // ── receiving and acknowledgements ──────────────────────────────────────

  private async apply(
    stream: string,
    events: readonly WireEvent[],
    next: number,
  ): Promise<boolean> {
    const doc = this.streams.get(stream);
    if (doc === undefined) return true;
    const cursor = this.cursor(stream);
    const seen = new Set<string>();
    const fresh: { seq: number; record: Uint8Array }[] = [];
    for (const e of events) {
      if (e.seq <= cursor || seen.has(e.eventId)) continue;
      seen.add(e.eventId);
      const record = fromBase64(e.data);
      if (record === undefined) this.problem({ kind: 'record', doc, seq: e.seq, code: 'bad-data' });
      else fresh.push({ seq: e.seq, record });
    }
    if (fresh.length > 0) {
      const applied = await this.options.documents.receiveRecords(
        doc,
        fresh.map((f) => f.record),
      );
      if (!applied.ok) {
        this.problem({ kind: 'storage', message: `applying ${doc}: ${applied.error.message}` });
        return false;
      }
      for (const p of applied.value.problems) {
        const seq = fresh[p.index]?.seq ?? -1;
        this.problem({ kind: 'record', doc, seq, code: p.code });
      }
    }
    this.cursors.advance(stream, next);
    return true;
  }

  private pushed(
    acks: readonly { entry: QueueEntry; seq: number }[],
    dropped: readonly DroppedPush[],
  ): void {
    for (const { entry, seq } of acks) this.cursors.acked(entry.streamId, seq);
    for (const d of dropped) {
      const doc = this.streams.get(d.entry.streamId) ?? '';
      this.problem({
        kind: 'dropped',
        doc,
        eventId: d.entry.eventId,
        code: d.code,
        message: d.message,
      });
    }
    this.queued = Math.max(0, this.queued - acks.length - dropped.length);
    this.pushDone += acks.length + dropped.length;
    this.refresh();
  }

  // ── status ──────────────────────────────────────────────────────────────

  private refuse(reason: RefusalReason, message: string): void {
    this.refused = refusal(reason, message);
    // Records written from now on are found by the scan when sync is turned on again.
    this.outbox.capturing = false;
    this.refresh();
  }

  private refusedAs(reason: RefusalReason): boolean {
    return this.refused?.kind === 'refused' && this.refused.reason === reason;
  }

  private problem(p: SyncProblem): void {
    this.problems.push(p);
    if (this.problems.length > MAX_PROBLEMS) this.problems.shift();
    this.options.onProblem?.(p);
  }

  private refresh(): void {
    const settings = this.settingsValue;
    if (settings === undefined || !settings.enabled) {
      this.status.set({ kind: 'off' });
      return;
    }
    if (this.refused !== undefined) {
      this.status.set(this.refused);
      return;
    }
    const session = this.session;
    if (session === undefined || !session.ready) {
      this.status.set({ kind: 'offline', queued: this.queued });
      return;
    }
    if (this.quotaFull) {
      this.status.set(refusal('quota'));
      return;
    }
    if (session.receiving || this.queued > 0) {
      const done = session.pullDone + this.pushDone;
      const total = Math.max(session.pullTotal, session.pullDone) + this.pushDone + this.queued;
      this.status.set({ kind: 'syncing', done, total: Math.max(total, done) });
      return;
    }
    session.pullDone = 0;
    session.pullTotal = 0;
    this.pushDone = 0;
    this.status.set({ kind: 'synced' });
  }
}
