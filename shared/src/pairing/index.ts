/**
 * Device pairing — DESIGN §3.5, specified with vectors in docs/protocol.md
 * "Device pairing": a hybrid X25519 + ML-KEM-768 handshake through an
 * untrusted relay, bound to a 12-character code by MACs, with a commitment to
 * A's nonce so that the 6-digit SAS the user compares is a single guess for
 * anyone in the middle.
 */
export * from './code.js';
export * from './messages.js';
export * from './qr.js';
export {
  PAIRING_DOMAIN,
  PAIR_TRANSPORT_INFO,
  PAIR_SAS_INFO,
  SAS_DIGITS,
  pairingCommitment,
  pairingOfferTranscript,
  pairingOfferHash,
  pairingResponseTranscript,
  pairingTranscript,
  pairingMac,
  derivePairingKeys,
  sasFromBytes,
  type PairingOfferValues,
  type PairingResponseValues,
  type PairingKeys,
} from './transcript.js';
export * from './kem.js';
export { PAIRING_ENVELOPE_VERSION, sealKeyEnvelope, openKeyEnvelope } from './envelope.js';
export {
  PAIRING_TTL_MS,
  PAIRING_MAX_FAILURES,
  drawOfferRandomness,
  createPairingOffer,
  receivePairingResponse,
  releaseMasterKey,
  type OfferRandomness,
  type OfferorWaiting,
  type OfferorConfirming,
  type PairingClosed,
  type ClosedReason,
  type CreatedOffer,
  type ResponseOutcome,
} from './offeror.js';
export * from './joiner.js';
export { abortPairing } from './abort.js';
