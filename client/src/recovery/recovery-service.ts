/**
 * Recovery on this device: the flows of flows.ts with this device's
 * credentials and key (device/), the relay over the `fetch` port, and the
 * recovery state over its store port. No browser API: boot/ wires it.
 *
 * Restoring replaces this fresh install's identity: after the relay has
 * registered the new device and the blob has opened, the account is adopted
 * (`Adopt`: sync stopped, K_master replaced, the logs sealed under the old
 * key removed, the relay state reset, sync on for the restored account,
 * registered). The app then reloads; on the next open the engine connects
 * and bootstraps every stream, and the onboarding screen shows its progress
 * until the data is here.
 */
import {
  generatePhrase,
  randomBytes,
  uuidV4,
  type KeyPair,
  type RecoveryPendingChange,
} from '@cairn/shared';
import type { Adopt, Device } from '../device/device';
import { checkLabel, labelProblemText } from '../device/label';
import type { Outcome } from '../lib/outcome';
import type { BackupRecord, RecoveryState, RecoveryStateStore } from '../storage/recovery-state';
import { Observable } from '../lib/observable';
import type { RecoveryFetch } from './api';
import type { PendingChange, RecoveryControls, RecoveryView, RestoreOutcome } from './controls';
import {
  cancelRecoveryChange,
  checkCanChange,
  checkTypedPhrase,
  disableRecovery,
  enableRecovery,
  readAccountRecovery,
  restoreFromPhrase,
  type Restored,
} from './flows';
import { phraseWords } from './phrase';

const INITIAL: RecoveryView = {
  loaded: false,
  enabled: false,
  enabledAt: null,
  reminderDismissed: false,
  restoring: false,
  pending: null,
};

/** How often reaching "Synced" asks the relay again which blob the account has. */
const RECHECK_MS = 10 * 60_000;

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function pendingOf(p: RecoveryPendingChange, thisDevice: string): PendingChange {
  return { op: p.op, effectiveAt: p.effectiveAt, byThisDevice: p.requestedBy === thisDevice };
}

function failed(what: string, e: unknown): Outcome {
  return { ok: false, message: `${what}: ${e instanceof Error ? e.message : String(e)}` };
}

export interface RecoveryServiceOptions {
  /** This device: its credentials and key, and its identity for a restore. */
  device: Pick<Device, 'credentials' | 'identity' | 'kMaster' | 'label'>;
  state: RecoveryStateStore;
  /** The relay's recovery routes (boot/ passes fetch with `cache: 'no-store'`). */
  fetch: RecoveryFetch;
  adopt: Adopt;
  /** Tells `listener` each time sync reaches "Synced". */
  onSynced: (listener: () => void) => () => void;
  /** Where a restore looks by default: the relay that served this app. */
  defaultRelayUrl: string;
  now?: () => number;
}

export class RecoveryService implements RecoveryControls {
  /** What Settings shows; `view` returns the same object until it changes. */
  private readonly shown = new Observable<RecoveryView>(INITIAL);
  private state: RecoveryState = {
    backup: undefined,
    reminderDismissedAt: undefined,
    restoringSince: undefined,
  };
  private checkedAt = -Infinity;
  /** The account's pending change as the relay last told it (not stored: asked again each time). */
  private pending: PendingChange | null = null;
  private readonly fetchFn: RecoveryFetch;
  private readonly now: () => number;
  readonly defaultRelayUrl: string;

  constructor(private readonly options: RecoveryServiceOptions) {
    this.fetchFn = options.fetch;
    this.now = options.now ?? Date.now;
    this.defaultRelayUrl = options.defaultRelayUrl;
  }

  /** Reads the saved state in the background; the view says `loaded` once done. */
  async start(): Promise<void> {
    try {
      this.set(await this.options.state.load());
    } catch (e) {
      console.warn(`recovery state could not be read: ${e instanceof Error ? e.message : 'error'}`);
      this.set(this.state);
    }
    // Once sync is through (settings loaded, device registered), ask the relay.
    this.options.onSynced(() => {
      if (this.now() - this.checkedAt < RECHECK_MS) return;
      this.checkedAt = this.now();
      void this.refresh();
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => this.shown.subscribe(listener);

  readonly view = (): RecoveryView => this.shown.get();

  private set(state: RecoveryState): void {
    this.state = state;
    this.shown.set({
      loaded: true,
      enabled: state.backup !== undefined,
      enabledAt: state.backup?.enabledAt ?? null,
      reminderDismissed: state.reminderDismissedAt !== undefined,
      restoring: state.restoringSince !== undefined,
      pending: this.pending,
    });
  }

  newPhrase(): string[] {
    return generatePhrase().split(' ');
  }

  /** The account, relay and signing key of this device, when sync has registered it. */
  private async signer(): Promise<
    | {
        ok: true;
        relayUrl: string;
        device: { accountId: string; deviceId: string; signing: KeyPair };
      }
    | { ok: false; message: string }
  > {
    const who = await this.options.device.credentials();
    if (!who.ok) {
      switch (who.error.kind) {
        case 'sync-off':
          return { ok: false, message: 'Turn on sync first: the backup is kept by your relay.' };
        case 'not-registered':
          return {
            ok: false,
            message:
              'Sync has not reached the relay yet. Wait until it says Synced, then try again.',
          };
        case 'failed':
          return {
            ok: false,
            message: `The device keys could not be opened (${who.error.message}).`,
          };
      }
    }
    return {
      ok: true,
      relayUrl: who.value.relayUrl,
      device: {
        accountId: who.value.accountId,
        deviceId: who.value.deviceId,
        signing: who.value.signing,
      },
    };
  }

  async canChange(): Promise<Outcome> {
    const who = await this.signer();
    if (!who.ok) return who;
    const can = await checkCanChange({
      fetch: this.fetchFn,
      relayUrl: who.relayUrl,
      device: who.device,
      now: this.now,
    });
    return can.ok ? { ok: true } : { ok: false, message: can.error.message };
  }

  defaultLabel(): string {
    return this.options.device.label();
  }

  async enable(words: readonly string[]): Promise<Outcome> {
    const who = await this.signer();
    if (!who.ok) return who;
    const done = await enableRecovery(words.join(' '), {
      fetch: this.fetchFn,
      relayUrl: who.relayUrl,
      device: who.device,
      kMaster: this.options.device.kMaster,
      now: this.now,
    });
    if (!done.ok) return { ok: false, message: done.error.message };
    if (done.value.pending !== undefined) {
      // The old phrase holds until the new one takes over (or the change is cancelled).
      this.pending = pendingOf(done.value.pending, who.device.deviceId);
      this.set(this.state);
      return { ok: true };
    }
    const backup: BackupRecord = {
      recoveryId: done.value.recoveryIdHex,
      accountId: who.device.accountId,
      relayUrl: who.relayUrl,
      enabledAt: this.now(),
    };
    try {
      await this.options.state.saveBackup(backup);
    } catch (e) {
      return failed('The backup is on the relay, but this device could not note it', e);
    }
    this.set({ ...this.state, backup });
    return { ok: true };
  }

  async disable(): Promise<Outcome> {
    const backup = this.state.backup;
    if (backup === undefined) return { ok: true };
    const who = await this.signer();
    if (!who.ok) return who;
    const done = await disableRecovery(backup.recoveryId, {
      fetch: this.fetchFn,
      relayUrl: who.relayUrl,
      device: who.device,
      now: this.now,
    });
    if (!done.ok) return { ok: false, message: done.error.message };
    if (done.value.pending !== undefined) {
      this.pending = pendingOf(done.value.pending, who.device.deviceId);
      this.set(this.state);
      return { ok: true };
    }
    try {
      await this.options.state.saveBackup(undefined);
    } catch (e) {
      return failed('The backup was deleted, but this device could not note it', e);
    }
    this.set({ ...this.state, backup: undefined });
    return { ok: true };
  }

  async refresh(): Promise<void> {
    const who = await this.signer();
    if (!who.ok) return;
    const found = await readAccountRecovery({
      fetch: this.fetchFn,
      relayUrl: who.relayUrl,
      device: who.device,
      now: this.now,
    });
    if (!found.ok) return;
    const remote = found.value;
    const pending =
      remote?.pending === null || remote?.pending === undefined
        ? null
        : pendingOf(remote.pending, who.device.deviceId);
    const pendingChanged = JSON.stringify(pending) !== JSON.stringify(this.pending);
    this.pending = pending;
    const local = this.state.backup;
    if (remote === null ? local === undefined : local?.recoveryId === remote.recoveryIdHex) {
      if (pendingChanged) this.set(this.state);
      return;
    }
    const backup =
      remote === null
        ? undefined
        : {
            recoveryId: remote.recoveryIdHex,
            accountId: who.device.accountId,
            relayUrl: who.relayUrl,
            enabledAt: remote.updatedAt,
          };
    try {
      await this.options.state.saveBackup(backup);
    } catch (e) {
      console.warn(`the recovery state was not saved: ${e instanceof Error ? e.message : 'error'}`);
    }
    this.set({ ...this.state, backup });
  }

  async cancelChange(): Promise<Outcome> {
    const who = await this.signer();
    if (!who.ok) return who;
    const done = await cancelRecoveryChange({
      fetch: this.fetchFn,
      relayUrl: who.relayUrl,
      device: who.device,
      now: this.now,
    });
    if (!done.ok) return { ok: false, message: done.error.message };
    this.pending = null;
    this.set(this.state);
    // What the relay holds now (another change may have come in meanwhile).
    await this.refresh();
    return { ok: true };
  }

  async dismissReminder(): Promise<void> {
    const at = this.now();
    this.set({ ...this.state, reminderDismissedAt: at });
    try {
      await this.options.state.saveReminderDismissed(at);
    } catch (e) {
      console.warn(
        `the reminder choice was not saved: ${e instanceof Error ? e.message : 'error'}`,
      );
    }
  }

  check(words: readonly string[]): RestoreOutcome {
    const checked = checkTypedPhrase(phraseWords(words.join(' ')).join(' '));
    return checked.ok ? { ok: true } : { ok: false, ...checked.error };
  }

  async restore(
    words: readonly string[],
    relayUrl: string,
    label?: string,
  ): Promise<RestoreOutcome> {
    const phrase = phraseWords(words.join(' ')).join(' ');
    // A mistyped word fails here, before anything touches the network or the keys.
    const checked = checkTypedPhrase(phrase);
    if (!checked.ok) return { ok: false, ...checked.error };
    let name: string | undefined;
    if (label !== undefined) {
      const named = checkLabel(label);
      if (!named.ok) return { ok: false, kind: 'failed', message: labelProblemText(named.error) };
      name = named.value;
    }
    const identity = await this.options.device.identity();
    if (!identity.ok) {
      return { ok: false, kind: 'failed', message: `${capital(identity.error)}.` };
    }
    const restored = await restoreFromPhrase(phrase, {
      fetch: this.fetchFn,
      relayUrl,
      device: {
        deviceId: uuidV4(randomBytes(16)),
        ...identity.value,
        label: name ?? identity.value.label,
      },
    });
    if (!restored.ok)
      return { ok: false, kind: restored.error.kind, message: restored.error.message };
    const adopted = await this.adopt(restored.value);
    return adopted.ok ? { ok: true } : { ok: false, kind: 'failed', message: adopted.message };
  }

  private async adopt(r: Restored): Promise<Outcome> {
    const adopted = await this.options.adopt(r);
    if (!adopted.ok) {
      const { step, message } = adopted.error;
      switch (step) {
        case 'key':
          return { ok: false, message: `The restored key could not be saved (${message}).` };
        case 'logs':
          return { ok: false, message: `Local storage failed (${message}).` };
        case 'account':
          return { ok: false, message: `Sync settings could not be saved (${message}).` };
      }
    }
    const now = this.now();
    const backup: BackupRecord = {
      recoveryId: r.recoveryIdHex,
      accountId: r.accountId,
      relayUrl: r.relayUrl,
      enabledAt: now,
    };
    try {
      await this.options.state.saveBackup(backup);
      await this.options.state.saveRestoring(now);
    } catch (e) {
      return failed('The account was restored, but this device could not note it', e);
    }
    this.set({ ...this.state, backup, restoringSince: now });
    return { ok: true };
  }

  async finishRestore(): Promise<void> {
    if (this.state.restoringSince === undefined) return;
    this.set({ ...this.state, restoringSince: undefined });
    try {
      await this.options.state.saveRestoring(undefined);
    } catch (e) {
      console.warn(
        `the restore state was not cleared: ${e instanceof Error ? e.message : 'error'}`,
      );
    }
  }
}
