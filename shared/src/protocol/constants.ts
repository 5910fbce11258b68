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

/**
 * Ceilings no relay may configure past, so that every schema here has a
 * maximum for every string and array it accepts, in both directions (the
 * relay decodes client frames, the client decodes the relay's, with the same
 * schemas): a frame can never ask either side for unbounded work.
 */
export const MAX_EVENT_BYTES_CEILING = 16 * 1024 * 1024;
/** The longest `data` any frame carries: the base64 of the largest event. */
export const MAX_DATA_CHARS = Math.ceil(MAX_EVENT_BYTES_CEILING / 3) * 4;
/** Most events in one `events` page, streams in one `streams`, devices in one `devices`. */
export const MAX_PULL_LIMIT_CEILING = 10_000;
export const MAX_STREAMS_CEILING = 10_000;
export const MAX_DEVICES_CEILING = 1000;

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
  /**
   * Sealed bytes of one socket's pushes that may wait for their commit at
   * once; a push past it is answered `rate-limited` (one event always fits).
   */
  maxQueuedBytes: 16 * 1024 * 1024,
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
  'quota', // the account's storage is full, or it has the most devices or streams it may have
  'too-large', // an event over `maxEventBytes`
  'bad-cover', // a snapshot's `coversSeq` is beyond the stream's head
  'last-device', // revoking the account's last active device
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
  // Before `ready` only `auth` is taken: any other frame, or an auth that is not
  // one, ends the connection.
  notAuthenticated: 4402,
  // This device already has as many sockets open as the relay allows.
  tooManySockets: 4429,
  // The relay failed on this connection (a bug): it closed this socket only.
  internal: 1011,
  // Fan-out to this socket stopped (too many unread bytes buffered, or the relay
  // lost other processes' notices): reconnect and pull from the cursor.
  slowConsumer: 4409,
} as const;
