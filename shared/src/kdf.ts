/**
 * Hashes and key derivation: SHA-256, HMAC-SHA256 (any key length) and
 * HKDF-SHA256 per RFC 5869, on libsodium's streaming HMAC.
 *
 * An empty salt is the RFC's default: HMAC pads its key with zeros to the
 * block size, so the empty key and 32 zero bytes give the same PRK.
 */
import { concat, utf8 } from './bytes.js';
import { sodium } from './sodium.js';

export function sha256(data: Uint8Array): Uint8Array {
  return sodium().crypto_hash_sha256(data);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = sodium();
  const state = s.crypto_auth_hmacsha256_init(key);
  s.crypto_auth_hmacsha256_update(state, data);
  return s.crypto_auth_hmacsha256_final(state);
}

export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt, ikm);
}

export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) {
    throw new RangeError(`HKDF-SHA256 output length must be 0..8160, got ${length}`);
  }
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0, at = 0; at < length; i++) {
    previous = hmacSha256(prk, concat(previous, info, Uint8Array.of(i + 1)));
    out.set(previous.subarray(0, Math.min(32, length - at)), at);
    at += 32;
  }
  return out;
}

/** HKDF-SHA256. `info` may be given as a string (UTF-8). */
export function hkdf(
  ikm: Uint8Array,
  info: string | Uint8Array,
  length: number,
  salt: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return hkdfExpand(hkdfExtract(salt, ikm), typeof info === 'string' ? utf8(info) : info, length);
}
