/**
 * Pairing codes — DESIGN §3.5, docs/protocol.md "Device pairing".
 *
 *   code       = 12 characters of Crockford base32 (60 random bits)
 *                alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ (no I, L, O, U)
 *   shown as   XXXX-XXXX-XXXX
 *   lookup key = SHA-256(ASCII(normalised code))          what the relay sees
 *   K_code     = HKDF(ikm = ASCII(normalised code), info = "pair-code-v1", L = 32)
 *
 * Crockford's alphabet is the easy one to read aloud and type: no letters that
 * look like digits, and the look-alikes a person types anyway are mapped back
 * (O → 0, I and L → 1). Normalisation is case-insensitive and drops spaces and
 * dashes, so "abcd efgh-jkmn" and "ABCDEFGHJKMN" are the same code.
 *
 * Errors: `bad-pairing-code` (after normalisation, not 12 characters of the
 * alphabet).
 */
import { randomBytes, utf8 } from '../bytes.js';
import { CairnError, err, ok, type Result } from '../errors.js';
import { hkdf, sha256 } from '../kdf.js';

export const PAIRING_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAIRING_CODE_LENGTH = 12;
export const PAIRING_CODE_BITS = 60;
export const PAIRING_CODE_INFO = 'pair-code-v1';

const CONFUSABLES: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1' };
// Whitespace and the dash-like characters a phone keyboard or a copy-paste may produce.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212_.]/gu;
const NORMALISED = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/** A fresh code: character i is ALPHABET[random[i] mod 32], so each carries exactly 5 bits. */
export function generatePairingCode(random: Uint8Array = randomBytes(PAIRING_CODE_LENGTH)): string {
  if (random.length !== PAIRING_CODE_LENGTH) {
    throw new RangeError(`a pairing code is drawn from ${PAIRING_CODE_LENGTH} random bytes`);
  }
  let code = '';
  for (const b of random) code += PAIRING_CODE_ALPHABET[b & 31]!;
  return code;
}

/** What the user typed or scanned → the canonical 12 characters, or `bad-pairing-code`. */
export function normalizePairingCode(input: string): Result<string> {
  let out = '';
  for (const ch of input.normalize('NFKC').replace(SEPARATORS, '').toUpperCase()) {
    out += CONFUSABLES[ch] ?? ch;
  }
  if (!NORMALISED.test(out)) {
    return err(
      new CairnError(
        'bad-pairing-code',
        `a pairing code is ${PAIRING_CODE_LENGTH} characters from ${PAIRING_CODE_ALPHABET}`,
      ),
    );
  }
  return ok(out);
}

export const isNormalizedPairingCode = (code: string): boolean => NORMALISED.test(code);

/** "ABCDEFGHJKMN" → "ABCD-EFGH-JKMN", the form shown on screen. */
export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

function checkNormalized(code: string): void {
  if (!NORMALISED.test(code)) {
    throw new CairnError('bad-pairing-code', 'pass the output of normalizePairingCode');
  }
}

/** The relay's key for an offer: exactly SHA-256 of the 12 ASCII characters. */
export function pairingLookupKey(code: string): Uint8Array {
  checkNormalized(code);
  return sha256(utf8(code));
}

/** K_code: keys the MACs that bind both sides' public values to the code. */
export function pairingCodeKey(code: string): Uint8Array {
  checkNormalized(code);
  return hkdf(utf8(code), PAIRING_CODE_INFO, 32);
}
