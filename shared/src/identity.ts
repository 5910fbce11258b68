/**
 * Device identity keys: Ed25519 to authenticate to the relay, X25519 for key
 * agreement. Seeds come from the caller so tests can use fixed keys.
 *
 * Errors: `low-order-point` when X25519 yields the all-zero secret (DESIGN §3.5),
 * `bad-length` for keys of the wrong size.
 */
import { randomBytes } from './bytes.js';
import { CairnError } from './errors.js';
import { sodium } from './sodium.js';

export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function ed25519KeyPair(seed: Uint8Array = randomBytes(32)): KeyPair {
  if (seed.length !== 32) throw new CairnError('bad-length', 'an Ed25519 seed is 32 bytes');
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(message, secretKey);
}

export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    // libsodium throws on some malformed points; for a verifier that is simply "no".
    return false;
  }
}

export function x25519KeyPair(secret: Uint8Array = randomBytes(32)): KeyPair {
  if (secret.length !== 32) throw new CairnError('bad-length', 'an X25519 secret is 32 bytes');
  return { publicKey: sodium().crypto_scalarmult_base(secret), secretKey: Uint8Array.from(secret) };
}

/** X25519 with the all-zero result rejected (low-order peer points). */
export function x25519(secretKey: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  if (secretKey.length !== 32 || peerPublic.length !== 32) {
    throw new CairnError('bad-length', 'X25519 keys are 32 bytes');
  }
  let shared: Uint8Array;
  try {
    shared = sodium().crypto_scalarmult(secretKey, peerPublic);
  } catch {
    // libsodium itself refuses all-zero outputs by throwing.
    throw new CairnError('low-order-point', 'X25519 produced the all-zero secret');
  }
  if (shared.every((b) => b === 0))
    throw new CairnError('low-order-point', 'X25519 produced the all-zero secret');
  return shared;
}
