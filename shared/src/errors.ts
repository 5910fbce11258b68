/**
 * Typed failures of the crypto core.
 *
 * Every expected failure (tampered bytes, a wrong key, a mistyped phrase) is a
 * `CairnError` with a stable `code`, so callers branch on codes rather than on
 * message text. The `try*` variants of the API return these as values; the
 * plain variants throw them, as DESIGN §3.8 names them.
 */
import { err, ok, type Result as ResultOf } from './result.js';

export type CairnErrorCode =
  | 'bad-version' // first byte is not a version this code knows
  | 'bad-length' // input shorter or longer than the format allows
  | 'authentication-failed' // AEAD tag did not verify: wrong key, wrong stream or tampered bytes
  | 'torn-frame' // log ends inside a frame
  | 'bad-padding' // ISO/IEC 7816-4 padding missing or malformed
  | 'bad-checksum' // recovery phrase: a word is mistyped
  | 'wrong-phrase' // recovery phrase is valid but does not open this blob
  | 'bad-account-id' // not a canonical UUID
  | 'low-order-point' // X25519 produced the all-zero shared secret
  | 'bad-signature' // Ed25519 signature did not verify
  | 'bad-pairing-code' // pairing code: not 12 Crockford base32 characters
  | 'bad-pairing-message' // pairing message: wrong shape, field size or label
  | 'pairing-tampered' // pairing: a MAC, commitment or QR check failed — someone in the middle
  | 'pairing-expired' // pairing offer past its expiry
  | 'pairing-burned' // pairing offer or state already used, aborted or past its failure limit
  | 'kem-failed'; // ML-KEM-768: malformed encapsulation key or ciphertext

export class CairnError extends Error {
  override readonly name = 'CairnError';
  constructor(
    readonly code: CairnErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The one Result (result.ts), failing with a CairnError unless told otherwise. */
export type Result<T, E = CairnError> = ResultOf<T, E>;
export { ok, err };

/** Runs `f`, turning a thrown `CairnError` into a value; anything else is a bug and rethrows. */
export function attempt<T>(f: () => T): Result<T> {
  try {
    return ok(f());
  } catch (e) {
    if (e instanceof CairnError) return err(e);
    throw e;
  }
}
