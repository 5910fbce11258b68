/**
 * The port to the device's secrets at rest (DESIGN §2 "Keys on the device"):
 * the Ed25519 and X25519 key pairs, and the replacement of K_master when
 * pairing or recovery brings the account's key. Two implementations: the
 * IndexedDB vault of the browser (idb/keys.ts) and `MemoryKeyVault` (tests,
 * Node harness devices). K_master itself is read once, before first paint,
 * by boot/.
 */
import type { KeyPair } from '@cairn/shared';
import type { StorageResult } from './log-storage';

export interface DeviceKeys {
  readonly ed25519: KeyPair;
  readonly x25519: KeyPair;
}

export interface KeyVault {
  /** The device's Ed25519 (relay identity) and X25519 key pairs, created on first use. */
  loadOrCreateDeviceKeys(): Promise<StorageResult<DeviceKeys>>;
  /**
   * Stores K_master. Refuses (`exists`) to replace a different key unless
   * `replace` is set: every log is sealed under the old one.
   */
  saveMasterKey(
    kMaster: Uint8Array,
    options?: { readonly replace?: boolean },
  ): Promise<StorageResult<void>>;
}
