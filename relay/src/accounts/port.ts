/**
 * The accounts' store port: an account and its device rows (registration,
 * the device list, relabel, revoke, last seen). The registration route takes
 * it; so do the features that admit or authenticate a device (the sync
 * session, pairing, a restore), through this port only.
 *
 * Ids travel as on the wire: UUID strings for accounts and devices, base64
 * for keys. Expected outcomes are values; a thrown error means storage failed.
 * Implemented by store/ (PGlite and Postgres), checked by the accounts store
 * contract (relay/test/support/accounts-store-contract.ts).
 */

export interface NewDevice {
  deviceId: string;
  /** Ed25519 public key, base64. */
  signingKey: string;
  /** X25519 public key, base64. */
  boxKey: string;
  label: string;
}

export interface DeviceRecord {
  deviceId: string;
  signingKey: string;
  boxKey: string;
  label: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

/** `created`; `same` when an identical registration exists (a retry); `conflict` otherwise. */
export type RegisterOutcome = 'created' | 'same' | 'conflict';
/**
 * Also `too-many` (the account has `maxDevices` device rows, revoked ones
 * included) and `quota` (the row's DEVICE_ROW_BYTES do not fit the quota).
 */
export type AddDeviceOutcome = RegisterOutcome | 'no-account' | 'too-many' | 'quota';

/** What a new device row may not pass; absent: no limit (seeding tests and benchmarks). */
export interface DeviceLimits {
  maxDevices: number;
  quotaBytes: number;
}

/** `last-device`: the account's only active device is never revoked (nothing could add one back). */
export type RevokeOutcome = 'revoked' | 'not-found' | 'last-device';

export interface AccountStore {
  /** The account and its first device row (which counts DEVICE_ROW_BYTES of its quota). */
  registerAccount(accountId: string, first: NewDevice): Promise<RegisterOutcome>;
  addDevice(accountId: string, device: NewDevice, limits?: DeviceLimits): Promise<AddDeviceOutcome>;
  getDevice(accountId: string, deviceId: string): Promise<DeviceRecord | undefined>;
  listDevices(accountId: string): Promise<DeviceRecord[]>;
  relabelDevice(accountId: string, deviceId: string, label: string): Promise<boolean>;
  /**
   * Marks the device revoked (idempotent) and tells the other processes;
   * refused for the account's last active device.
   */
  revokeDevice(accountId: string, deviceId: string): Promise<RevokeOutcome>;
  touchDevice(accountId: string, deviceId: string): Promise<void>;
  /** What the account's rows (devices and events) count against its quota, in bytes. */
  bytesUsed(accountId: string): Promise<number>;
}
