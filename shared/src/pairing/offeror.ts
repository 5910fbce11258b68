/**
 * Device A's side of pairing (A holds K_master) — docs/protocol.md "Device pairing".
 *
 *   createPairingOffer        → waiting     (post the offer, show code and QR)
 *   receivePairingResponse    → confirming  (send the reveal, show the SAS)
 *                             ↘ waiting again after a response that fails mac_b,
 *                               closed after the 5th such failure or any other error
 *   releaseMasterKey          → the envelope; only after the user confirmed the SAS
 *   abortPairing              → closed      ("they don't match", cancel)
 *
 * An offer takes at most one response that passes mac_b: A then reveals N_a,
 * and the offer is spent. A also enforces the expiry itself, because the
 * relay it would otherwise rely on is the adversary.
 *
 * Errors: `pairing-tampered` (mac_b does not verify), `pairing-expired`,
 * `pairing-burned` (a state used twice, or an offer past 5 failures),
 * `low-order-point`, `kem-failed`, `bad-account-id` / `bad-length` on release.
 */
import { equalBytes, randomBytes } from '../bytes.js';
import { CairnError, attempt, type Result } from '../errors.js';
import { x25519, x25519KeyPair } from '../identity.js';
import { generatePairingCode, pairingCodeKey, pairingLookupKey } from './code.js';
import { sealKeyEnvelope } from './envelope.js';
import { mlkemDecapsulate, mlkemKeyPair } from './kem.js';
import {
  PAIRING_VERSION,
  type PairEnvelope,
  type PairOffer,
  type PairResponse,
  type PairReveal,
  type PairingDevice,
} from './messages.js';
import { keep, take } from './secrets.js';
import {
  pairingCommitment,
  derivePairingKeys,
  pairingTranscript,
  pairingOfferTranscript,
  pairingResponseTranscript,
  pairingMac,
} from './transcript.js';

/** DESIGN §3.5: an offer lives at most 10 minutes. */
export const PAIRING_TTL_MS = 10 * 60 * 1000;
/** Responses failing mac_b that an offer absorbs before it is burned. */
export const PAIRING_MAX_FAILURES = 5;

export interface OfferRandomness {
  /** 12 bytes, one per code character. */
  code: Uint8Array;
  /** A's ephemeral X25519 secret, 32 bytes. */
  x25519: Uint8Array;
  /** A's ML-KEM-768 key-generation seed d ‖ z, 64 bytes. */
  mlkemSeed: Uint8Array;
  /** N_a, 32 bytes, committed in the offer and revealed after B's response. */
  nonce: Uint8Array;
}

export const drawOfferRandomness = (): OfferRandomness => ({
  code: randomBytes(12),
  x25519: randomBytes(32),
  mlkemSeed: randomBytes(64),
  nonce: randomBytes(32),
});

export interface OfferorWaiting {
  readonly role: 'offeror';
  readonly stage: 'waiting';
  readonly expiresAt: number;
  /** Responses so far that failed mac_b. */
  readonly failures: number;
}

export interface OfferorConfirming {
  readonly role: 'offeror';
  readonly stage: 'confirming';
  /** The six digits to show; the user compares them with B's screen. */
  readonly sas: string;
  /** B's device keys and label, to register with the relay once paired. */
  readonly device: PairingDevice;
}

export type ClosedReason = 'released' | 'aborted' | 'burned' | 'expired' | 'failed';

export interface PairingClosed {
  readonly role: 'offeror' | 'joiner';
  readonly stage: 'closed';
  readonly reason: ClosedReason;
}

export const closed = (role: PairingClosed['role'], reason: ClosedReason): PairingClosed =>
  Object.freeze({ role, stage: 'closed', reason });

export interface CreatedOffer {
  state: OfferorWaiting;
  offer: PairOffer;
  /** The normalised code: show it as formatPairingCode(code) and in the QR. */
  code: string;
  /** SHA-256(code): the only form of the code the relay ever sees. */
  lookupKey: Uint8Array;
  expiresAt: number;
}

export function createPairingOffer(options: {
  now: number;
  ttlMs?: number;
  random?: OfferRandomness;
}): CreatedOffer {
  const ttl = options.ttlMs ?? PAIRING_TTL_MS;
  if (!(ttl > 0 && ttl <= PAIRING_TTL_MS)) {
    throw new RangeError(`a pairing offer lives 1 ms to ${PAIRING_TTL_MS} ms`);
  }
  const random = options.random ?? drawOfferRandomness();
  if (random.nonce.length !== 32) throw new CairnError('bad-length', 'N_a is 32 bytes');
  const code = generatePairingCode(random.code);
  const kCode = pairingCodeKey(code);
  const eph = x25519KeyPair(random.x25519);
  const kem = mlkemKeyPair(random.mlkemSeed);
  const values = {
    x25519: eph.publicKey,
    mlkem: kem.publicKey,
    commit: pairingCommitment(random.nonce),
  };
  const tOffer = pairingOfferTranscript(values);
  const offer: PairOffer = {
    type: 'pair-offer',
    v: PAIRING_VERSION,
    ...values,
    mac: pairingMac(kCode, tOffer),
  };
  const expiresAt = options.now + ttl;
  const state = keep<OfferorWaiting>(
    { role: 'offeror', stage: 'waiting', expiresAt, failures: 0 },
    {
      kind: 'offeror-waiting',
      x25519Secret: eph.secretKey,
      mlkemSecretKey: kem.secretKey,
      nonce: Uint8Array.from(random.nonce),
      kCode,
      tOffer,
    },
  );
  return { state, offer, code, lookupKey: pairingLookupKey(code), expiresAt };
}

export type ResponseOutcome =
  | {
      ok: true;
      state: OfferorConfirming;
      /** Send to B at once; B needs N_a to compute its SAS. */
      reveal: PairReveal;
      sas: string;
      device: PairingDevice;
    }
  | { ok: false; error: CairnError; state: OfferorWaiting | PairingClosed };

export function receivePairingResponse(
  state: OfferorWaiting,
  response: PairResponse,
  now: number,
): ResponseOutcome {
  const fail = (
    code: CairnError['code'],
    message: string,
    next: OfferorWaiting | PairingClosed,
  ): ResponseOutcome => ({ ok: false, error: new CairnError(code, message), state: next });

  const s = take(state);
  if (s?.kind !== 'offeror-waiting') {
    return fail('pairing-burned', 'this pairing offer is used up', closed('offeror', 'burned'));
  }
  if (now > state.expiresAt) {
    return fail('pairing-expired', 'this pairing offer has expired', closed('offeror', 'expired'));
  }
  // A hand-built response with a malformed device id cannot be encoded; it counts as a failure.
  const encoded = attempt(() => pairingResponseTranscript(s.tOffer, response));
  const tResponse = encoded.ok ? encoded.value : undefined;
  if (tResponse === undefined || !equalBytes(pairingMac(s.kCode, tResponse), response.mac)) {
    const failures = state.failures + 1;
    const next =
      failures >= PAIRING_MAX_FAILURES
        ? closed('offeror', 'burned')
        : keep<OfferorWaiting>({ ...state, failures }, s);
    return fail('pairing-tampered', 'the response is not bound to this pairing code', next);
  }
  // From here on the offer is spent whatever happens: this response passed mac_b.
  const shared = attempt(() => ({
    x25519: x25519(s.x25519Secret, response.x25519),
    mlkem: mlkemDecapsulate(response.mlkemCiphertext, s.mlkemSecretKey),
  }));
  if (!shared.ok) return { ok: false, error: shared.error, state: closed('offeror', 'failed') };
  const keys = derivePairingKeys(
    shared.value.x25519,
    shared.value.mlkem,
    pairingTranscript(tResponse, s.nonce),
  );
  const device = response.device;
  const next = keep<OfferorConfirming>(
    { role: 'offeror', stage: 'confirming', sas: keys.sas, device },
    {
      kind: 'offeror-confirming',
      kTransport: keys.kTransport,
      transcriptHash: keys.transcriptHash,
      device,
    },
  );
  const reveal: PairReveal = { type: 'pair-reveal', v: PAIRING_VERSION, nonce: s.nonce };
  return { ok: true, state: next, reveal, sas: keys.sas, device };
}

/**
 * Call only when the user has confirmed that both screens show the same SAS.
 * Seals K_master ‖ account_id for B; the state is spent either way.
 */
export function releaseMasterKey(
  state: OfferorConfirming,
  kMaster: Uint8Array,
  accountId: string,
  nonce?: Uint8Array,
): Result<PairEnvelope> {
  const s = take(state);
  return attempt(() => {
    if (s?.kind !== 'offeror-confirming') {
      throw new CairnError('pairing-burned', 'this pairing has already ended');
    }
    const sealed = sealKeyEnvelope(s.kTransport, s.transcriptHash, kMaster, accountId, nonce);
    return { type: 'pair-envelope', v: PAIRING_VERSION, sealed };
  });
}
