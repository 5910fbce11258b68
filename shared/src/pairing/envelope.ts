/**
 * The key envelope A sends once its user has confirmed the SAS — DESIGN §3.5 step 4.
 *
 *   envelope = 0x01 ‖ nonce(24, random) ‖ XChaCha20-Poly1305-IETF(K_transport, nonce,
 *                  K_master(32) ‖ account_id(16, UUID bytes), aad = 0x01 ‖ H)     89 bytes
 *
 * H is the transcript hash, so the envelope opens only in the session whose
 * every public value both sides agree on.
 *
 * Errors: `bad-length` (not 89 bytes), `bad-version` (first byte not 0x01),
 * `authentication-failed` (another session's key or tampered bytes).
 */
import { concat, randomBytes } from '../bytes.js';
import { AEAD_NONCE_BYTES, aeadDecrypt, aeadEncrypt } from '../aead.js';
import { CairnError } from '../errors.js';
import { bytesToUuid, uuidToBytes } from '../uuid.js';
import { PAIRING_ENVELOPE_BYTES } from './messages.js';

export const PAIRING_ENVELOPE_VERSION = 0x01;

const aadFor = (transcriptHash: Uint8Array): Uint8Array =>
  concat(Uint8Array.of(PAIRING_ENVELOPE_VERSION), transcriptHash);

export function sealKeyEnvelope(
  kTransport: Uint8Array,
  transcriptHash: Uint8Array,
  kMaster: Uint8Array,
  accountId: string,
  nonce: Uint8Array = randomBytes(AEAD_NONCE_BYTES),
): Uint8Array {
  if (kMaster.length !== 32) throw new CairnError('bad-length', 'K_master must be 32 bytes');
  const sealed = aeadEncrypt(
    kTransport,
    nonce,
    concat(kMaster, uuidToBytes(accountId)),
    aadFor(transcriptHash),
  );
  return concat(Uint8Array.of(PAIRING_ENVELOPE_VERSION), nonce, sealed);
}

export function openKeyEnvelope(
  kTransport: Uint8Array,
  transcriptHash: Uint8Array,
  envelope: Uint8Array,
): { kMaster: Uint8Array; accountId: string } {
  if (envelope.length !== PAIRING_ENVELOPE_BYTES) {
    throw new CairnError('bad-length', `a pairing envelope is ${PAIRING_ENVELOPE_BYTES} bytes`);
  }
  if (envelope[0] !== PAIRING_ENVELOPE_VERSION) {
    throw new CairnError('bad-version', 'unknown pairing envelope version');
  }
  const opened = aeadDecrypt(
    kTransport,
    envelope.subarray(1, 1 + AEAD_NONCE_BYTES),
    envelope.subarray(1 + AEAD_NONCE_BYTES),
    aadFor(transcriptHash),
  );
  return { kMaster: opened.slice(0, 32), accountId: bytesToUuid(opened.subarray(32)) };
}
