/**
 * The `*Controls` the app model aggregates, built over the parts compose.ts
 * made: sync's status and Settings opt-in over the engine, pairing and the
 * device list over the device, the socket factory and fetch. Thin on
 * purpose: the features hold the logic, these bind it to this device.
 */
import { decodePairingQr, err, ok, type Result } from '@cairn/shared';
import type { Outcome, SyncControls, SyncSettingsView, SyncState } from '../app/types';
import type { Adopt, Device, NotReady } from '../device/device';
import { normaliseRelayUrl } from '../device/relay-address';
import type { SocketFactory } from '../lib/platform';
import type {
  DeviceList,
  DevicesControls,
  JoinHandle,
  JoinSecret,
  OfferHandle,
  PairingControls,
} from '../pairing/controls';
import { checkLabel, labelProblemText } from '../device/label';
import {
  failureMessage,
  listDevices,
  relabelDevice,
  revokeDevice,
  type RelayAccess,
} from '../pairing/devices';
import { JoinSession, type LookupFetch } from '../pairing/join-session';
import { OfferSession } from '../pairing/offer-session';
import type { SyncEngine } from '../sync/engine/engine';
import type { SyncStatus } from '../sync/engine/status';
import type { SyncProblem } from '../sync/replica/ports';

/** The engine's status in the UI's terms ("Local only" when sync is off). */
export function syncStateOf(status: SyncStatus): SyncState {
  switch (status.kind) {
    case 'off':
      return { kind: 'local' };
    case 'connecting':
      return { kind: 'connecting', queued: status.queued };
    case 'offline':
      return { kind: 'offline', queued: status.queued };
    case 'syncing':
      return { kind: 'syncing', done: status.done, total: status.total };
    case 'synced':
      return { kind: 'synced' };
    case 'refused':
      return { kind: 'refused', reason: status.reason, message: status.message };
  }
}

export function describeSyncProblem(p: SyncProblem): string {
  switch (p.kind) {
    case 'record':
      return `sync: event ${p.seq} of ${p.doc} was not applied (${p.code})`;
    case 'dropped':
      return `sync: a ${p.doc} record was refused by the relay (${p.code}: ${p.message})`;
    case 'storage':
      return `sync: local storage failed (${p.message})`;
  }
}

/** Sync as the UI sees it: the engine's status and the Settings opt-in. */
export class EngineControls implements SyncControls {
  private stateCache: { status: SyncStatus; state: SyncState } | undefined;

  constructor(
    private readonly engine: SyncEngine,
    /** The relay offered before one is chosen: the one that served this app. */
    private readonly defaultRelayUrl: string,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) =>
    this.engine.status.subscribe(listener);

  readonly state = (): SyncState => {
    const status = this.engine.status.get();
    if (this.stateCache?.status !== status)
      this.stateCache = { status, state: syncStateOf(status) };
    return this.stateCache.state;
  };

  readonly settings = (): SyncSettingsView => {
    const s = this.engine.settings;
    return { enabled: s?.enabled ?? false, relayUrl: s?.relayUrl ?? this.defaultRelayUrl };
  };

  async setEnabled(enabled: boolean, relayUrl: string): Promise<Outcome> {
    if (enabled && normaliseRelayUrl(relayUrl) === undefined) {
      return {
        ok: false,
        message: 'Enter the relay’s address, starting with https:// or http://.',
      };
    }
    const done = enabled ? await this.engine.enable(relayUrl) : await this.engine.disable();
    if (done.ok) return { ok: true };
    return { ok: false, message: `The setting could not be saved: ${done.error.message}` };
  }
}

interface PairingPorts {
  device: Device;
  adopt: Adopt;
  connect: SocketFactory;
  fetch: LookupFetch;
  /** The relay a typed code was made on: the one that served this app. */
  origin: string;
}

async function relayAccess(
  ports: Pick<PairingPorts, 'device' | 'connect'>,
): Promise<Result<RelayAccess, NotReady>> {
  const c = await ports.device.credentials();
  if (!c.ok) return c;
  return ok({
    relayUrl: c.value.relayUrl,
    accountId: c.value.accountId,
    deviceId: c.value.deviceId,
    signingSecretKey: c.value.signing.secretKey,
    connect: ports.connect,
  });
}

export function pairingControls(ports: PairingPorts): PairingControls {
  return {
    defaultLabel: () => ports.device.label(),
    readQr: (text) => {
      const qr = decodePairingQr(text);
      return qr.ok ? { qr: qr.value } : undefined;
    },
    async offer(): Promise<Result<OfferHandle, NotReady>> {
      const access = await relayAccess(ports);
      if (!access.ok) return access;
      return ok(new OfferSession({ ...access.value, kMaster: ports.device.kMaster }));
    },
    async join(secret: JoinSecret, label: string): Promise<Result<JoinHandle, string>> {
      const joining = await ports.device.joining(label);
      if (!joining.ok) return err(joining.error);
      const deviceId = joining.value.id;
      const session = new JoinSession({
        relayUrl: 'qr' in secret ? secret.qr.relay : ports.origin,
        device: joining.value,
        fetch: ports.fetch,
        connect: ports.connect,
        adopt: async (joined) => {
          const adopted = await ports.adopt({ ...joined, deviceId });
          if (adopted.ok) return { ok: true };
          const { step, message } = adopted.error;
          return {
            ok: false,
            message:
              step === 'key'
                ? `The key could not be stored: ${message}`
                : step === 'logs'
                  ? `Local storage failed: ${message}`
                  : `Sync could not be set up: ${message}`,
          };
        },
      });
      void session.run(secret);
      return ok(session);
    },
  };
}

export function devicesControls(ports: Pick<PairingPorts, 'device' | 'connect'>): DevicesControls {
  const access = (): Promise<Result<RelayAccess, NotReady>> => relayAccess(ports);
  return {
    async list(): Promise<DeviceList> {
      const a = await access();
      if (!a.ok) return { kind: 'not-ready', why: a.error };
      const devices = await listDevices(a.value);
      if (devices.ok) return { kind: 'ready', devices: devices.value };
      if (devices.error.code === 'revoked') return { kind: 'removed' };
      return { kind: 'failed', message: failureMessage(devices.error) };
    },
    async revoke(deviceId: string): Promise<Outcome> {
      const a = await access();
      if (!a.ok)
        return { ok: false, message: 'This device cannot reach your account’s relay now.' };
      const done = await revokeDevice(a.value, deviceId);
      return done.ok ? { ok: true } : { ok: false, message: failureMessage(done.error) };
    },
    async rename(deviceId: string, typed: string): Promise<Outcome> {
      const checked = checkLabel(typed);
      if (!checked.ok) return { ok: false, message: labelProblemText(checked.error) };
      const a = await access();
      if (!a.ok)
        return { ok: false, message: 'This device cannot reach your account’s relay now.' };
      const done = await relabelDevice(a.value, deviceId, checked.value);
      return done.ok ? { ok: true } : { ok: false, message: failureMessage(done.error) };
    },
  };
}
