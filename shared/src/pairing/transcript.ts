/**
 * The pairing transcript and every derivation from it — docs/protocol.md
 * "Device pairing". All strings are ASCII;
 * `lp(x) = u32_be(len(x)) ‖ x` (`lengthPrefixed`).
 *
 *   C_a        = SHA-256(lp("cairn-pair-v1") ‖ lp("commit") ‖ lp(N_a))
 *   T_offer    = lp("cairn-pair-v1") ‖ lp("offer")
 *                ‖ lp(X_a) ‖ lp(EK_a) ‖ lp(C_a)
 *   T_response = T_offer ‖ lp("response")
 *                ‖ lp(X_b) ‖ lp(CT_b)
 *                ‖ lp(device_id_b(16)) ‖ lp(ID_ed25519_b) ‖ lp(ID_x25519_b) ‖ lp(UTF-8(label_b))
 *   T          = T_response ‖ lp("reveal") ‖ lp(N_a)
 *
 *   offer_hash = SHA-256(T_offer)     what A's QR code carries (qr.ts)
 *
 *   mac_a = HMAC-SHA256(K_code, T_offer)
 *   mac_b = HMAC-SHA256(K_code, T_response)
 *   H     = SHA-256(T)
 *   ikm   = X25519(eph_a, eph_b) ‖ ML-KEM-768 shared secret            64 bytes
 *   K_transport = HKDF(ikm, info = "pair-transport-v1", L = 32, salt = H)
 *   SAS   = u64_be(HKDF(ikm, info = "pair-sas-v1", L = 8, salt = H)) mod 10^6,
 *           six decimal digits, zero-padded
 *
 * Length prefixes make the encoding injective, so no two different sets of
 * values share a transcript; the section names ("offer", "response", "reveal")
 * keep the MAC inputs of the two sides apart.
 */
import { concat, utf8 } from '../bytes.js';
import { hkdf, hmacSha256, sha256 } from '../kdf.js';
import { uuidToBytes } from '../uuid.js';

export const PAIRING_DOMAIN = 'cairn-pair-v1';
export const PAIR_TRANSPORT_INFO = 'pair-transport-v1';
export const PAIR_SAS_INFO = 'pair-sas-v1';
export const SAS_DIGITS = 6;

export interface PairingOfferValues {
  /** X_a: A's ephemeral X25519 public key. */
  x25519: Uint8Array;
  /** EK_a: A's ephemeral ML-KEM-768 encapsulation key. */
  mlkem: Uint8Array;
  /** C_a: A's commitment to N_a. */
  commit: Uint8Array;
}

export interface PairingResponseValues {
  /** X_b: B's ephemeral X25519 public key. */
  x25519: Uint8Array;
  /** CT_b: B's ML-KEM-768 ciphertext to EK_a. */
  mlkemCiphertext: Uint8Array;
  /** B's long-term device keys and label, registered once pairing succeeds. */
  device: { id: string; ed25519: Uint8Array; x25519: Uint8Array; label: string };
}

export function lengthPrefixed(x: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + x.length);
  new DataView(out.buffer).setUint32(0, x.length, false);
  out.set(x, 4);
  return out;
}

const lp = lengthPrefixed;
const lps = (s: string): Uint8Array => lp(utf8(s));

export function pairingCommitment(nonce: Uint8Array): Uint8Array {
  return sha256(concat(lps(PAIRING_DOMAIN), lps('commit'), lp(nonce)));
}

export function pairingOfferTranscript(o: PairingOfferValues): Uint8Array {
  return concat(lps(PAIRING_DOMAIN), lps('offer'), lp(o.x25519), lp(o.mlkem), lp(o.commit));
}

/** SHA-256 of T_offer: every public value of A's offer, for the QR code (qr.ts). */
export function pairingOfferHash(o: PairingOfferValues): Uint8Array {
  return sha256(pairingOfferTranscript(o));
}

export function pairingResponseTranscript(
  tOffer: Uint8Array,
  r: PairingResponseValues,
): Uint8Array {
  return concat(
    tOffer,
    lps('response'),
    lp(r.x25519),
    lp(r.mlkemCiphertext),
    lp(uuidToBytes(r.device.id)),
    lp(r.device.ed25519),
    lp(r.device.x25519),
    lp(utf8(r.device.label)),
  );
}

export function pairingTranscript(tResponse: Uint8Array, nonce: Uint8Array): Uint8Array {
  return concat(tResponse, lps('reveal'), lp(nonce));
}

/** mac_a over T_offer, mac_b over T_response: the same function, different inputs. */
export const pairingMac = (kCode: Uint8Array, partialTranscript: Uint8Array): Uint8Array =>
  hmacSha256(kCode, partialTranscript);

export interface PairingKeys {
  transcriptHash: Uint8Array;
  kTransport: Uint8Array;
  sasBytes: Uint8Array;
  sas: string;
}

/** u64 mod 10^6: the bias is below 10^6 / 2^64 ≈ 2^-44 per value, far under the 10^-6 guess. */
export function sasFromBytes(sasBytes: Uint8Array): string {
  if (sasBytes.length !== 8) throw new RangeError('the SAS is drawn from 8 bytes');
  const n = new DataView(sasBytes.buffer, sasBytes.byteOffset, 8).getBigUint64(0, false);
  return (n % 1_000_000n).toString().padStart(SAS_DIGITS, '0');
}

export function derivePairingKeys(
  x25519Shared: Uint8Array,
  mlkemShared: Uint8Array,
  transcript: Uint8Array,
): PairingKeys {
  const transcriptHash = sha256(transcript);
  const ikm = concat(x25519Shared, mlkemShared);
  const kTransport = hkdf(ikm, PAIR_TRANSPORT_INFO, 32, transcriptHash);
  const sasBytes = hkdf(ikm, PAIR_SAS_INFO, 8, transcriptHash);
  return { transcriptHash, kTransport, sasBytes, sas: sasFromBytes(sasBytes) };
}
