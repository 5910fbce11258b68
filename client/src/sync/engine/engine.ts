/**
 * The sync engine: supervises this device's sync with the relay (docs/protocol.md
 * "Relay protocol"). No React, no browser API: sockets, timers, fetch and the
 * stores are injected, so Node harness devices run this same code. It owns no
 * local sync state and speaks no protocol itself: the replica (replica/) holds
 * cursors, queue and apply; a RelayConnection (session/) speaks to the relay for
 * one connection. The engine decides when to connect and what the user sees:
 *
 * - Settings. Whether sync is on, the relay, this device's account and device
 *   ids, whether the registration was acknowledged; saved in the sync store.
 * - Registration (`POST /v1/accounts`) before the first connection of an
 *   account's first device.
 * - Reconnect. Backoff 1, 2, 4, 8, 16, 30 s (backoff.ts), reset after a
 *   successful connection; `setNetwork(true)` (the browser's `online`) retries
 *   at once, `setNetwork(false)` disconnects and shows offline.
 * - Refusals (revoked, unknown device, taken account id, wrong version) stop
 *   the engine until sync is turned on again; `quota` only stops pushing.
 *   While sync is off or refused the replica captures nothing: the startup
 *   scan queues what was written meanwhile.
 * - Status, derived from the replica's queue and the connection (status.ts).
 *   "Connecting" while the first attempt is under way (after start, turning
 *   sync on, the network coming back, or a connection that was ready ending);
 *   once an attempt fails, the retries after it read "offline".
 */
import { err, ok, randomBytes, uuidV4, type Result } from '@cairn/shared';
import { Observable } from '../../lib/observable';
import type { SettingsStore, SyncSettings, SyncStoreError } from '../../storage/sync-state';
import type { Replica } from '../replica/replica';
import { RelayConnection, type SessionEnd } from '../session/relay-connection';
import { registerAccount, type DeviceIdentity, type FetchLike } from '../session/registration';
import type { SocketFactory } from '../../lib/platform';
import { systemTimers, type Timers } from '../timers';
import { normaliseRelayUrl, webSocketUrl } from '../../device/relay-address';
import { backoffDelay } from './backoff';
import { refusal, sameStatus, type RefusalReason, type SyncStatus } from './status';

export interface SyncEngineOptions {
  /** The local side: cursors, queue, apply (built by openReplica). */
  replica: Replica;
  /** Where the settings are kept. */
  settings: SettingsStore;
  identity: () => Promise<Result<DeviceIdentity, string>>;
  connect: SocketFactory;
  fetch: FetchLike;
  timers?: Timers;
  /** Whether the network is up at start (the browser's navigator.onLine). */
  online?: boolean;
}

/** Account and device ids of a device that joined an existing account. */
export interface AccountIds {
  accountId: string;
  deviceId: string;
  /** The relay knows this device already (it was added to the account). */
  registered: boolean;
}

export class SyncEngine {
  readonly status = new Observable<SyncStatus>({ kind: 'off' }, sameStatus);
  private readonly timers: Timers;
  private readonly replica: Replica;
  private settingsValue: SyncSettings | undefined;
  /** Pushes settled when the status last read synced: the progress shown starts there. */
  private pushBase = 0;
  private refused: SyncStatus | undefined;
  private networkUp: boolean;
  /** Registering or connecting now (or about to, before the first attempt). */
  private attempting = false;
  /** An attempt failed and none has reached the relay since (retries read offline). */
  private failing = false;
  private generation = 0;
  private connection: RelayConnection | undefined;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: SyncEngineOptions) {
    this.timers = options.timers ?? systemTimers;
    this.networkUp = options.online ?? true;
    this.replica = options.replica;
    this.pushBase = this.replica.progress.get().pushed;
    this.replica.progress.subscribe(() => this.refresh());
  }

  get settings(): SyncSettings | undefined {
    return this.settingsValue;
  }

  /** Loads what was persisted and, if sync is on, starts syncing. */
  async start(): Promise<Result<void, SyncStoreError>> {
    const settings = await this.options.settings.loadSettings();
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
      const reset = await this.replica.resetRelayState();
      if (!reset.ok) return reset;
    }
    const saved = await this.options.settings.saveSettings(next);
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
    const saved = await this.options.settings.saveSettings(next);
    if (!saved.ok) return saved;
    this.settingsValue = next;
    this.refresh();
    return ok(undefined);
  }

  /** The network came or went (the browser's `online`/`offline` events). */
  setNetwork(up: boolean): void {
    if (up && !this.networkUp) this.failing = false;
    this.networkUp = up;
    if (!up) this.connection?.close();
    this.wake?.();
    this.refresh();
  }

  /** Stops everything (before a wipe, at the end of a test). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt();
    await this.loopDone;
    await this.replica.idle();
    this.options.settings.close();
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

  // ── connection loop ─────────────────────────────────────────────────────

  private halt(): void {
    this.generation += 1;
    this.replica.setCapturing(false);
    this.connection?.close();
    this.wake?.();
  }

  private restart(): void {
    this.halt();
    if (this.stopped) return;
    const generation = this.generation;
    this.refused = undefined;
    this.attempting = true;
    this.failing = false;
    this.replica.setCapturing(true);
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
        this.attempting = false;
        await this.sleep(undefined);
        failures = 0;
        continue;
      }
      if (!settings.registered) {
        this.attempted(true);
        const registered = await this.register(settings);
        if (!this.live(generation)) return;
        if (registered === 'refused') return;
        if (registered !== 'done') {
          this.attempted(false, true);
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
      if (await this.replica.prepare()) return this.live(generation);
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
      // Reported with sync's problems: the keys are local storage too.
      this.replica.reportStorage(identity.error);
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
    const saved = await this.options.settings.saveSettings(next);
    if (!saved.ok) this.replica.reportStorage(saved.error.message);
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
    const connection = new RelayConnection(this.replica, {
      url,
      credentials: {
        accountId: settings.accountId,
        deviceId: settings.deviceId,
        signingSecretKey: identity.value.signing.secretKey,
      },
      connect: this.options.connect,
      timers: this.timers,
    });
    this.connection = connection;
    this.attempting = true;
    const stopListening = connection.changes.subscribe(() => this.refresh());
    this.pushBase = this.replica.progress.get().pushed;
    this.refresh();
    const end = await connection.ended;
    stopListening();
    if (this.connection === connection) this.connection = undefined;
    this.attempted(false, end.kind !== 'closed' || !end.ready);
    return end;
  }

  // ── status ──────────────────────────────────────────────────────────────

  /** An attempt starts (`now`), or ended, failed or not (a ready connection is no failure). */
  private attempted(now: boolean, failed = false): void {
    this.attempting = now;
    if (!now) this.failing = failed;
    this.refresh();
  }

  private refuse(reason: RefusalReason, message: string): void {
    this.refused = refusal(reason, message);
    // Records written from now on are found by the scan when sync is turned on again.
    this.replica.setCapturing(false);
    this.refresh();
  }

  private refusedAs(reason: RefusalReason): boolean {
    return this.refused?.kind === 'refused' && this.refused.reason === reason;
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
    const { queued, pushed } = this.replica.progress.get();
    const connection = this.connection;
    if (connection === undefined || !connection.ready) {
      const connecting = this.networkUp && this.attempting && !this.failing;
      this.status.set({ kind: connecting ? 'connecting' : 'offline', queued });
      return;
    }
    if (connection.quotaFull) {
      this.status.set(refusal('quota'));
      return;
    }
    const pushDone = pushed - this.pushBase;
    if (connection.receiving || queued > 0) {
      const done = connection.pullDone + pushDone;
      const total = Math.max(connection.pullTotal, connection.pullDone) + pushDone + queued;
      this.status.set({ kind: 'syncing', done, total: Math.max(total, done) });
      return;
    }
    connection.restartProgress();
    this.pushBase = pushed;
    this.status.set({ kind: 'synced' });
  }
}
