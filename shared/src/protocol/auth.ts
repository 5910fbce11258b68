/**
 * The bytes a device signs, and their checks.
 *
 *   auth     = "cairn-relay-auth-v1" ‖ 0x00 ‖ challenge(32) ‖ account_id(16) ‖ device_id(16)
 *   register = "cairn-relay-register-v1" ‖ 0x00 ‖ account_id(16) ‖ device_id(16)
 *              ‖ signing_key(32) ‖ box_key(32) ‖ utf8(label)
 *
 * Ids are the 16 bytes of their UUIDs. The prefixes keep a signature for one
 * purpose from being valid for another; the fresh challenge keeps an auth
 * signature from being replayed on another connection. Signatures are Ed25519
 * (RFC 8032), 64 bytes, sent as base64.
 */
import { concat, fromBase64, toBase64, utf8 } from '../bytes.js';
import { ed25519Sign, ed25519Verify, type KeyPair } from '../identity.js';
import { uuidToBytes } from '../uuid.js';
import { AUTH_CONTEXT, PROTOCOL_VERSION, REGISTER_CONTEXT } from './constants.js';
import type { RegisterRequest } from './messages.js';

const SEPARATOR = new Uint8Array([0]);

export function authPayload(
  challenge: Uint8Array,
  accountId: string,
  deviceId: string,
): Uint8Array {
  return concat(
    utf8(AUTH_CONTEXT),
    SEPARATOR,
    challenge,
    uuidToBytes(accountId),
    uuidToBytes(deviceId),
  );
}

export interface RegistrationFields {
  accountId: string;
  deviceId: string;
  signingKey: Uint8Array;
  boxKey: Uint8Array;
  label: string;
}

export function registerPayload(r: RegistrationFields): Uint8Array {
  return concat(
    utf8(REGISTER_CONTEXT),
    SEPARATOR,
    uuidToBytes(r.accountId),
    uuidToBytes(r.deviceId),
    r.signingKey,
    r.boxKey,
    utf8(r.label),
  );
}

/** The `signature` of an `auth` message, for a challenge received in `hello`. */
export function signAuth(
  secretKey: Uint8Array,
  challengeB64: string,
  accountId: string,
  deviceId: string,
): string {
  const challenge = fromBase64(challengeB64);
  if (challenge === undefined) throw new TypeError('signAuth: challenge is not base64');
  return toBase64(ed25519Sign(secretKey, authPayload(challenge, accountId, deviceId)));
}

export function verifyAuth(
  signingKey: Uint8Array,
  challenge: Uint8Array,
  accountId: string,
  deviceId: string,
  signatureB64: string,
): boolean {
  const signature = fromBase64(signatureB64);
  if (signature === undefined) return false;
  return ed25519Verify(signingKey, authPayload(challenge, accountId, deviceId), signature);
}

/** A complete, signed `POST /v1/accounts` body. */
export function buildRegisterRequest(
  accountId: string,
  deviceId: string,
  signing: KeyPair,
  boxKey: Uint8Array,
  label: string,
): RegisterRequest {
  const fields = { accountId, deviceId, signingKey: signing.publicKey, boxKey, label };
  return {
    v: PROTOCOL_VERSION,
    accountId,
    deviceId,
    signingKey: toBase64(signing.publicKey),
    boxKey: toBase64(boxKey),
    label,
    signature: toBase64(ed25519Sign(signing.secretKey, registerPayload(fields))),
  };
}

/** Proof of possession: the body is signed by the signing key it registers. */
export function verifyRegisterRequest(r: RegisterRequest): boolean {
  const signingKey = fromBase64(r.signingKey);
  const boxKey = fromBase64(r.boxKey);
  const signature = fromBase64(r.signature);
  if (signingKey === undefined || boxKey === undefined || signature === undefined) return false;
  const payload = registerPayload({
    accountId: r.accountId,
    deviceId: r.deviceId,
    signingKey,
    boxKey,
    label: r.label,
  });
  return ed25519Verify(signingKey, payload, signature);
}
