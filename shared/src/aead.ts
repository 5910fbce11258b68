/**
 * XChaCha20-Poly1305-IETF, the one AEAD of the formats (DESIGN §3.3, §3.6).
 *
 *   aeadEncrypt(key(32), nonce(24), plaintext, aad) = ciphertext ‖ tag(16)
 *
 * Sealed records and recovery blobs both go through these two functions, so
 * the published vectors (draft-irtf-cfrg-xchacha §A.3.1, Wycheproof) test the
 * exact code path the formats use.
 *
 * Errors: `bad-length` (key not 32 bytes, nonce not 24, input shorter than a
 * tag), `authentication-failed` (the tag does not verify).
 */
import { CairnError } from './errors.js';
import { sodium } from './sodium.js';

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== AEAD_KEY_BYTES) {
    throw new CairnError('bad-length', `an AEAD key is ${AEAD_KEY_BYTES} bytes`);
  }
  if (nonce.length !== AEAD_NONCE_BYTES) {
    throw new CairnError('bad-length', `an XChaCha20-Poly1305 nonce is ${AEAD_NONCE_BYTES} bytes`);
  }
}

export function aeadEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  checkKeyAndNonce(key, nonce);
  return sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, null, nonce, key);
}

export function aeadDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  checkKeyAndNonce(key, nonce);
  if (sealed.length < AEAD_TAG_BYTES) {
    throw new CairnError('bad-length', `AEAD input is at least ${AEAD_TAG_BYTES} bytes`);
  }
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, aad, nonce, key);
  } catch {
    // Lengths are checked above, so a throw here can only be a tag that does not verify.
    throw new CairnError('authentication-failed', 'AEAD tag did not verify');
  }
}
