/**
 * Recovery phrase escrow — DESIGN §3.6.
 *
 *   phrase      = BIP-39, 12 English words (128 bits of entropy)
 *   seed        = BIP-39 mnemonicToSeed(phrase, "")        64 bytes
 *   recovery_id = HKDF(seed, "recovery-id-v1", 32)
 *   K_wrap      = HKDF(seed, "recovery-wrap-v1", 32)
 *   blob        = 0x01 ‖ nonce(24) ‖ XChaCha20-Poly1305-IETF(K_wrap, nonce,
 *                     K_master(32) ‖ account_id(16), aad = 0x01 ‖ recovery_id)   89 bytes
 *
 * Errors: `bad-checksum` (not 12 words, a word not in the list, or a checksum
 * mismatch: "a word is mistyped"), `bad-length` / `bad-version` for a malformed
 * blob, `wrong-phrase` when a well-formed phrase does not open the blob.
 */
import { entropyToMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { aeadDecrypt, aeadEncrypt } from './aead.js';
import { concat, randomBytes } from './bytes.js';
import { CairnError } from './errors.js';
import { hkdf } from './kdf.js';
import { KEY_BYTES, NONCE_BYTES, RECORD_VERSION, TAG_BYTES } from './record.js';
import { bytesToUuid, uuidToBytes } from './uuid.js';

export const RECOVERY_BLOB_BYTES = 1 + NONCE_BYTES + KEY_BYTES + 16 + TAG_BYTES; // 89
export const RECOVERY_WORDS = 12;
export { wordlist as bip39Wordlist };

/** Lowercases and collapses whitespace, so pasted phrases with stray spaces still work. */
export function normalizePhrase(phrase: string): string {
  return phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

/** 12 words from 16 bytes of entropy (random unless given). */
export function generatePhrase(entropy: Uint8Array = randomBytes(16)): string {
  if (entropy.length !== 16)
    throw new CairnError('bad-length', 'a 12-word phrase needs 16 bytes of entropy');
  return entropyToMnemonic(entropy, wordlist);
}

export function checkPhrase(phrase: string): void {
  const words = normalizePhrase(phrase).split(' ');
  if (words.length !== RECOVERY_WORDS) {
    throw new CairnError(
      'bad-checksum',
      `a recovery phrase has ${RECOVERY_WORDS} words, this has ${words.length}`,
    );
  }
  const unknown = words.findIndex((w) => !wordlist.includes(w));
  if (unknown >= 0)
    throw new CairnError('bad-checksum', `word ${unknown + 1} is not in the word list`);
  if (!validateMnemonic(words.join(' '), wordlist)) {
    throw new CairnError('bad-checksum', 'a word is mistyped: the phrase checksum does not match');
  }
}

export interface RecoveryKeys {
  recoveryId: Uint8Array;
  kWrap: Uint8Array;
}

/** The 64-byte BIP-39 seed of a 12-word phrase (empty passphrase); checks the phrase first. */
export function recoverySeed(phrase: string): Uint8Array {
  checkPhrase(phrase);
  return mnemonicToSeedSync(normalizePhrase(phrase), '');
}

export function recoveryKeys(phrase: string): RecoveryKeys {
  const seed = recoverySeed(phrase);
  return {
    recoveryId: hkdf(seed, 'recovery-id-v1', 32),
    kWrap: hkdf(seed, 'recovery-wrap-v1', 32),
  };
}

/** Seals with already-derived keys, so a caller that holds them skips the 2048 PBKDF2 rounds. */
export function sealRecoveryBlobWithKeys(
  keys: RecoveryKeys,
  kMaster: Uint8Array,
  accountId: string,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
): Uint8Array {
  if (kMaster.length !== KEY_BYTES) throw new CairnError('bad-length', 'K_master must be 32 bytes');
  if (nonce.length !== NONCE_BYTES) throw new CairnError('bad-length', 'nonce must be 24 bytes');
  const aad = concat(Uint8Array.of(RECORD_VERSION), keys.recoveryId);
  const sealed = aeadEncrypt(keys.kWrap, nonce, concat(kMaster, uuidToBytes(accountId)), aad);
  return concat(Uint8Array.of(RECORD_VERSION), nonce, sealed);
}

export function sealRecoveryBlob(
  phrase: string,
  kMaster: Uint8Array,
  accountId: string,
  nonce?: Uint8Array,
): Uint8Array {
  return sealRecoveryBlobWithKeys(recoveryKeys(phrase), kMaster, accountId, nonce);
}

export function openRecoveryBlobWithKeys(
  keys: RecoveryKeys,
  blob: Uint8Array,
): { kMaster: Uint8Array; accountId: string } {
  if (blob.length !== RECOVERY_BLOB_BYTES) {
    throw new CairnError(
      'bad-length',
      `a recovery blob is ${RECOVERY_BLOB_BYTES} bytes, got ${blob.length}`,
    );
  }
  if (blob[0] !== RECORD_VERSION)
    throw new CairnError('bad-version', 'unknown recovery blob version');
  let opened: Uint8Array;
  try {
    opened = aeadDecrypt(
      keys.kWrap,
      blob.subarray(1, 1 + NONCE_BYTES),
      blob.subarray(1 + NONCE_BYTES),
      concat(Uint8Array.of(RECORD_VERSION), keys.recoveryId),
    );
  } catch (e) {
    // The blob's length is checked above, so this is the tag: a phrase that is not this blob's.
    if (e instanceof CairnError && e.code === 'authentication-failed') {
      throw new CairnError('wrong-phrase', 'this phrase does not open the backup');
    }
    throw e;
  }
  return {
    kMaster: opened.slice(0, KEY_BYTES),
    accountId: bytesToUuid(opened.subarray(KEY_BYTES)),
  };
}

export function openRecoveryBlob(
  phrase: string,
  blob: Uint8Array,
): { kMaster: Uint8Array; accountId: string } {
  return openRecoveryBlobWithKeys(recoveryKeys(phrase), blob);
}
