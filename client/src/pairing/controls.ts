/**
 * Pairing and the device list as the UI sees them (through `AppModel`):
 * offering a pairing from this device, joining another device's offer (from
 * a fresh install, or from a device that was removed from its account), and
 * the account's devices with renaming and revocation. Implemented in
 * boot/controls.ts over the device, the sockets and fetch.
 */
import type { DeviceInfo, PairingQr, Result } from '@cairn/shared';
import type { NotReady } from '../device/device';
import type { Outcome } from '../lib/outcome';
import type { JoinView } from './join-session';
import type { OfferView } from './offer-session';

/** A running pairing as a view (for useSyncExternalStore) and the user's answers. */
interface PairingHandle<V> {
  readonly subscribe: (listener: () => void) => () => void;
  readonly get: () => V;
  /** "They match": A sends the key; B opens it once both users have said so. */
  confirm(): void;
  /** "They don't match": nothing is shared, the code is burned. */
  mismatch(): void;
  cancel(): void;
}

/** Device A's side: run it once; `confirm` sends K_master to the device whose digits match. */
export interface OfferHandle extends PairingHandle<OfferView> {
  run(): Promise<void>;
}

/** Device B's side, already running. */
export type JoinHandle = PairingHandle<JoinView>;

/** What B was given: a typed code, or A's QR code. */
export type JoinSecret = { code: string } | { qr: PairingQr };

export interface PairingControls {
  /** Starts offering (this device must be on the relay with its account). */
  offer(): Promise<Result<OfferHandle, NotReady>>;
  /** The name this device suggests for itself ("Chromium on Linux"). */
  defaultLabel(): string;
  /** A scanned QR code, if it is a Cairn pairing code. */
  readQr(text: string): JoinSecret | undefined;
  /**
   * Joins the account offering `secret`, as `label`. On `done` the account
   * has been adopted: the app must reload to open it.
   */
  join(secret: JoinSecret, label: string): Promise<Result<JoinHandle, string>>;
}

export type DeviceList =
  | { kind: 'not-ready'; why: NotReady }
  | { kind: 'failed'; message: string }
  /** The relay refuses this device: another device removed it from the account. */
  | { kind: 'removed' }
  | { kind: 'ready'; devices: DeviceInfo[] };

export interface DevicesControls {
  list(): Promise<DeviceList>;
  /** Revokes another device of the account: the relay refuses it from then on. */
  revoke(deviceId: string): Promise<Outcome>;
  /**
   * Renames a device of the account (this one included) on the relay, so
   * every device's list shows it. A name the relay would refuse is refused
   * here first, with the reason; nothing is ever shortened.
   */
  rename(deviceId: string, typed: string): Promise<Outcome>;
}
