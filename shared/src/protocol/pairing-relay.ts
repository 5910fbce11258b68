/**
 * The relay's side of device pairing — docs/protocol.md "Device pairing",
 * "Through the relay". The pairing messages themselves (`pair-offer` …
 * `pair-abort`, shared/src/pairing/messages.ts) travel inside these frames;
 * the relay checks their shape (canonical base64 of the exact lengths) and
 * forwards them unchanged. It never sees the code, only `lookupKey` =
 * SHA-256(code).
 *
 *   POST /v1/pairing/lookup   {v, lookupKey}  → {offer, expiresAt, now} B, no auth,
 *                                                                       rate-limited per IP
 *   WebSocket /v1/pairing     one JSON object per text frame; the relay opens with
 *                             `pairing-hello` {v, challenge, ttlMs}
 *     A (authenticated, the device that has K_master):
 *       → pairing-auth {v, accountId, deviceId, signature}   ← pairing-ready
 *       → pairing-open {lookupKey, offer, ttlMs}             ← pairing-opened {expiresAt}
 *       ← pairing-from {joiner, message: pair-response | pair-abort}
 *       → pairing-reject {joiner}                            (mac_b failed: a failed attempt)
 *       → pairing-to {joiner, message: pair-reveal | pair-abort}
 *       → pairing-complete {joiner, device, envelope}        ← pairing-completed {deviceId}
 *       → pair-abort {reason}                                (ends the offer, burns the code)
 *       ← pairing-ended {reason: expired | burned}
 *     B (not a device yet, no auth):
 *       → pairing-join {v, lookupKey, response}              rate-limited per IP
 *       ← pair-reveal, pair-envelope, pair-abort             exactly as A sent them
 *       → pair-abort {reason}                                (ends the offer, burns the code)
 *   Either side may get `error` {code, message, retryAfterMs?}; HTTP errors
 *   carry the same body (and `Retry-After` in seconds on 429).
 *
 * `joiner` is an opaque id the relay gives each B connection, so that A's
 * answers reach the B whose response A accepted and no other.
 *
 * The auth signature is Ed25519 over
 *   "cairn-relay-pair-auth-v1" ‖ 0x00 ‖ challenge(32) ‖ account_id(16) ‖ device_id(16)
 * — the sync socket's layout under its own prefix, so a signature made for
 * one socket is never valid on the other.
 *
 * Versioning: `v` on hello, auth, join and lookup; a relay that cannot speak
 * it answers `unsupported-version`. Unknown fields are refused (strict
 * objects): these frames are small and both ends are Cairn.
 */
import * as v from 'valibot';
import { concat, fromBase64, toBase64, utf8 } from '../bytes.js';
import { ed25519Sign, ed25519Verify } from '../identity.js';
import { MLKEM_CIPHERTEXT_BYTES, MLKEM_PUBLIC_KEY_BYTES } from '../pairing/kem.js';
import { DeviceLabel, PAIRING_ENVELOPE_BYTES, PairAbortReason } from '../pairing/messages.js';
import { uuidToBytes } from '../uuid.js';
import { describeIssues, PARSE_CONFIG } from './codec.js';
import { boundedString, ChallengeB64, fixedBase64, Message, SignatureB64, Uuid } from './fields.js';

export const PAIRING_PROTOCOL_VERSION = 1;
export const PAIRING_WS_PATH = '/v1/pairing';
export const PAIRING_LOOKUP_PATH = '/v1/pairing/lookup';
export const PAIR_AUTH_CONTEXT = 'cairn-relay-pair-auth-v1';

/** Every `code` a pairing `error` can carry. */
export const PAIRING_ERROR_CODES = [
  'bad-frame', // not a JSON text frame
  'bad-message', // JSON that fits no frame of this protocol
  'unsupported-version',
  'not-authenticated', // an A-only frame before pairing-ready, or a second auth
  'auth-failed', // unknown device or a bad signature
  'revoked', // the authenticating device was revoked
  'rate-limited', // too many lookups from this address; retryAfterMs says when to retry
  'not-found', // no offer under this lookup key (a typo in the code, or long gone)
  'expired', // the offer's time ran out
  'used', // the offer already paired a device: codes are single use
  'burned', // the offer was cancelled, or saw 5 failed attempts
  'exists', // an offer under this lookup key exists; or B's device id is taken
  'busy', // this socket already holds an open offer
  'unknown-joiner', // A named a joiner that never answered its offer
  'quota', // the account has the most devices it may have (or its storage is full)
  'unavailable', // storage is failing; nothing changed, retry later
  'internal',
] as const;
export type PairingErrorCode = (typeof PAIRING_ERROR_CODES)[number];

/** WebSocket close codes of the pairing socket (the sync socket's where they mean the same). */
export const PAIRING_CLOSE_CODES = {
  done: 1000,
  goingAway: 1001,
  badVersion: 4400,
  authFailed: 4401,
  revoked: 4403,
  authTimeout: 4408,
  /** The offer ended: expired, used, burned or aborted. */
  ended: 4410,
} as const;

// ── the pairing messages, in wire form (strings; the relay never decodes them) ──

const version = v.literal(PAIRING_PROTOCOL_VERSION);
export const LookupKeyB64 = fixedBase64(32, 'lookupKey');
const JOINER = /^[0-9a-f]{32}$/;
const Joiner = boundedString(32, (s) => JOINER.test(s), 'joiner is 32 hex digits');
const Millis = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

export const PairOfferFrame = v.strictObject({
  type: v.literal('pair-offer'),
  v: version,
  x25519: fixedBase64(32, 'x25519'),
  mlkem: fixedBase64(MLKEM_PUBLIC_KEY_BYTES, 'mlkem'),
  commit: fixedBase64(32, 'commit'),
  mac: fixedBase64(32, 'mac'),
});
export type PairOfferFrame = v.InferOutput<typeof PairOfferFrame>;

export const PairingDeviceFrame = v.strictObject({
  id: Uuid,
  ed25519: fixedBase64(32, 'ed25519'),
  x25519: fixedBase64(32, 'x25519'),
  label: DeviceLabel,
});
export type PairingDeviceFrame = v.InferOutput<typeof PairingDeviceFrame>;

export const PairResponseFrame = v.strictObject({
  type: v.literal('pair-response'),
  v: version,
  x25519: fixedBase64(32, 'x25519'),
  mlkemCiphertext: fixedBase64(MLKEM_CIPHERTEXT_BYTES, 'mlkemCiphertext'),
  device: PairingDeviceFrame,
  mac: fixedBase64(32, 'mac'),
});
export type PairResponseFrame = v.InferOutput<typeof PairResponseFrame>;

export const PairRevealFrame = v.strictObject({
  type: v.literal('pair-reveal'),
  v: version,
  nonce: fixedBase64(32, 'nonce'),
});
export type PairRevealFrame = v.InferOutput<typeof PairRevealFrame>;

export const PairEnvelopeFrame = v.strictObject({
  type: v.literal('pair-envelope'),
  v: version,
  sealed: fixedBase64(PAIRING_ENVELOPE_BYTES, 'sealed'),
});
export type PairEnvelopeFrame = v.InferOutput<typeof PairEnvelopeFrame>;

export const PairAbortFrame = v.strictObject({
  type: v.literal('pair-abort'),
  v: version,
  reason: PairAbortReason,
});
export type PairAbortFrame = v.InferOutput<typeof PairAbortFrame>;

// ── client → relay ──────────────────────────────────────────────────────────

export const PairingAuth = v.strictObject({
  type: v.literal('pairing-auth'),
  v: version,
  accountId: Uuid,
  deviceId: Uuid,
  signature: SignatureB64,
});
export type PairingAuth = v.InferOutput<typeof PairingAuth>;

export const PairingOpen = v.strictObject({
  type: v.literal('pairing-open'),
  lookupKey: LookupKeyB64,
  offer: PairOfferFrame,
  /** How long A will wait; the relay caps it at its own limit (hello.ttlMs). */
  ttlMs: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});
export type PairingOpen = v.InferOutput<typeof PairingOpen>;

export const PairingReject = v.strictObject({ type: v.literal('pairing-reject'), joiner: Joiner });
export type PairingReject = v.InferOutput<typeof PairingReject>;

export const PairingTo = v.strictObject({
  type: v.literal('pairing-to'),
  joiner: Joiner,
  message: v.variant('type', [PairRevealFrame, PairAbortFrame]),
});
export type PairingTo = v.InferOutput<typeof PairingTo>;

export const PairingComplete = v.strictObject({
  type: v.literal('pairing-complete'),
  joiner: Joiner,
  /** B's device exactly as in its pair-response: the relay adds it to A's account. */
  device: PairingDeviceFrame,
  envelope: PairEnvelopeFrame,
});
export type PairingComplete = v.InferOutput<typeof PairingComplete>;

export const PairingJoin = v.strictObject({
  type: v.literal('pairing-join'),
  v: version,
  lookupKey: LookupKeyB64,
  response: PairResponseFrame,
});
export type PairingJoin = v.InferOutput<typeof PairingJoin>;

export const PairingClientFrame = v.variant('type', [
  PairingAuth,
  PairingOpen,
  PairingReject,
  PairingTo,
  PairingComplete,
  PairingJoin,
  PairAbortFrame,
]);
export type PairingClientFrame = v.InferOutput<typeof PairingClientFrame>;

// ── relay → client ──────────────────────────────────────────────────────────

export const PairingHello = v.strictObject({
  type: v.literal('pairing-hello'),
  v: version,
  challenge: ChallengeB64,
  /** The longest an offer may live on this relay (at most 10 minutes). */
  ttlMs: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});
export type PairingHello = v.InferOutput<typeof PairingHello>;

export const PairingReady = v.strictObject({ type: v.literal('pairing-ready') });
export type PairingReady = v.InferOutput<typeof PairingReady>;

export const PairingOpened = v.strictObject({
  type: v.literal('pairing-opened'),
  expiresAt: Millis,
});
export type PairingOpened = v.InferOutput<typeof PairingOpened>;

export const PairingFrom = v.strictObject({
  type: v.literal('pairing-from'),
  joiner: Joiner,
  message: v.variant('type', [PairResponseFrame, PairAbortFrame]),
});
export type PairingFrom = v.InferOutput<typeof PairingFrom>;

export const PairingCompleted = v.strictObject({
  type: v.literal('pairing-completed'),
  deviceId: Uuid,
});
export type PairingCompleted = v.InferOutput<typeof PairingCompleted>;

export const PairingEnded = v.strictObject({
  type: v.literal('pairing-ended'),
  reason: v.picklist(['expired', 'burned']),
});
export type PairingEnded = v.InferOutput<typeof PairingEnded>;

export const PairingError = v.strictObject({
  type: v.literal('error'),
  code: v.picklist(PAIRING_ERROR_CODES),
  message: Message,
  retryAfterMs: v.optional(Millis),
});
export type PairingError = v.InferOutput<typeof PairingError>;

export const PairingServerFrame = v.variant('type', [
  PairingHello,
  PairingReady,
  PairingOpened,
  PairingFrom,
  PairingCompleted,
  PairingEnded,
  PairRevealFrame,
  PairEnvelopeFrame,
  PairAbortFrame,
  PairingError,
]);
export type PairingServerFrame = v.InferOutput<typeof PairingServerFrame>;

// ── HTTP ────────────────────────────────────────────────────────────────────

export const PairingLookupRequest = v.strictObject({ v: version, lookupKey: LookupKeyB64 });
export type PairingLookupRequest = v.InferOutput<typeof PairingLookupRequest>;

export const PairingLookupResponse = v.strictObject({
  offer: PairOfferFrame,
  expiresAt: Millis,
  /** The relay's clock when it answered, so B can count the time left without clock skew. */
  now: v.optional(Millis),
});
export type PairingLookupResponse = v.InferOutput<typeof PairingLookupResponse>;

// ── decoding and the auth signature ─────────────────────────────────────────

export interface PairingDecodeFailure {
  code: 'bad-frame' | 'bad-message';
  message: string;
}

function decodeFrame<S extends v.GenericSchema>(
  schema: S,
  text: string,
): { ok: true; value: v.InferOutput<S> } | { ok: false; error: PairingDecodeFailure } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: { code: 'bad-frame', message: 'frame is not JSON' } };
  }
  const parsed = v.safeParse(schema, json, PARSE_CONFIG);
  if (parsed.success) return { ok: true, value: parsed.output };
  return { ok: false, error: { code: 'bad-message', message: describeIssues(parsed.issues) } };
}

export const decodePairingClientFrame = (text: string) => decodeFrame(PairingClientFrame, text);
export const decodePairingServerFrame = (text: string) => decodeFrame(PairingServerFrame, text);

export function pairAuthPayload(
  challenge: Uint8Array,
  accountId: string,
  deviceId: string,
): Uint8Array {
  return concat(
    utf8(PAIR_AUTH_CONTEXT),
    new Uint8Array([0]),
    challenge,
    uuidToBytes(accountId),
    uuidToBytes(deviceId),
  );
}

/** A's `pairing-auth` frame for the challenge of a `pairing-hello`. */
export function buildPairingAuth(
  signingSecretKey: Uint8Array,
  challengeB64: string,
  accountId: string,
  deviceId: string,
): PairingAuth {
  const challenge = fromBase64(challengeB64);
  if (challenge === undefined) throw new TypeError('buildPairingAuth: challenge is not base64');
  const signature = ed25519Sign(signingSecretKey, pairAuthPayload(challenge, accountId, deviceId));
  return {
    type: 'pairing-auth',
    v: PAIRING_PROTOCOL_VERSION,
    accountId,
    deviceId,
    signature: toBase64(signature),
  };
}

export function verifyPairingAuth(
  signingKey: Uint8Array,
  challenge: Uint8Array,
  auth: PairingAuth,
): boolean {
  const signature = fromBase64(auth.signature);
  if (signature === undefined) return false;
  return ed25519Verify(
    signingKey,
    pairAuthPayload(challenge, auth.accountId, auth.deviceId),
    signature,
  );
}
