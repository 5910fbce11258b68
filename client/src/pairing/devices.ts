/**
 * The device list and revocation (docs/protocol.md "Relay protocol":
 * `devices`, `relabel`, `revoke`). Each call opens its own short connection
 * on the sync socket, authenticates as this device, asks, and closes, so the
 * Devices view needs nothing from the sync engine but this device's ids and
 * key. Expected failures (offline, refused) are values.
 */
import {
  RelayProtocolClient,
  err,
  ok,
  type Answer,
  type DeviceCredentials,
  type DeviceInfo,
  type RequestFailure,
  type Result,
} from '@cairn/shared';
import type { SocketFactory } from '../lib/platform';
import { webSocketUrl } from '../device/relay-address';

export const RELAY_CALL_TIMEOUT_MS = 15_000;

export interface RelayAccess extends DeviceCredentials {
  relayUrl: string;
  connect: SocketFactory;
}

/** Runs `call` on a fresh authenticated connection, then closes it. */
export function withRelay<T>(
  access: RelayAccess,
  call: (client: RelayProtocolClient) => Promise<Answer<T>>,
  timeoutMs = RELAY_CALL_TIMEOUT_MS,
): Promise<Result<T, RequestFailure>> {
  const url = webSocketUrl(access.relayUrl);
  if (url === undefined) {
    return Promise.resolve(err({ code: 'bad-message', message: 'the relay URL is not http(s)' }));
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Result<T, RequestFailure>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close(1000, 'done');
      resolve(r);
    };
    const timer = setTimeout(
      () => settle(err({ code: 'closed', message: 'the relay did not answer in time' })),
      timeoutMs,
    );
    const client = new RelayProtocolClient((text) => socket.send(text));
    const socket = access.connect(url, {
      open: () => {
        void (async () => {
          const ready = await client.authenticate(access);
          if (!ready.ok) return settle(ready);
          settle(await call(client));
        })();
      },
      message: (text) => client.receive(text),
      binary: () => undefined,
      close: (code, reason) => {
        client.closed(code, reason);
        settle(err({ code: 'closed', message: `the connection closed (${code})` }));
      },
    });
  });
}

export async function listDevices(
  access: RelayAccess,
): Promise<Result<DeviceInfo[], RequestFailure>> {
  const r = await withRelay(access, (c) => c.devices());
  return r.ok ? ok(r.value.devices) : r;
}

export async function revokeDevice(
  access: RelayAccess,
  deviceId: string,
): Promise<Result<void, RequestFailure>> {
  const r = await withRelay(access, (c) => c.revoke(deviceId));
  return r.ok ? ok(undefined) : r;
}

export async function relabelDevice(
  access: RelayAccess,
  deviceId: string,
  label: string,
): Promise<Result<void, RequestFailure>> {
  const r = await withRelay(access, (c) => c.relabel(deviceId, label));
  return r.ok ? ok(undefined) : r;
}

/** A failure in words for the Devices view. */
export function failureMessage(f: RequestFailure): string {
  switch (f.code) {
    case 'closed':
      return 'The relay could not be reached. Check the connection and try again.';
    case 'revoked':
      return 'This device was removed from your account.';
    case 'auth-failed':
      return 'The relay does not know this device yet. Wait until it says “Synced”.';
    case 'not-found':
      return 'That device is not in your account.';
    case 'rate-limited':
      return 'The relay is busy. Try again in a moment.';
    default:
      return `The relay refused: ${f.message}`;
  }
}
