/**
 * ML-KEM-768 (FIPS 203) through @noble/post-quantum, with Cairn's typed errors.
 *
 *   encapsulation key 1184 bytes, decapsulation key 2400, ciphertext 1088,
 *   shared secret 32; key generation from a 64-byte seed (d ‖ z), encapsulation
 *   from a 32-byte message m, so fixed inputs give fixed outputs in tests.
 *
 * Errors: `kem-failed` — an encapsulation key that fails the FIPS 203 §7.2
 * modulus check, or a key/ciphertext of the wrong length. Decapsulation of a
 * well-formed but wrong ciphertext does not fail: ML-KEM rejects implicitly,
 * returning a pseudorandom secret, and the mismatch shows up later as a
 * different SAS or a failed AEAD tag.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CairnError } from '../errors.js';
import type { KeyPair } from '../identity.js';

export const MLKEM_PUBLIC_KEY_BYTES = 1184;
export const MLKEM_SECRET_KEY_BYTES = 2400;
export const MLKEM_CIPHERTEXT_BYTES = 1088;
export const MLKEM_SEED_BYTES = 64;
export const MLKEM_MESSAGE_BYTES = 32;

function kemCall<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    // noble throws plain Errors for malformed input; the cause stays attached for debugging.
    throw new CairnError('kem-failed', `ML-KEM-768 ${what} failed: ${String(e)}`);
  }
}

export function mlkemKeyPair(seed: Uint8Array): KeyPair {
  if (seed.length !== MLKEM_SEED_BYTES) {
    throw new CairnError('bad-length', `an ML-KEM-768 seed is ${MLKEM_SEED_BYTES} bytes`);
  }
  const { publicKey, secretKey } = ml_kem768.keygen(seed);
  return { publicKey, secretKey };
}

export function mlkemEncapsulate(
  publicKey: Uint8Array,
  message: Uint8Array,
): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  if (message.length !== MLKEM_MESSAGE_BYTES) {
    throw new CairnError('bad-length', `an ML-KEM-768 message is ${MLKEM_MESSAGE_BYTES} bytes`);
  }
  return kemCall('encapsulation', () => ml_kem768.encapsulate(publicKey, message));
}

export function mlkemDecapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return kemCall('decapsulation', () => ml_kem768.decapsulate(cipherText, secretKey));
}
