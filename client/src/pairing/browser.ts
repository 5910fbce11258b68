/**
 * The pairing's ties to this browser: the device's keys and sync settings
 * from IndexedDB (storage/keys.ts, sync/idb-sync-store.ts), and what a new
 * device does with the key it received: wrap and store K_master, then switch
 * sync on for the account with the ids the other device registered. The page
 * then reloads, so every document opens under the new K_master and sync
 * bootstraps from the relay.
 */
import { err, ok, randomBytes, uuidV4, type PairingDevice, type Result } from '@cairn/shared';
import { loadMasterKey, loadOrCreateDeviceKeys, saveMasterKey } from '../storage/idb/keys';
import { IdbSyncStore } from '../storage/idb/sync-database';
import type { RelayAccess } from './devices';
import type { AdoptAccount } from './join-session';
import type { OfferContext } from './offer-session';
import { browserSocket } from '../sync/socket';

export type NotReady =
  { kind: 'sync-off' } | { kind: 'not-registered' } | { kind: 'failed'; message: string };

interface Account {
  relayUrl: string;
  accountId: string;
  deviceId: string;
}

async function account(): Promise<Result<Account, NotReady>> {
  const store = new IdbSyncStore();
  try {
    const settings = await store.loadSettings();
    if (!settings.ok) return err({ kind: 'failed', message: settings.error.message });
    const s = settings.value;
    if (s === undefined || !s.enabled) return err({ kind: 'sync-off' });
    if (!s.registered) return err({ kind: 'not-registered' });
    return ok({ relayUrl: s.relayUrl, accountId: s.accountId, deviceId: s.deviceId });
  } finally {
    store.close();
  }
}

/** This device's relay credentials, for the device list and revocation. */
export async function relayAccess(): Promise<Result<RelayAccess, NotReady>> {
  const a = await account();
  if (!a.ok) return a;
  const keys = await loadOrCreateDeviceKeys();
  if (!keys.ok) return err({ kind: 'failed', message: keys.error.message });
  return ok({
    relayUrl: a.value.relayUrl,
    accountId: a.value.accountId,
    deviceId: a.value.deviceId,
    signingSecretKey: keys.value.ed25519.secretKey,
    connect: browserSocket,
  });
}

/** Everything device A needs to offer pairing. */
export async function offerContext(): Promise<Result<OfferContext, NotReady>> {
  const access = await relayAccess();
  if (!access.ok) return access;
  const kMaster = await loadMasterKey();
  if (!kMaster.ok) return err({ kind: 'failed', message: kMaster.error.message });
  if (kMaster.value === undefined)
    return err({ kind: 'failed', message: 'this device has no key' });
  return ok({ ...access.value, kMaster: kMaster.value });
}

/** The identity a new device answers an offer with: its keys, a fresh id, the chosen label. */
export async function joiningDevice(label: string): Promise<Result<PairingDevice, string>> {
  const keys = await loadOrCreateDeviceKeys();
  if (!keys.ok) return err(`the device keys could not be opened (${keys.error.message})`);
  return ok({
    id: uuidV4(randomBytes(16)),
    ed25519: keys.value.ed25519.publicKey,
    x25519: keys.value.x25519.publicKey,
    label,
  });
}

/** Stores the received K_master and turns sync on for that account as `deviceId`. */
export function adoptAccount(deviceId: string): AdoptAccount {
  return async ({ kMaster, accountId, relayUrl }) => {
    // A fresh install has written nothing under its own first key, so it may be replaced.
    const saved = await saveMasterKey(kMaster, { replace: true });
    if (!saved.ok)
      return { ok: false, message: `The key could not be stored: ${saved.error.message}` };
    const store = new IdbSyncStore();
    try {
      const reset = await store.resetRelayState();
      if (!reset.ok)
        return { ok: false, message: `Sync could not be set up: ${reset.error.message}` };
      const done = await store.saveSettings({
        enabled: true,
        relayUrl,
        accountId,
        deviceId,
        registered: true,
      });
      return done.ok
        ? { ok: true }
        : { ok: false, message: `Sync could not be set up: ${done.error.message}` };
    } finally {
      store.close();
    }
  };
}
