/**
 * Fixed inputs for the pairing tests and for the vectors in docs/protocol.md
 * "Device pairing" (scripts/vectors/pairing.ts uses the same values), plus the
 * triggers that raise each pairing error code through the public API.
 */
import {
  CairnError,
  acceptPairingOffer,
  createPairingOffer,
  decodePairOffer,
  ed25519KeyPair,
  fromHex,
  mlkemEncapsulate,
  confirmPairingSas,
  openPairingEnvelope,
  pairingLookupKey,
  receivePairingResponse,
  receivePairingReveal,
  releaseMasterKey,
  x25519KeyPair,
  type CairnErrorCode,
  type JoinRandomness,
  type OfferRandomness,
  type OfferorConfirming,
  type PairResponse,
  type PairingDevice,
  type Result,
} from '../src/index.js';

const seq = (n: number, start: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
export const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
export const ACCOUNT_ID = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';
export const ENVELOPE_NONCE = seq(24, 0xe0);

export const OFFER_RANDOM: OfferRandomness = {
  code: fromHex('5f3a9c2e71b4d8066ec1a7f2'),
  x25519: seq(32, 0x20),
  mlkemSeed: seq(64, 0x40),
  nonce: seq(32, 0x80),
};

export const JOIN_RANDOM: JoinRandomness = {
  x25519: seq(32, 0xa0),
  mlkemMessage: seq(32, 0xc0),
};

/** B's long-term device keys; a function because key derivation needs `ready()`. */
export const deviceB = (): PairingDevice => ({
  id: '3b5e7a90-1c2d-4e8f-a0b1-c2d3e4f5a6b7',
  ed25519: ed25519KeyPair(seq(32, 0x10)).publicKey,
  x25519: x25519KeyPair(seq(32, 0x30)).publicKey,
  label: 'Chromium on Linux',
});

export const raise = <T>(r: Result<T>): T => {
  if (!r.ok) throw r.error;
  return r.value;
};

const junkResponse = (): PairResponse => ({
  type: 'pair-response',
  v: 1,
  x25519: new Uint8Array(32).fill(9),
  mlkemCiphertext: new Uint8Array(1088),
  device: deviceB(),
  mac: new Uint8Array(32),
});

function respond(now: number): never {
  const { state } = createPairingOffer({ now: NOW, random: OFFER_RANDOM });
  const outcome = receivePairingResponse(state, junkResponse(), now);
  throw outcome.ok ? new Error('a junk response was accepted') : outcome.error;
}

/** A confirming handle that never went through the handshake holds no secrets. */
const forgedConfirming: OfferorConfirming = {
  role: 'offeror',
  stage: 'confirming',
  sas: '000000',
  device: {
    id: '3b5e7a90-1c2d-4e8f-a0b1-c2d3e4f5a6b7',
    ed25519: new Uint8Array(32),
    x25519: new Uint8Array(32),
    label: 'x',
  },
};

type PairingCode = Extract<
  CairnErrorCode,
  | 'bad-pairing-code'
  | 'bad-pairing-message'
  | 'pairing-tampered'
  | 'pairing-expired'
  | 'pairing-burned'
  | 'kem-failed'
>;

/** One trigger per pairing error code; each throws the `CairnError` it names. */
export const pairingErrorTriggers: Record<PairingCode, () => unknown> = {
  'bad-pairing-code': () => pairingLookupKey('ABCD-EFGH-JKMU'),
  'bad-pairing-message': () => raise(decodePairOffer({ type: 'pair-offer', v: 1 })),
  'pairing-tampered': () => respond(NOW + 1),
  'pairing-expired': () => respond(NOW + 10 * 60 * 1000 + 1),
  'pairing-burned': () => raise(releaseMasterKey(forgedConfirming, K_MASTER, ACCOUNT_ID)),
  'kem-failed': () => mlkemEncapsulate(new Uint8Array(1184).fill(0xff), new Uint8Array(32)),
};

/** The whole honest handshake on the fixed inputs, every message and result. */
export function fixedHandshake() {
  const created = createPairingOffer({ now: NOW, random: OFFER_RANDOM });
  const joined = raise(
    acceptPairingOffer(created.offer, { code: created.code }, deviceB(), JOIN_RANDOM),
  );
  const answered = receivePairingResponse(created.state, joined.response, NOW + 1000);
  if (!answered.ok) throw answered.error;
  const revealed = raise(receivePairingReveal(joined.state, answered.reveal));
  const envelope = raise(releaseMasterKey(answered.state, K_MASTER, ACCOUNT_ID, ENVELOPE_NONCE));
  const confirmed = raise(confirmPairingSas(revealed.state));
  const opened = raise(openPairingEnvelope(confirmed, envelope));
  return { created, joined, answered, revealed, confirmed, envelope, opened };
}

export const isCairnError = (e: unknown, code: string): boolean =>
  e instanceof CairnError && e.code === code;
