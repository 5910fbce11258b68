/**
 * Relay limits and their defaults. Protocol-visible limits are announced to
 * clients in `hello.limits`; the rest are operational. Every one can be set by
 * `buildRelay` options and, in `main.ts`, by an environment variable.
 */
import { DEFAULT_LIMITS } from '@cairn/shared';

export interface RelayLimitsConfig {
  maxEventBytes: number;
  maxFrameBytes: number;
  maxPullLimit: number;
  maxPageBytes: number;
  /** Sustained pushes per second per device (token bucket rate). */
  pushRate: number;
  pushBurst: number;
  /** Sealed bytes an account may store. */
  quotaBytes: number;
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
  /** Group commit: most events and sealed bytes in one transaction. */
  maxBatchRows: number;
  maxBatchBytes: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimitsConfig = {
  ...DEFAULT_LIMITS,
  quotaBytes: 256 * 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxInFlight: 32,
  authTimeoutMs: 10_000,
  heartbeatMs: 30_000,
  registerPerMinute: 20,
  connectPerMinute: 120,
  recoveryLookupsPerMinute: 30,
  pairingLookupsPerMinute: 10,
  pairingTtlMs: 10 * 60 * 1000,
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
  quotaBytes: 'RELAY_QUOTA_BYTES',
  maxBufferedBytes: 'RELAY_MAX_BUFFERED_BYTES',
  maxInFlight: 'RELAY_MAX_IN_FLIGHT',
  authTimeoutMs: 'RELAY_AUTH_TIMEOUT_MS',
  heartbeatMs: 'RELAY_HEARTBEAT_MS',
  registerPerMinute: 'RELAY_REGISTER_PER_MINUTE',
  connectPerMinute: 'RELAY_CONNECT_PER_MINUTE',
  recoveryLookupsPerMinute: 'RELAY_RECOVERY_LOOKUPS_PER_MINUTE',
  pairingLookupsPerMinute: 'RELAY_PAIRING_LOOKUPS_PER_MINUTE',
  pairingTtlMs: 'RELAY_PAIRING_TTL_MS',
  maxBatchRows: 'RELAY_MAX_BATCH_ROWS',
  maxBatchBytes: 'RELAY_MAX_BATCH_BYTES',
};

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

function isLimitKey(k: string): k is keyof RelayLimitsConfig {
  return k in ENV_NAMES;
}
