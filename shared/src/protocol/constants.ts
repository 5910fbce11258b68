/**
 * Relay protocol constants: version, routes, limits, error and close codes.
 *
 * Versioning: the WebSocket lives at `/v1/ws`; `hello` and `auth` carry `v`.
 * A relay that cannot speak the client's `v` answers `unsupported-version` and
 * closes with 4400. Adding optional fields is compatible within a version
 * (receivers ignore fields they do not know); anything else bumps `v`.
 */

export const PROTOCOL_VERSION = 1;
export const WS_PATH = '/v1/ws';
export const ACCOUNTS_PATH = '/v1/accounts';

/** Domain-separation prefixes of every signed payload (see `auth.ts`). */
export const AUTH_CONTEXT = 'cairn-relay-auth-v1';
export const REGISTER_CONTEXT = 'cairn-relay-register-v1';

export const CHALLENGE_BYTES = 32;
export const STREAM_ID_WIRE_BYTES = 32;
export const EVENT_ID_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;
export const MAX_LABEL_LENGTH = 64;

/** Defaults; a relay announces the limits it enforces in `hello.limits`. */
export const DEFAULT_LIMITS = {
  /** Largest sealed event (decoded bytes): a whole-document snapshot must fit. */
  maxEventBytes: 4 * 1024 * 1024,
  /** Largest WebSocket frame: one event as base64 plus JSON envelope. */
  maxFrameBytes: Math.ceil((4 * 1024 * 1024 * 4) / 3) + 64 * 1024,
  /** Most events in one pull page. */
  maxPullLimit: 1000,
  /** Most sealed bytes in one pull page (a page always holds at least one event). */
  maxPageBytes: 4 * 1024 * 1024,
  /** Sustained pushes per second per device, and the burst above it. */
  pushRate: 1000,
  pushBurst: 10_000,
} as const;

export const DEFAULT_PULL_LIMIT = 500;

/** Every `code` an `error` message (WebSocket) or an error body (HTTP) can carry. */
export const ERROR_CODES = [
  'bad-frame', // not a JSON text frame
  'bad-message', // JSON that does not match any message schema
  'unsupported-version', // `v` is not one this relay speaks
  'not-authenticated', // a request before `ready`, or a second `auth`
  'auth-failed', // unknown account or device, or a bad signature (never says which)
  'revoked', // the device was revoked
  'rate-limited', // too many requests; `retryAfterMs` says when to try again
  'quota', // the account's storage is full
  'too-large', // an event over `maxEventBytes`
  'bad-cover', // a snapshot's `coversSeq` is beyond the stream's head
  'not-found', // relabel/revoke of a device this account does not have
  'exists', // registration of an id that is taken with other keys
  'unavailable', // storage is failing; nothing was stored, retry later
  'internal', // a relay bug
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** WebSocket close codes the relay uses (4000–4999 are the application's). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001, // relay shutting down: reconnect with backoff
  tooBig: 1009, // frame over maxFrameBytes (sent by the WebSocket layer)
  badVersion: 4400,
  authFailed: 4401,
  revoked: 4403, // do not reconnect: the device is revoked
  authTimeout: 4408,
  // Fan-out to this socket stopped (too many unread bytes buffered, or the relay
  // lost other processes' notices): reconnect and pull from the cursor.
  slowConsumer: 4409,
} as const;
