/**
 * Device B's side of pairing (the new device) — docs/protocol.md "Device pairing".
 *
 *   acceptPairingOffer     offer + (typed code | scanned QR) → response, waiting
 *   receivePairingReveal   N_a → the SAS, comparing
 *   confirmPairingSas      B's own user says the digits match → confirmed
 *   openPairingEnvelope    confirmed + envelope → K_master and account_id
 *   abortPairing           → closed
 *
 * B checks mac_a before it uses any of A's values, and in the QR path also
 * that the offer is the one shown on A's screen (its hash). B opens the key
 * envelope only in the `confirmed` stage, which only B's own user can reach:
 * an envelope that arrives first waits. A relay that learnt the code (by
 * inverting SHA-256 of it) could otherwise finish a session with B itself and
 * hand B its own account; the digits B shows would differ from A's, but B
 * would not have waited for its user to look. B must not retry on its own after a
 * failure: each new response B makes for the same offer is another guess at
 * A's SAS for whoever sits in the middle, so a retry starts from the user.
 *
 * Errors: `bad-pairing-code`, `bad-pairing-message` (label), `pairing-tampered`
 * (mac_a, X_a against the QR, N_a against C_a, account id against the QR),
 * `low-order-point`, `kem-failed`, `pairing-burned` (a state used twice),
 * `bad-length` / `bad-version` / `authentication-failed` (envelope).
 */
import * as v from 'valibot';
import { equalBytes, randomBytes } from '../bytes.js';
import { CairnError, attempt, err, ok, type Result } from '../errors.js';
import { x25519, x25519KeyPair } from '../identity.js';
import { isUuid } from '../uuid.js';
import { normalizePairingCode, pairingCodeKey } from './code.js';
import { openKeyEnvelope } from './envelope.js';
import { mlkemEncapsulate } from './kem.js';
import {
  DeviceLabel,
  PAIRING_VERSION,
  type PairEnvelope,
  type PairOffer,
  type PairResponse,
  type PairReveal,
  type PairingDevice,
} from './messages.js';
import type { PairingQr } from './qr.js';
import { keep, take } from './secrets.js';
import {
  pairingCommitment,
  pairingOfferHash,
  derivePairingKeys,
  pairingTranscript,
  pairingOfferTranscript,
  pairingResponseTranscript,
  pairingMac,
} from './transcript.js';

export interface JoinRandomness {
  /** B's ephemeral X25519 secret, 32 bytes. */
  x25519: Uint8Array;
  /** The ML-KEM-768 encapsulation message m, 32 bytes. */
  mlkemMessage: Uint8Array;
}

export const drawJoinRandomness = (): JoinRandomness => ({
  x25519: randomBytes(32),
  mlkemMessage: randomBytes(32),
});

export interface JoinerWaiting {
  readonly role: 'joiner';
  readonly stage: 'waiting';
}

export interface JoinerComparing {
  readonly role: 'joiner';
  readonly stage: 'comparing';
  readonly sas: string;
}

/** B's user confirmed that both screens show `sas`: only now may the envelope be opened. */
export interface JoinerConfirmed {
  readonly role: 'joiner';
  readonly stage: 'confirmed';
  readonly sas: string;
}

/** How B learnt the code: typed by the user, or scanned from A's screen. */
export type PairingSecret = { code: string } | { qr: PairingQr };

const tampered = (message: string): Result<never> =>
  err(new CairnError('pairing-tampered', message));

export function acceptPairingOffer(
  offer: PairOffer,
  secret: PairingSecret,
  device: PairingDevice,
  random: JoinRandomness = drawJoinRandomness(),
): Result<{ response: PairResponse; state: JoinerWaiting }> {
  const qr = 'qr' in secret ? secret.qr : undefined;
  const code = normalizePairingCode('qr' in secret ? secret.qr.code : secret.code);
  if (!code.ok) return code;
  if (!v.is(DeviceLabel, device.label) || !isUuid(device.id)) {
    return err(new CairnError('bad-pairing-message', 'the device id or label is not valid'));
  }
  if (qr !== undefined && !equalBytes(qr.offer, pairingOfferHash(offer))) {
    return tampered("the relay's offer is not the one shown on the other screen");
  }
  const kCode = pairingCodeKey(code.value);
  const tOffer = pairingOfferTranscript(offer);
  if (!equalBytes(pairingMac(kCode, tOffer), offer.mac)) {
    return tampered('the offer is not bound to this pairing code');
  }
  return attempt(() => {
    if (device.ed25519.length !== 32 || device.x25519.length !== 32) {
      throw new CairnError('bad-length', 'device public keys are 32 bytes');
    }
    const eph = x25519KeyPair(random.x25519);
    const x25519Shared = x25519(eph.secretKey, offer.x25519);
    const kem = mlkemEncapsulate(offer.mlkem, random.mlkemMessage);
    const values = {
      x25519: eph.publicKey,
      mlkemCiphertext: kem.cipherText,
      device: {
        id: device.id,
        ed25519: device.ed25519,
        x25519: device.x25519,
        label: device.label,
      },
    };
    const tResponse = pairingResponseTranscript(tOffer, values);
    const response: PairResponse = {
      type: 'pair-response',
      v: PAIRING_VERSION,
      ...values,
      mac: pairingMac(kCode, tResponse),
    };
    const state = keep<JoinerWaiting>(
      { role: 'joiner', stage: 'waiting' },
      {
        kind: 'joiner-waiting',
        x25519Shared,
        mlkemShared: kem.sharedSecret,
        tResponse,
        commit: Uint8Array.from(offer.commit),
        expectedAccountId: qr?.account,
      },
    );
    return { response, state };
  });
}

export function receivePairingReveal(
  state: JoinerWaiting,
  reveal: PairReveal,
): Result<{ sas: string; state: JoinerComparing }> {
  const s = take(state);
  if (s?.kind !== 'joiner-waiting') {
    return err(new CairnError('pairing-burned', 'this pairing has already ended'));
  }
  if (!equalBytes(pairingCommitment(reveal.nonce), s.commit)) {
    return tampered('the revealed nonce does not match the commitment in the offer');
  }
  const keys = derivePairingKeys(
    s.x25519Shared,
    s.mlkemShared,
    pairingTranscript(s.tResponse, reveal.nonce),
  );
  const next = keep<JoinerComparing>(
    { role: 'joiner', stage: 'comparing', sas: keys.sas },
    {
      kind: 'joiner-comparing',
      kTransport: keys.kTransport,
      transcriptHash: keys.transcriptHash,
      expectedAccountId: s.expectedAccountId,
    },
  );
  return ok({ sas: keys.sas, state: next });
}

/**
 * Call only when B's user has confirmed that both screens show the same SAS.
 * The state is spent; the confirmed one opens the envelope.
 */
export function confirmPairingSas(state: JoinerComparing): Result<JoinerConfirmed> {
  const s = take(state);
  if (s?.kind !== 'joiner-comparing') {
    return err(new CairnError('pairing-burned', 'this pairing has already ended'));
  }
  return ok(
    keep<JoinerConfirmed>(
      { role: 'joiner', stage: 'confirmed', sas: state.sas },
      { ...s, kind: 'joiner-confirmed' },
    ),
  );
}

export function openPairingEnvelope(
  state: JoinerConfirmed,
  envelope: PairEnvelope,
): Result<{ kMaster: Uint8Array; accountId: string }> {
  const s = take(state);
  return attempt(() => {
    if (s?.kind !== 'joiner-confirmed') {
      throw new CairnError(
        'pairing-burned',
        'this pairing has ended, or its digits were not confirmed on this device',
      );
    }
    const opened = openKeyEnvelope(s.kTransport, s.transcriptHash, envelope.sealed);
    if (s.expectedAccountId !== undefined && opened.accountId !== s.expectedAccountId) {
      throw new CairnError('pairing-tampered', 'the key is for another account than the QR code');
    }
    return opened;
  });
}
