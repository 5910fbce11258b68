/**
 * Stream ids and sealed records — DESIGN §3.1–3.3.
 *
 *   K_stream  = HKDF(K_master, "stream-v1", 32)
 *   stream_id = HMAC-SHA256(K_stream, doc_name)                       32 bytes
 *   K_record  = HKDF(K_master, "record-v1", 32)
 *
 *   record    = 0x01 ‖ nonce(24) ‖ XChaCha20-Poly1305-IETF(K_record, nonce,
 *                                     plaintext, aad = 0x01 ‖ stream_id)
 *
 * The version byte is both the first byte of the record and part of the AAD,
 * so a future version cannot be confused with this one. Binding the stream id
 * in the AAD means a record moved to another stream fails authentication.
 *
 * Errors: `bad-length` (shorter than 41 bytes, or a key/stream id of the wrong
 * size), `bad-version` (first byte is not 0x01), `authentication-failed`.
 */
import { concat, randomBytes, utf8 } from './bytes.js';
import { CairnError, attempt, type Result } from './errors.js';
import { aeadDecrypt, aeadEncrypt } from './aead.js';
import { hkdf, hmacSha256 } from './kdf.js';

export const RECORD_VERSION = 0x01;
export const KEY_BYTES = 32;
export const STREAM_ID_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
/** version + nonce + tag: the smallest possible record (empty plaintext). */
export const RECORD_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

function checkLength(what: string, b: Uint8Array, n: number): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new CairnError('bad-length', `${what} must be ${n} bytes`);
  }
}

export function streamKey(kMaster: Uint8Array): Uint8Array {
  checkLength('K_master', kMaster, KEY_BYTES);
  return hkdf(kMaster, 'stream-v1', KEY_BYTES);
}

export function streamId(kMaster: Uint8Array, docName: string): Uint8Array {
  return hmacSha256(streamKey(kMaster), utf8(docName));
}

export function recordKey(kMaster: Uint8Array): Uint8Array {
  checkLength('K_master', kMaster, KEY_BYTES);
  return hkdf(kMaster, 'record-v1', KEY_BYTES);
}

const aadFor = (stream: Uint8Array): Uint8Array => concat(Uint8Array.of(RECORD_VERSION), stream);

/** Seals with an already-derived K_record: the hot path derives it once per session. */
export function sealWithRecordKey(
  kRecord: Uint8Array,
  stream: Uint8Array,
  plaintext: Uint8Array,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
): Uint8Array {
  checkLength('K_record', kRecord, KEY_BYTES);
  checkLength('stream_id', stream, STREAM_ID_BYTES);
  checkLength('nonce', nonce, NONCE_BYTES);
  const sealed = aeadEncrypt(kRecord, nonce, plaintext, aadFor(stream));
  const out = new Uint8Array(1 + NONCE_BYTES + sealed.length);
  out[0] = RECORD_VERSION;
  out.set(nonce, 1);
  out.set(sealed, 1 + NONCE_BYTES);
  return out;
}

export function openWithRecordKey(
  kRecord: Uint8Array,
  stream: Uint8Array,
  record: Uint8Array,
): Uint8Array {
  checkLength('K_record', kRecord, KEY_BYTES);
  checkLength('stream_id', stream, STREAM_ID_BYTES);
  if (!(record instanceof Uint8Array) || record.length < RECORD_OVERHEAD) {
    throw new CairnError('bad-length', `a sealed record is at least ${RECORD_OVERHEAD} bytes`);
  }
  if (record[0] !== RECORD_VERSION) {
    throw new CairnError(
      'bad-version',
      `unknown record version 0x${record[0]!.toString(16).padStart(2, '0')}`,
    );
  }
  const nonce = record.subarray(1, 1 + NONCE_BYTES);
  const sealed = record.subarray(1 + NONCE_BYTES);
  // Lengths are checked above, so the only failure left is `authentication-failed`.
  return aeadDecrypt(kRecord, nonce, sealed, aadFor(stream));
}

export function sealRecord(
  kMaster: Uint8Array,
  stream: Uint8Array,
  plaintext: Uint8Array,
  nonce?: Uint8Array,
): Uint8Array {
  return sealWithRecordKey(recordKey(kMaster), stream, plaintext, nonce);
}

export function openRecord(
  kMaster: Uint8Array,
  stream: Uint8Array,
  record: Uint8Array,
): Uint8Array {
  return openWithRecordKey(recordKey(kMaster), stream, record);
}

export function tryOpenRecord(
  kMaster: Uint8Array,
  stream: Uint8Array,
  record: Uint8Array,
): Result<Uint8Array> {
  return attempt(() => openRecord(kMaster, stream, record));
}
