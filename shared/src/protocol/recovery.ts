/**
 * Recovery routes (docs/protocol.md "Recovery routes"): where the DESIGN §3.6
 * escrow blob lives on the relay, and the signed bytes that guard it.
 *
 *   PUT    /v1/recovery/{recovery_id}           a device of the account stores the blob
 *   GET    /v1/recovery/{recovery_id}           anyone: the blob, or a decoy of the same shape
 *   DELETE /v1/recovery/{recovery_id}           a device of the account removes it
 *   POST   /v1/recovery/{recovery_id}/restore   the phrase's holder registers a new device
 *                                               and receives the blob, in one call
 *   POST   /v1/recovery/status                  a device of the account: which recovery id
 *                                               the account has, if any, and its pending change
 *   POST   /v1/recovery/cancel                  a device of the account cancels the pending change
 *
 * Once an account has a blob, a PUT (replacing it) or a DELETE does not act at
 * once: it answers 202 with the pending change, which takes effect after the
 * relay's delay (RELAY_RECOVERY_DELAY_MS, 3 days by default) unless a device
 * of the account cancels it meanwhile. Every device sees it in `status`. So
 * one stolen device cannot silently remove the way back.
 * `recovery_id` travels as 64 lowercase hex digits.
 *
 * Cairn extension beside the normative §3.6 (the blob itself is unchanged):
 *
 *   restore_seed = HKDF(ikm = seed, info = "recovery-auth-v1", L = 32)
 *   restore_key  = Ed25519 key pair from restore_seed (RFC 8032 seed)
 *
 * The device that stores the blob also stores the public restore_key; a
 * restore must be signed by its secret half, which only the phrase yields.
 * `recovery_id` alone (which the relay, its logs and its backups know) is not
 * enough to add a device to the account.
 *
 * Signed payloads (Ed25519, 64 bytes, base64 on the wire; ids are UUID bytes):
 *
 *   put     = "cairn-recovery-put-v1" ‖ 0x00 ‖ recovery_id(32) ‖ SHA-256(blob)(32)
 *             ‖ restore_key(32) ‖ account_id(16) ‖ device_id(16) ‖ u64_be(signed_at)
 *   delete  = "cairn-recovery-delete-v1" ‖ 0x00 ‖ recovery_id(32) ‖ account_id(16)
 *             ‖ device_id(16) ‖ u64_be(signed_at)
 *   restore = "cairn-recovery-restore-v1" ‖ 0x00 ‖ recovery_id(32) ‖ device_id(16)
 *             ‖ signing_key(32) ‖ box_key(32) ‖ utf8(label)
 *   status  = "cairn-recovery-status-v1" ‖ 0x00 ‖ account_id(16) ‖ device_id(16)
 *             ‖ u64_be(signed_at)
 *   cancel  = "cairn-recovery-cancel-v1" ‖ 0x00 ‖ account_id(16) ‖ device_id(16)
 *             ‖ u64_be(signed_at)
 *
 * put, delete, status and cancel are signed by a device's identity key;
 * `signed_at` (ms since the epoch) must be within RECOVERY_CLOCK_SKEW_MS of
 * the relay's clock, and for put, delete and cancel later than the account's
 * last accepted one of them, so a captured request cannot be replayed (status
 * only reads). restore is signed by the restore key; replaying it only
 * repeats the same registration (idempotent).
 *
 * Versioning: bodies carry `v` (PROTOCOL_VERSION); the contexts end in `-v1`.
 * Error codes: those of constants.ts (`bad-message`, `auth-failed`, `revoked`,
 * `not-found`, `exists`, `rate-limited`, `unsupported-version`, `unavailable`).
 */
import * as v from 'valibot';
import { concat, toBase64 as b64, utf8 } from '../bytes.js';
import { ed25519KeyPair, ed25519Sign, ed25519Verify, type KeyPair } from '../identity.js';
import { hkdf, sha256 } from '../kdf.js';
import { RECOVERY_BLOB_BYTES, recoverySeed } from '../recovery.js';
import { uuidToBytes } from '../uuid.js';
import { PROTOCOL_VERSION } from './constants.js';
import { Label, Millis, PublicKeyB64, SignatureB64, Uuid, fixedBase64 } from './fields.js';

export const RECOVERY_PATH = '/v1/recovery';
export const RECOVERY_PUT_CONTEXT = 'cairn-recovery-put-v1';
export const RECOVERY_DELETE_CONTEXT = 'cairn-recovery-delete-v1';
export const RECOVERY_RESTORE_CONTEXT = 'cairn-recovery-restore-v1';
export const RECOVERY_STATUS_CONTEXT = 'cairn-recovery-status-v1';
export const RECOVERY_CANCEL_CONTEXT = 'cairn-recovery-cancel-v1';
export const RECOVERY_AUTH_INFO = 'recovery-auth-v1';
/** How far a put or delete's `signedAt` may be from the relay's clock. */
export const RECOVERY_CLOCK_SKEW_MS = 5 * 60_000;
export const RECOVERY_ID_BYTES = 32;

const SEPARATOR = Uint8Array.of(0);
const RECOVERY_ID_HEX = /^[0-9a-f]{64}$/;

export const isRecoveryIdHex = (s: string): boolean => s.length === 64 && RECOVERY_ID_HEX.test(s);

/** `/v1/recovery/{hex}`, and `…/restore`. */
export const recoveryPath = (recoveryIdHex: string): string => `${RECOVERY_PATH}/${recoveryIdHex}`;
export const recoveryRestorePath = (recoveryIdHex: string): string =>
  `${recoveryPath(recoveryIdHex)}/restore`;
export const RECOVERY_STATUS_PATH = `${RECOVERY_PATH}/status`;
export const RECOVERY_CANCEL_PATH = `${RECOVERY_PATH}/cancel`;

// ── Keys ────────────────────────────────────────────────────────────────────

export interface RecoveryCredentials {
  recoveryId: Uint8Array;
  kWrap: Uint8Array;
  restoreKey: KeyPair;
}

/**
 * Everything a phrase yields, from one PBKDF2 run: the §3.6 keys and the
 * restore key. Throws `bad-checksum` like `recoveryKeys`.
 */
export function recoveryCredentials(phrase: string): RecoveryCredentials {
  const seed = recoverySeed(phrase);
  return {
    recoveryId: hkdf(seed, 'recovery-id-v1', 32),
    kWrap: hkdf(seed, 'recovery-wrap-v1', 32),
    restoreKey: ed25519KeyPair(hkdf(seed, RECOVERY_AUTH_INFO, 32)),
  };
}

// ── Signed bytes ────────────────────────────────────────────────────────────

function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError('signedAt must be a safe integer ≥ 0');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export interface RecoveryPutFields {
  recoveryId: Uint8Array;
  blob: Uint8Array;
  restoreKey: Uint8Array;
  accountId: string;
  deviceId: string;
  signedAt: number;
}

export function recoveryPutPayload(f: RecoveryPutFields): Uint8Array {
  return concat(
    utf8(RECOVERY_PUT_CONTEXT),
    SEPARATOR,
    f.recoveryId,
    sha256(f.blob),
    f.restoreKey,
    uuidToBytes(f.accountId),
    uuidToBytes(f.deviceId),
    u64be(f.signedAt),
  );
}

export interface RecoveryDeleteFields {
  recoveryId: Uint8Array;
  accountId: string;
  deviceId: string;
  signedAt: number;
}

export function recoveryDeletePayload(f: RecoveryDeleteFields): Uint8Array {
  return concat(
    utf8(RECOVERY_DELETE_CONTEXT),
    SEPARATOR,
    f.recoveryId,
    uuidToBytes(f.accountId),
    uuidToBytes(f.deviceId),
    u64be(f.signedAt),
  );
}

export interface RecoveryRestoreFields {
  recoveryId: Uint8Array;
  deviceId: string;
  signingKey: Uint8Array;
  boxKey: Uint8Array;
  label: string;
}

export function recoveryRestorePayload(f: RecoveryRestoreFields): Uint8Array {
  return concat(
    utf8(RECOVERY_RESTORE_CONTEXT),
    SEPARATOR,
    f.recoveryId,
    uuidToBytes(f.deviceId),
    f.signingKey,
    f.boxKey,
    utf8(f.label),
  );
}

export interface RecoveryStatusFields {
  accountId: string;
  deviceId: string;
  signedAt: number;
}

export function recoveryStatusPayload(f: RecoveryStatusFields): Uint8Array {
  return concat(
    utf8(RECOVERY_STATUS_CONTEXT),
    SEPARATOR,
    uuidToBytes(f.accountId),
    uuidToBytes(f.deviceId),
    u64be(f.signedAt),
  );
}

export type RecoveryCancelFields = RecoveryStatusFields;

export function recoveryCancelPayload(f: RecoveryCancelFields): Uint8Array {
  return concat(
    utf8(RECOVERY_CANCEL_CONTEXT),
    SEPARATOR,
    uuidToBytes(f.accountId),
    uuidToBytes(f.deviceId),
    u64be(f.signedAt),
  );
}

/** Verifies a signature given as bytes; malformed keys or signatures are simply "no". */
export const verifyRecoverySignature = (
  publicKey: Uint8Array,
  payload: Uint8Array,
  signature: Uint8Array,
): boolean => ed25519Verify(publicKey, payload, signature);

// ── Bodies ──────────────────────────────────────────────────────────────────

const Version = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

export const RecoveryBlobB64 = fixedBase64(RECOVERY_BLOB_BYTES, 'blob');

/** The `{recoveryId}` of every route's path. */
export const RecoveryIdParams = v.object({
  recoveryId: v.pipe(
    v.string(),
    v.check(isRecoveryIdHex, 'recovery id must be 64 lowercase hex digits'),
  ),
});
export type RecoveryIdParams = v.InferOutput<typeof RecoveryIdParams>;

/** `PUT /v1/recovery/{id}`: 204 on success. */
export const RecoveryPutRequest = v.object({
  v: Version,
  accountId: Uuid,
  deviceId: Uuid,
  /** The 89-byte §3.6 blob; the relay checks its length and version byte. */
  blob: RecoveryBlobB64,
  /** The public restore key (Ed25519) a restore must be signed with. */
  restoreKey: PublicKeyB64,
  signedAt: v.pipe(Millis, v.minValue(0)),
  /** By the device's identity key over `recoveryPutPayload(...)`. */
  signature: SignatureB64,
});
export type RecoveryPutRequest = v.InferOutput<typeof RecoveryPutRequest>;

/** `DELETE /v1/recovery/{id}` (JSON body): 204 on success. */
export const RecoveryDeleteRequest = v.object({
  v: Version,
  accountId: Uuid,
  deviceId: Uuid,
  signedAt: v.pipe(Millis, v.minValue(0)),
  /** By the device's identity key over `recoveryDeletePayload(...)`. */
  signature: SignatureB64,
});
export type RecoveryDeleteRequest = v.InferOutput<typeof RecoveryDeleteRequest>;

/** `GET /v1/recovery/{id}`: always 200 and 89 bytes, stored or decoy. */
export const RecoveryGetResponse = v.object({ blob: RecoveryBlobB64 });
export type RecoveryGetResponse = v.InferOutput<typeof RecoveryGetResponse>;

/** `POST /v1/recovery/{id}/restore`: a new device for the account the blob belongs to. */
export const RecoveryRestoreRequest = v.object({
  v: Version,
  deviceId: Uuid,
  signingKey: PublicKeyB64,
  boxKey: PublicKeyB64,
  label: Label,
  /** By the restore key over `recoveryRestorePayload(...)`. */
  signature: SignatureB64,
});
export type RecoveryRestoreRequest = v.InferOutput<typeof RecoveryRestoreRequest>;

export const RecoveryRestoreResponse = v.object({
  accountId: Uuid,
  deviceId: Uuid,
  blob: RecoveryBlobB64,
  /** False when this device was already registered by the same restore (a retry). */
  created: v.boolean(),
});
export type RecoveryRestoreResponse = v.InferOutput<typeof RecoveryRestoreResponse>;

/** `POST /v1/recovery/status`: which blob the account has. */
export const RecoveryStatusRequest = v.object({
  v: Version,
  accountId: Uuid,
  deviceId: Uuid,
  signedAt: v.pipe(Millis, v.minValue(0)),
  /** By the device's identity key over `recoveryStatusPayload(...)`. */
  signature: SignatureB64,
});
export type RecoveryStatusRequest = v.InferOutput<typeof RecoveryStatusRequest>;

const RecoveryIdHex = v.pipe(v.string(), v.check(isRecoveryIdHex));

/** A removal or replacement of the account's blob, waiting for its time or a cancel. */
export const RecoveryPendingChange = v.object({
  op: v.picklist(['delete', 'replace']),
  /** When it takes effect unless a device cancels it (ms). */
  effectiveAt: Millis,
  /** The device that asked for it. */
  requestedBy: Uuid,
  /** delete: the id of the blob going; replace: the id of the blob coming. */
  recoveryId: RecoveryIdHex,
});
export type RecoveryPendingChange = v.InferOutput<typeof RecoveryPendingChange>;

export const RecoveryStatusResponse = v.object({
  /** The account's recovery id (hex), or null when it has no blob. */
  recoveryId: v.nullable(RecoveryIdHex),
  /** When that blob was stored (ms), or null. */
  updatedAt: v.nullable(Millis),
  /** Its pending change, if any (absent from relays before pending changes). */
  pending: v.optional(v.nullable(RecoveryPendingChange)),
});
export type RecoveryStatusResponse = v.InferOutput<typeof RecoveryStatusResponse>;

/** 202 to a PUT or DELETE that waits: the change as it is now pending. */
export const RecoveryPendingResponse = v.object({ pending: RecoveryPendingChange });
export type RecoveryPendingResponse = v.InferOutput<typeof RecoveryPendingResponse>;

/** `POST /v1/recovery/cancel`: 204 when a pending change was dropped, 404 when none was. */
export const RecoveryCancelRequest = RecoveryStatusRequest;
export type RecoveryCancelRequest = RecoveryStatusRequest;

// ── Builders ────────────────────────────────────────────────────────────────

export interface DeviceSigner {
  accountId: string;
  deviceId: string;
  signing: KeyPair;
}

export function buildRecoveryPut(
  device: DeviceSigner,
  recoveryId: Uint8Array,
  blob: Uint8Array,
  restoreKey: Uint8Array,
  signedAt: number,
): RecoveryPutRequest {
  const payload = recoveryPutPayload({
    recoveryId,
    blob,
    restoreKey,
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
  });
  return {
    v: PROTOCOL_VERSION,
    accountId: device.accountId,
    deviceId: device.deviceId,
    blob: b64(blob),
    restoreKey: b64(restoreKey),
    signedAt,
    signature: b64(ed25519Sign(device.signing.secretKey, payload)),
  };
}

export function buildRecoveryDelete(
  device: DeviceSigner,
  recoveryId: Uint8Array,
  signedAt: number,
): RecoveryDeleteRequest {
  const payload = recoveryDeletePayload({
    recoveryId,
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
  });
  return {
    v: PROTOCOL_VERSION,
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
    signature: b64(ed25519Sign(device.signing.secretKey, payload)),
  };
}

export interface NewDeviceKeys {
  deviceId: string;
  signingKey: Uint8Array;
  boxKey: Uint8Array;
  label: string;
}

export function buildRecoveryRestore(
  restoreKey: KeyPair,
  recoveryId: Uint8Array,
  device: NewDeviceKeys,
): RecoveryRestoreRequest {
  const payload = recoveryRestorePayload({ recoveryId, ...device });
  return {
    v: PROTOCOL_VERSION,
    deviceId: device.deviceId,
    signingKey: b64(device.signingKey),
    boxKey: b64(device.boxKey),
    label: device.label,
    signature: b64(ed25519Sign(restoreKey.secretKey, payload)),
  };
}

export function buildRecoveryCancel(device: DeviceSigner, signedAt: number): RecoveryCancelRequest {
  const payload = recoveryCancelPayload({
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
  });
  return {
    v: PROTOCOL_VERSION,
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
    signature: b64(ed25519Sign(device.signing.secretKey, payload)),
  };
}

export function buildRecoveryStatus(device: DeviceSigner, signedAt: number): RecoveryStatusRequest {
  const payload = recoveryStatusPayload({
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
  });
  return {
    v: PROTOCOL_VERSION,
    accountId: device.accountId,
    deviceId: device.deviceId,
    signedAt,
    signature: b64(ed25519Sign(device.signing.secretKey, payload)),
  };
}
