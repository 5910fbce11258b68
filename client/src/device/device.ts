/**
 * This device's identity, owned in one place: its keys (through the
 * KeyVault), its account record (enabled, relay, account and device ids,
 * registered: `cairn-sync` / `settings` / "settings", the one `SyncSettings`
 * shape), its label, and what pairing and recovery do when they bring an
 * account: `adopt`. Sync, pairing and recovery take it as a port and never
 * open a database themselves; nothing else writes the account record.
 *
 * K_master is given at construction: boot/ reads it before first paint. The
 * device keys and the account record load on first use, off that path.
 */
import {
  equalBytes,
  err,
  ok,
  randomBytes,
  uuidV4,
  type KeyPair,
  type PairingDevice,
  type Result,
} from '@cairn/shared';
import type { DeviceKeys, KeyVault } from '../storage/key-vault';
import type { LogStorage } from '../storage/log-storage';
import type {
  SettingsStore,
  SyncSettings,
  SyncStore,
  SyncStoreResult,
} from '../storage/sync-state';
import { defaultDeviceLabel, type NavigatorLike } from './label';

/** The account this device belongs to (today's `SyncSettings`, same shape and place). */
export type AccountRecord = SyncSettings;

/** Where the account record lives, and the relay state an adopted account resets. */
export type AccountRecordStore = Pick<
  SyncStore,
  'loadSettings' | 'saveSettings' | 'resetRelayState'
>;

/** Why this device cannot speak to the relay for its account yet. */
export type NotReady =
  { kind: 'sync-off' } | { kind: 'not-registered' } | { kind: 'failed'; message: string };

/** What a request to the relay is signed with, on behalf of this device's account. */
export interface RelayCredentials {
  readonly relayUrl: string;
  readonly accountId: string;
  readonly deviceId: string;
  readonly signing: KeyPair;
}

/** How this device introduces itself to a relay (registration, restore). */
export interface DeviceIdentity {
  readonly signing: KeyPair;
  readonly boxPublicKey: Uint8Array;
  readonly label: string;
}

/** An account brought by pairing or recovery, with the id the relay knows this device by. */
export interface AdoptedAccount {
  readonly kMaster: Uint8Array;
  readonly relayUrl: string;
  readonly accountId: string;
  readonly deviceId: string;
}

/** Which step of `adopt` failed; what came before it stays done. */
export interface AdoptFailure {
  readonly step: 'key' | 'logs' | 'account';
  readonly message: string;
}

export interface DeviceOptions {
  /** This device's K_master as it opened (boot/ reads it before first paint). */
  readonly kMaster: Uint8Array;
  readonly vault: KeyVault;
  readonly accounts: AccountRecordStore;
  /** The open logs: an adopted account removes those sealed under the replaced key. */
  readonly logs: Pick<LogStorage, 'list' | 'remove'>;
  readonly navigator: NavigatorLike;
}

export class Device {
  private keysCache: DeviceKeys | undefined;
  private record: AccountRecord | undefined;
  private recordLoaded = false;

  constructor(private readonly options: DeviceOptions) {}

  get kMaster(): Uint8Array {
    return this.options.kMaster;
  }

  /** The default name of this device in the device list ("Chromium on Linux"). */
  label(): string {
    return defaultDeviceLabel(this.options.navigator);
  }

  /** The Ed25519 and X25519 key pairs, loaded (or created) once. */
  async keys(): Promise<Result<DeviceKeys, string>> {
    if (this.keysCache !== undefined) return ok(this.keysCache);
    const keys = await this.options.vault.loadOrCreateDeviceKeys();
    if (!keys.ok) return err(`the device keys could not be opened (${keys.error.message})`);
    this.keysCache = keys.value;
    return ok(keys.value);
  }

  async identity(): Promise<Result<DeviceIdentity, string>> {
    const keys = await this.keys();
    if (!keys.ok) return keys;
    return ok({
      signing: keys.value.ed25519,
      boxPublicKey: keys.value.x25519.publicKey,
      label: this.label(),
    });
  }

  /** The identity a new device answers a pairing offer with: its keys, a fresh id, `label`. */
  async joining(label: string): Promise<Result<PairingDevice, string>> {
    const keys = await this.keys();
    if (!keys.ok) return keys;
    return ok({
      id: uuidV4(randomBytes(16)),
      ed25519: keys.value.ed25519.publicKey,
      x25519: keys.value.x25519.publicKey,
      label,
    });
  }

  /**
   * The account record, as the sync engine keeps it: the engine reads and
   * writes it only through here, so the device's copy is always the one saved.
   * Closing is the database owner's business (boot/), not the engine's.
   */
  readonly accountRecord: SettingsStore = {
    loadSettings: () => this.loadAccount(),
    saveSettings: (record) => this.saveAccount(record),
    close: () => undefined,
  };

  private async loadAccount(): Promise<SyncStoreResult<AccountRecord | undefined>> {
    if (this.recordLoaded) return ok(this.record);
    const loaded = await this.options.accounts.loadSettings();
    if (!loaded.ok) return loaded;
    // A save that raced the load wins: it is newer.
    if (!this.recordLoaded) {
      this.record = loaded.value;
      this.recordLoaded = true;
    }
    return ok(this.record);
  }

  private async saveAccount(record: AccountRecord): Promise<SyncStoreResult<void>> {
    const saved = await this.options.accounts.saveSettings(record);
    if (!saved.ok) return saved;
    this.record = { ...record };
    this.recordLoaded = true;
    return ok(undefined);
  }

  /** This device's relay credentials, once sync is on and the relay knows it. */
  async credentials(): Promise<Result<RelayCredentials, NotReady>> {
    const record = await this.loadAccount();
    if (!record.ok) return err({ kind: 'failed', message: record.error.message });
    const r = record.value;
    if (r === undefined || !r.enabled) return err({ kind: 'sync-off' });
    if (!r.registered) return err({ kind: 'not-registered' });
    const keys = await this.keys();
    if (!keys.ok) return err({ kind: 'failed', message: keys.error });
    return ok({
      relayUrl: r.relayUrl,
      accountId: r.accountId,
      deviceId: r.deviceId,
      signing: keys.value.ed25519,
    });
  }

  /**
   * Makes this device a device of `account` (pairing and recovery alike):
   * K_master is replaced, the logs sealed under the replaced key are removed
   * (the new key cannot read them; under the same key they are kept), the relay state (cursors, queue, known ids)
   * is reset, and the account record says: sync on, this relay, this account,
   * this device id, registered. The caller stops sync first (boot/adopt.ts) and
   * reloads after, so every document opens under the new key.
   */
  async adopt(account: AdoptedAccount): Promise<Result<void, AdoptFailure>> {
    const saved = await this.options.vault.saveMasterKey(account.kMaster, { replace: true });
    if (!saved.ok) return err({ step: 'key', message: saved.error.message });
    // The same key (a removed device paired again, or restored from the phrase,
    // into its own account): the logs still open, so they stay, and what was
    // written here meanwhile goes up with the next sync (the scan queues it).
    if (!equalBytes(account.kMaster, this.options.kMaster)) {
      const names = await this.options.logs.list();
      if (!names.ok) return err({ step: 'logs', message: names.error.message });
      for (const name of names.value) {
        const removed = await this.options.logs.remove(name);
        if (!removed.ok) return err({ step: 'logs', message: removed.error.message });
      }
    }
    const reset = await this.options.accounts.resetRelayState();
    if (!reset.ok) return err({ step: 'account', message: reset.error.message });
    const record = await this.saveAccount({
      enabled: true,
      relayUrl: account.relayUrl,
      accountId: account.accountId,
      deviceId: account.deviceId,
      registered: true,
    });
    if (!record.ok) return err({ step: 'account', message: record.error.message });
    return ok(undefined);
  }
}

/**
 * Adopting an account as the app does it (boot/adopt.ts): sync stopped
 * first, then `Device.adopt`. Pairing and recovery take this as their port.
 */
export type Adopt = (account: AdoptedAccount) => Promise<Result<void, AdoptFailure>>;
