/**
 * Relay limits and their defaults. Protocol-visible limits are announced to
 * clients in `hello.limits`; the rest are operational. Every one can be set by
 * `buildRelay` options and, in `main.ts`, by an environment variable
 * (docs/protocol.md "Limits", README "Settings of the relay").
 *
 * Together they bound what one connection, device, account, address and the
 * whole process can hold: a frame before authentication (`maxAuthFrameBytes`)
 * and on the pairing socket (`maxPairingFrameBytes`), after it
 * (`maxFrameBytes`); push bytes waiting for the committer per socket
 * (`maxQueuedBytes`) and in the process (`maxQueuedBytesTotal`); devices and
 * streams per account, sockets per device and per address; bytes unsent to a
 * slow reader (`maxBufferedBytes`).
 */
import {
  DEFAULT_LIMITS,
  MAX_DEVICES_CEILING,
  MAX_EVENT_BYTES_CEILING,
  MAX_PULL_LIMIT_CEILING,
  MAX_STREAMS_CEILING,
} from '@cairn/shared';

export interface RelayLimitsConfig {
  maxEventBytes: number;
  maxFrameBytes: number;
  maxPullLimit: number;
  maxPageBytes: number;
  /** Sustained pushes per second per device (token bucket rate). */
  pushRate: number;
  pushBurst: number;
  /** Sealed bytes of one socket's pushes waiting for commit; past it `rate-limited`. */
  maxQueuedBytes: number;
  /** Sealed bytes of every socket's pushes waiting for commit in this process. */
  maxQueuedBytesTotal: number;
  /** Sealed bytes an account may store; each device row counts DEVICE_ROW_BYTES. */
  quotaBytes: number;
  /** Device rows per account, revoked ones included (they stay, so ids are never reused). */
  maxDevices: number;
  /** Streams per account. */
  maxStreams: number;
  /** Authenticated sockets one device may hold open at once (in this process). */
  maxSocketsPerDevice: number;
  /** WebSockets (sync and pairing) open at once from one address (IPv6: one /64). */
  maxSocketsPerIp: number;
  /** Largest frame before `ready` on the sync socket: `auth` only. */
  maxAuthFrameBytes: number;
  /** Largest frame on the pairing socket. */
  maxPairingFrameBytes: number;
  /** A socket with more unsent bytes than this is closed (4409) instead of buffering more. */
  maxBufferedBytes: number;
  /** Requests other than push a socket may have in flight at once. */
  maxInFlight: number;
  authTimeoutMs: number;
  /** WebSocket ping interval; a socket that missed the last pong is terminated. */
  heartbeatMs: number;
  /** Per IP and minute: account registrations, and WebSocket connection attempts. */
  registerPerMinute: number;
  connectPerMinute: number;
  /** Per IP and minute: recovery lookups (GET and restore together). */
  recoveryLookupsPerMinute: number;
  /** Per IP and minute: pairing offer lookups (HTTP lookup and WebSocket join together). */
  pairingLookupsPerMinute: number;
  /** The longest a pairing offer lives (DESIGN §3.5: at most 10 minutes). */
  pairingTtlMs: number;
  /** How long a device's removal or replacement of the recovery blob waits for a cancel. */
  recoveryDelayMs: number;
  /** Group commit: most events and sealed bytes in one transaction. */
  maxBatchRows: number;
  maxBatchBytes: number;
}

export { DEVICE_ROW_BYTES } from './store/migrations.js';

export const DEFAULT_RELAY_LIMITS: RelayLimitsConfig = {
  ...DEFAULT_LIMITS,
  maxQueuedBytesTotal: 256 * 1024 * 1024,
  quotaBytes: 256 * 1024 * 1024,
  maxDevices: 100,
  maxStreams: 1000,
  maxSocketsPerDevice: 4,
  maxSocketsPerIp: 64,
  maxAuthFrameBytes: 4096,
  maxPairingFrameBytes: 4096,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxInFlight: 32,
  authTimeoutMs: 10_000,
  heartbeatMs: 30_000,
  registerPerMinute: 20,
  connectPerMinute: 120,
  recoveryLookupsPerMinute: 30,
  pairingLookupsPerMinute: 10,
  pairingTtlMs: 10 * 60 * 1000,
  recoveryDelayMs: 3 * 24 * 60 * 60 * 1000,
  maxBatchRows: 1000,
  maxBatchBytes: 8 * 1024 * 1024,
};

const ENV_NAMES: Record<keyof RelayLimitsConfig, string> = {
  maxEventBytes: 'RELAY_MAX_EVENT_BYTES',
  maxFrameBytes: 'RELAY_MAX_FRAME_BYTES',
  maxPullLimit: 'RELAY_MAX_PULL_LIMIT',
  maxPageBytes: 'RELAY_MAX_PAGE_BYTES',
  pushRate: 'RELAY_PUSH_RATE',
  pushBurst: 'RELAY_PUSH_BURST',
  maxQueuedBytes: 'RELAY_MAX_QUEUED_BYTES',
  maxQueuedBytesTotal: 'RELAY_MAX_QUEUED_BYTES_TOTAL',
  quotaBytes: 'RELAY_QUOTA_BYTES',
  maxDevices: 'RELAY_MAX_DEVICES',
  maxStreams: 'RELAY_MAX_STREAMS',
  maxSocketsPerDevice: 'RELAY_MAX_SOCKETS_PER_DEVICE',
  maxSocketsPerIp: 'RELAY_MAX_SOCKETS_PER_IP',
  maxAuthFrameBytes: 'RELAY_MAX_AUTH_FRAME_BYTES',
  maxPairingFrameBytes: 'RELAY_MAX_PAIRING_FRAME_BYTES',
  maxBufferedBytes: 'RELAY_MAX_BUFFERED_BYTES',
  maxInFlight: 'RELAY_MAX_IN_FLIGHT',
  authTimeoutMs: 'RELAY_AUTH_TIMEOUT_MS',
  heartbeatMs: 'RELAY_HEARTBEAT_MS',
  registerPerMinute: 'RELAY_REGISTER_PER_MINUTE',
  connectPerMinute: 'RELAY_CONNECT_PER_MINUTE',
  recoveryLookupsPerMinute: 'RELAY_RECOVERY_LOOKUPS_PER_MINUTE',
  pairingLookupsPerMinute: 'RELAY_PAIRING_LOOKUPS_PER_MINUTE',
  pairingTtlMs: 'RELAY_PAIRING_TTL_MS',
  recoveryDelayMs: 'RELAY_RECOVERY_DELAY_MS',
  maxBatchRows: 'RELAY_MAX_BATCH_ROWS',
  maxBatchBytes: 'RELAY_MAX_BATCH_BYTES',
};

export const envNameOf = (key: keyof RelayLimitsConfig): string => ENV_NAMES[key];

/** Limits overridden by RELAY_* variables; a malformed value is a startup error. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<RelayLimitsConfig> {
  const out: Partial<RelayLimitsConfig> = {};
  const keys = Object.keys(DEFAULT_RELAY_LIMITS).filter(isLimitKey);
  for (const key of keys) {
    const name = ENV_NAMES[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * The limits in force: defaults, then `overrides`; throws when one passes a
 * protocol ceiling (every schema has a maximum, see @cairn/shared
 * protocol/constants.ts) or cannot hold what another allows.
 */
export function resolveLimits(overrides: Partial<RelayLimitsConfig> = {}): RelayLimitsConfig {
  const l: RelayLimitsConfig = { ...DEFAULT_RELAY_LIMITS, ...overrides };
  const ceiling = (key: keyof RelayLimitsConfig, max: number): void => {
    if (l[key] > max) throw new Error(`${ENV_NAMES[key]} is at most ${max}, got ${l[key]}`);
  };
  ceiling('maxEventBytes', MAX_EVENT_BYTES_CEILING);
  ceiling('maxPullLimit', MAX_PULL_LIMIT_CEILING);
  ceiling('maxStreams', MAX_STREAMS_CEILING);
  ceiling('maxDevices', MAX_DEVICES_CEILING);
  if (l.maxQueuedBytes < l.maxEventBytes) {
    throw new Error(
      `${ENV_NAMES.maxQueuedBytes} (${l.maxQueuedBytes}) must hold one event (${ENV_NAMES.maxEventBytes}, ${l.maxEventBytes})`,
    );
  }
  if (l.maxQueuedBytesTotal < l.maxQueuedBytes) {
    throw new Error(
      `${ENV_NAMES.maxQueuedBytesTotal} (${l.maxQueuedBytesTotal}) must hold one socket's (${ENV_NAMES.maxQueuedBytes}, ${l.maxQueuedBytes})`,
    );
  }
  return l;
}

function isLimitKey(k: string): k is keyof RelayLimitsConfig {
  return k in ENV_NAMES;
}
