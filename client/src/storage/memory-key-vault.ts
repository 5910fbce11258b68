/**
 * A KeyVault in memory, for tests and Node harness devices: the same
 * contract as the IndexedDB vault (key pairs created once; K_master replaced
 * only when asked), with nothing at rest.
 */
import { ed25519KeyPair, equalBytes, randomBytes, ready, x25519KeyPair } from '@cairn/shared';
import type { DeviceKeys, KeyVault } from './key-vault';
import { storageError, type StorageResult } from './log-storage';

export class MemoryKeyVault implements KeyVault {
  private keys: DeviceKeys | undefined;

  constructor(
    public kMaster: Uint8Array | undefined = undefined,
    private readonly seeds?: { ed25519: Uint8Array; x25519: Uint8Array },
  ) {}

  async loadOrCreateDeviceKeys(): Promise<StorageResult<DeviceKeys>> {
    await ready();
    this.keys ??= {
      ed25519: ed25519KeyPair(this.seeds?.ed25519 ?? randomBytes(32)),
      x25519: x25519KeyPair(this.seeds?.x25519 ?? randomBytes(32)),
    };
    return { ok: true, value: this.keys };
  }

  saveMasterKey(
    kMaster: Uint8Array,
    options: { readonly replace?: boolean } = {},
  ): Promise<StorageResult<void>> {
    if (kMaster.length !== 32) throw new RangeError('K_master is 32 bytes');
    const same = this.kMaster !== undefined && equalBytes(this.kMaster, kMaster);
    if (this.kMaster !== undefined && !same && options.replace !== true) {
      return Promise.resolve({
        ok: false,
        error: storageError('exists', 'this device already has a different K_master'),
      });
    }
    this.kMaster = new Uint8Array(kMaster);
    return Promise.resolve({ ok: true, value: undefined });
  }
}
