/**
 * A hostile relay in the middle of pairing (DESIGN §3.5; the argument is in
 * docs/protocol.md "Device pairing", "Against a hostile relay").
 *
 * The relay sees every message and SHA-256(code). It substitutes keys A→B,
 * B→A or both, in the typed-code path and the QR path, each time grinding
 * 10^4 candidate keys, and in the worst case it even knows the code (as if it
 * had brute-forced SHA-256(code) or read it off the screen). The user is
 * modelled as comparing the two screens: A releases K_master only when both
 * show the same six digits. For every attempt the test asserts that either
 * the handshake fails (mac, commitment or QR check) or the two SAS differ, and
 * that K_master is never released — while an honest run through the same
 * harness does release it, so the ledger would notice a successful attack.
 *
 * Everything is deterministic (randomness from HKDF over a fixed label), so a
 * run that passes once passes always; the per-attempt bound the protocol
 * gives is 10^-6 (plus a 2^-44 bias), far from anything 10^4 tries reach.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  abortPairing,
  acceptPairingOffer,
  attempt,
  createPairingOffer,
  derivePairingKeys,
  generatePairingCode,
  hkdf,
  mlkemDecapsulate,
  mlkemEncapsulate,
  mlkemKeyPair,
  openKeyEnvelope,
  pairingCodeKey,
  pairingCommitment,
  pairingMac,
  pairingOfferHash,
  pairingOfferTranscript,
  pairingResponseTranscript,
  pairingTranscript,
  ready,
  receivePairingResponse,
  receivePairingReveal,
  releaseMasterKey,
  utf8,
  x25519,
  x25519KeyPair,
  type CreatedOffer,
  type JoinRandomness,
  type KeyPair,
  type OfferorConfirming,
  type PairOffer,
  type PairResponse,
  type PairingDevice,
  type PairingKeys,
} from '../src/index.js';
import { ACCOUNT_ID, K_MASTER, NOW, deviceB, raise } from './pairing-fixtures.js';

const CANDIDATES = 10_000;

type Rand = (n: number) => Uint8Array;
function rng(label: string): Rand {
  let counter = 0;
  return (n) => hkdf(utf8(label), utf8(String(counter++)), n);
}

const honestA = (r: Rand): CreatedOffer =>
  createPairingOffer({
    now: NOW,
    random: { code: r(12), x25519: r(32), mlkemSeed: r(64), nonce: r(32) },
  });
const joinRandom = (r: Rand): JoinRandomness => ({ x25519: r(32), mlkemMessage: r(32) });

// --- what the relay can build -------------------------------------------------

function offerWith(
  values: Pick<PairOffer, 'x25519' | 'mlkem' | 'commit'>,
  mac: Uint8Array,
): PairOffer {
  return { type: 'pair-offer', v: 1, ...values, mac };
}

function responseWith(
  values: Pick<PairResponse, 'x25519' | 'mlkemCiphertext' | 'device'>,
  mac: Uint8Array,
): PairResponse {
  return { type: 'pair-response', v: 1, ...values, mac };
}

/** A relay without the code can only replay a MAC, guess a code, or make bytes up. */
function forgedMac(r: Rand, i: number, genuine: Uint8Array, transcript: Uint8Array): Uint8Array {
  switch (i % 3) {
    case 0:
      return genuine;
    case 1:
      return pairingMac(pairingCodeKey(generatePairingCode(r(12))), transcript);
    default:
      return r(32);
  }
}

/** The SAS of a session as whoever holds its two shared secrets computes it. */
function sessionKeys(
  offer: PairOffer,
  response: PairResponse,
  x25519Shared: Uint8Array,
  mlkemShared: Uint8Array,
  nonce: Uint8Array,
): PairingKeys {
  const t = pairingTranscript(
    pairingResponseTranscript(pairingOfferTranscript(offer), response),
    nonce,
  );
  return derivePairingKeys(x25519Shared, mlkemShared, t);
}

// --- the user, and what leaves A ----------------------------------------------

interface Ledger {
  comparisons: number;
  released: number;
  relayOpened: number;
}
const newLedger = (): Ledger => ({ comparisons: 0, released: 0, relayOpened: 0 });

/**
 * The person looks at both screens. Equal digits: they confirm on A, A seals
 * K_master, and the relay tries every session key it holds on the envelope.
 */
function userCompares(
  ledger: Ledger,
  a: OfferorConfirming,
  sasB: string | undefined,
  relayHolds: readonly PairingKeys[],
): void {
  ledger.comparisons++;
  if (sasB === undefined || a.sas !== sasB) {
    abortPairing(a, 'mismatch');
    return;
  }
  const envelope = raise(releaseMasterKey(a, K_MASTER, ACCOUNT_ID));
  ledger.released++;
  for (const k of relayHolds) {
    const opened = attempt(() => openKeyEnvelope(k.kTransport, k.transcriptHash, envelope.sealed));
    if (opened.ok) ledger.relayOpened++;
  }
}

let deviceKeys: PairingDevice | undefined;
/** B's device keys, derived once: a key derivation per candidate would only slow the grind. */
const device = (): PairingDevice => (deviceKeys ??= deviceB());

beforeAll(async () => {
  await ready();
});

describe('hostile relay, harness check', () => {
  it('an honest relay: equal digits, K_master released, the relay cannot open it', () => {
    const r = rng('honest');
    const ledger = newLedger();
    for (let i = 0; i < 5; i++) {
      const a = honestA(r);
      const b = raise(acceptPairingOffer(a.offer, { code: a.code }, device(), joinRandom(r)));
      const answered = receivePairingResponse(a.state, b.response, NOW);
      if (!answered.ok) throw answered.error;
      const shownB = raise(receivePairingReveal(b.state, answered.reveal));
      expect(answered.sas).toBe(shownB.sas);
      // A passive relay's best key: derived from public values only.
      const guess = sessionKeys(a.offer, b.response, a.offer.x25519, b.response.x25519, r(32));
      userCompares(ledger, answered.state, shownB.sas, [guess]);
    }
    expect(ledger).toEqual({ comparisons: 5, released: 5, relayOpened: 0 });
  });
});

describe('typed-code path, relay without the code', () => {
  it('A→B: 10^4 ground offers, every one refused by B as tampered', () => {
    const r = rng('typed-a-to-b');
    const a = honestA(r);
    const relayKems = [mlkemKeyPair(r(64)), mlkemKeyPair(r(64))];
    let tampered = 0;
    for (let i = 0; i < CANDIDATES; i++) {
      const kem = i % 3 === 0 ? a.offer.mlkem : relayKems[i % 2]!.publicKey;
      const values = { x25519: x25519KeyPair(r(32)).publicKey, mlkem: kem, commit: r(32) };
      const mac = forgedMac(r, i, a.offer.mac, pairingOfferTranscript(values));
      const b = acceptPairingOffer(
        offerWith(values, mac),
        { code: a.code },
        device(),
        joinRandom(r),
      );
      if (!b.ok && b.error.code === 'pairing-tampered') tampered++;
    }
    expect(tampered).toBe(CANDIDATES);
  });

  it('B→A: 10^4 ground responses, every one refused; each offer burns after 5', () => {
    const r = rng('typed-b-to-a');
    let tampered = 0;
    let confirmed = 0;
    for (let offers = 0; offers < CANDIDATES / 5; offers++) {
      const a = honestA(r);
      const b = raise(acceptPairingOffer(a.offer, { code: a.code }, device(), joinRandom(r)));
      const tOffer = pairingOfferTranscript(a.offer);
      let state = a.state;
      for (let i = 0; i < 5; i++) {
        const values = {
          x25519: x25519KeyPair(r(32)).publicKey,
          mlkemCiphertext: i % 2 === 0 ? b.response.mlkemCiphertext : r(1088),
          device: { ...device(), ed25519: r(32) },
        };
        const transcript = pairingResponseTranscript(tOffer, values);
        const mac = forgedMac(r, offers * 5 + i, b.response.mac, transcript);
        const outcome = receivePairingResponse(state, responseWith(values, mac), NOW);
        if (outcome.ok) {
          confirmed++;
          break;
        }
        if (outcome.error.code === 'pairing-tampered') tampered++;
        if (outcome.state.stage !== 'waiting') break;
        state = outcome.state;
      }
      // The burned offer refuses even B's genuine response: the user must start again.
      const genuine = receivePairingResponse(state, b.response, NOW);
      expect(genuine.ok || genuine.error.code).toBe('pairing-burned');
    }
    expect(confirmed).toBe(0);
    expect(tampered).toBe(CANDIDATES);
  });

  it('both directions at once: B refuses the offer, A the response, nothing is shown', () => {
    const r = rng('typed-both');
    for (let s = 0; s < 200; s++) {
      const a = honestA(r);
      const relayKem = mlkemKeyPair(r(64));
      const x = x25519KeyPair(r(32));
      const values = { x25519: x.publicKey, mlkem: relayKem.publicKey, commit: r(32) };
      const toB = offerWith(values, forgedMac(r, s, a.offer.mac, pairingOfferTranscript(values)));
      const b = acceptPairingOffer(toB, { code: a.code }, device(), joinRandom(r));
      expect(b.ok || b.error.code).toBe('pairing-tampered');
      const enc = mlkemEncapsulate(a.offer.mlkem, r(32));
      const resp = {
        x25519: x25519KeyPair(r(32)).publicKey,
        mlkemCiphertext: enc.cipherText,
        device: device(),
      };
      const tResp = pairingResponseTranscript(pairingOfferTranscript(a.offer), resp);
      const outcome = receivePairingResponse(
        a.state,
        responseWith(resp, forgedMac(r, s + 1, r(32), tResp)),
        NOW,
      );
      expect(outcome.ok || outcome.error.code).toBe('pairing-tampered');
    }
  });
});

describe('typed-code path, relay that knows the code', () => {
  /**
   * The strongest relay: it brute-forced the code, so every MAC it makes is
   * valid. It runs both sessions and grinds its keys; the commitment to N_a
   * and the single-use offer leave it one blind guess at the digits.
   */
  it('B-session first, then 10^4 ground responses to A: one guess, and it misses', () => {
    const r = rng('knows-code-b-first');
    const ledger = newLedger();
    const SESSIONS = 20;
    const PER = CANDIDATES / SESSIONS;
    const relayKem = mlkemKeyPair(r(64));
    for (let s = 0; s < SESSIONS; s++) {
      const a = honestA(r);
      const kCode = pairingCodeKey(a.code);

      // Session with B, the relay posing as A.
      const nM = r(32);
      const xM = x25519KeyPair(r(32));
      const valuesM = {
        x25519: xM.publicKey,
        mlkem: relayKem.publicKey,
        commit: pairingCommitment(nM),
      };
      const offerM = offerWith(valuesM, pairingMac(kCode, pairingOfferTranscript(valuesM)));
      const b = raise(acceptPairingOffer(offerM, { code: a.code }, device(), joinRandom(r)));
      const shownB = raise(receivePairingReveal(b.state, { type: 'pair-reveal', v: 1, nonce: nM }));
      const keysB = sessionKeys(
        offerM,
        b.response,
        x25519(xM.secretKey, b.response.x25519),
        mlkemDecapsulate(b.response.mlkemCiphertext, relayKem.secretKey),
        nM,
      );
      expect(keysB.sas).toBe(shownB.sas); // the relay knows exactly what B shows

      // Session with A, the relay posing as B: grind responses against SAS_B, N_a unknown.
      const enc = mlkemEncapsulate(a.offer.mlkem, r(32));
      const tOffer = pairingOfferTranscript(a.offer);
      const guessedNonce = r(32);
      const candidates: { x: KeyPair; response: PairResponse }[] = [];
      let pick = 0;
      for (let i = 0; i < PER; i++) {
        const x = x25519KeyPair(r(32));
        const values = { x25519: x.publicKey, mlkemCiphertext: enc.cipherText, device: device() };
        const response = responseWith(
          values,
          pairingMac(kCode, pairingResponseTranscript(tOffer, values)),
        );
        candidates.push({ x, response });
        const xs = x25519(x.secretKey, a.offer.x25519);
        if (sessionKeys(a.offer, response, xs, enc.sharedSecret, guessedNonce).sas === keysB.sas) {
          pick = i;
        }
      }
      const chosen = candidates[pick]!;
      const answered = receivePairingResponse(a.state, chosen.response, NOW);
      if (!answered.ok) throw answered.error;
      const xsA = x25519(chosen.x.secretKey, a.offer.x25519);
      const keysA = sessionKeys(
        a.offer,
        chosen.response,
        xsA,
        enc.sharedSecret,
        answered.reveal.nonce,
      );
      expect(keysA.sas).toBe(answered.sas); // …and, after the reveal, what A shows

      // With N_a out the relay could now search its candidates for a match; A takes no other.
      for (const c of candidates) {
        const late = receivePairingResponse(a.state, c.response, NOW);
        expect(late.ok || late.error.code).toBe('pairing-burned');
      }
      expect(answered.sas).not.toBe(shownB.sas);
      userCompares(ledger, answered.state, shownB.sas, [keysA, keysB]);
    }
    expect(ledger).toEqual({ comparisons: SESSIONS, released: 0, relayOpened: 0 });
  });

  it('A-session first, then 10^4 ground reveals to B: the commitment refuses them', () => {
    const r = rng('knows-code-a-first');
    const ledger = newLedger();
    const SESSIONS = 20;
    const PER = CANDIDATES / SESSIONS;
    const relayKem = mlkemKeyPair(r(64));
    for (let s = 0; s < SESSIONS; s++) {
      const a = honestA(r);
      const kCode = pairingCodeKey(a.code);

      // Session with A first: one response, and SAS_A is then known.
      const enc = mlkemEncapsulate(a.offer.mlkem, r(32));
      const x = x25519KeyPair(r(32));
      const values = { x25519: x.publicKey, mlkemCiphertext: enc.cipherText, device: device() };
      const tOffer = pairingOfferTranscript(a.offer);
      const toA = responseWith(
        values,
        pairingMac(kCode, pairingResponseTranscript(tOffer, values)),
      );
      const answered = receivePairingResponse(a.state, toA, NOW);
      if (!answered.ok) throw answered.error;

      // Session with B: the relay committed to N_M in its offer; B answers with fresh keys.
      const nM = r(32);
      const xM = x25519KeyPair(r(32));
      const valuesM = {
        x25519: xM.publicKey,
        mlkem: relayKem.publicKey,
        commit: pairingCommitment(nM),
      };
      const offerM = offerWith(valuesM, pairingMac(kCode, pairingOfferTranscript(valuesM)));
      const b = raise(acceptPairingOffer(offerM, { code: a.code }, device(), joinRandom(r)));
      const xsB = x25519(xM.secretKey, b.response.x25519);
      const ksB = mlkemDecapsulate(b.response.mlkemCiphertext, relayKem.secretKey);
      // Grind the reveal: any N' whose SAS_B equals SAS_A would do — if B took it.
      let best = r(32);
      for (let i = 0; i < PER; i++) {
        const candidate = r(32);
        if (sessionKeys(offerM, b.response, xsB, ksB, candidate).sas === answered.sas)
          best = candidate;
      }
      const reveal = receivePairingReveal(b.state, { type: 'pair-reveal', v: 1, nonce: best });
      expect(reveal.ok || reveal.error.code).toBe('pairing-tampered');
      // B's attempt is over: even the committed N_M no longer gets a SAS shown.
      const honest = receivePairingReveal(b.state, { type: 'pair-reveal', v: 1, nonce: nM });
      expect(honest.ok || honest.error.code).toBe('pairing-burned');
      userCompares(ledger, answered.state, undefined, []);
    }
    expect(ledger).toEqual({ comparisons: SESSIONS, released: 0, relayOpened: 0 });
  });
});

describe('QR path', () => {
  const qrOf = (a: CreatedOffer) =>
    ({
      type: 'pair-qr',
      v: 2,
      relay: 'https://relay.example.org',
      account: ACCOUNT_ID,
      code: a.code,
      offer: pairingOfferHash(a.offer),
    }) as const;

  it('A→B: 10^4 ground X_a with valid MACs (the relay knows the code), all refused', () => {
    const r = rng('qr-a-to-b');
    const a = honestA(r);
    const kCode = pairingCodeKey(a.code);
    const qr = qrOf(a);
    let tampered = 0;
    for (let i = 0; i < CANDIDATES; i++) {
      const values = {
        x25519: x25519KeyPair(r(32)).publicKey,
        mlkem: a.offer.mlkem,
        commit: r(32),
      };
      const offer = offerWith(values, pairingMac(kCode, pairingOfferTranscript(values)));
      const b = acceptPairingOffer(offer, { qr }, device(), joinRandom(r));
      if (!b.ok && b.error.code === 'pairing-tampered') tampered++;
    }
    expect(tampered).toBe(CANDIDATES);
  });

  it('the relay keeps X_a and swaps EK_a (stripping the post-quantum half), 10^4 ways: all refused', () => {
    // The QR carries SHA-256(T_offer): X_a, EK_a and C_a. Keeping A's X_a and
    // commitment while swapping in the relay's own ML-KEM key changes the hash.
    const r = rng('qr-kem-swap');
    const a = honestA(r);
    const kCode = pairingCodeKey(a.code);
    const qr = qrOf(a);
    let tampered = 0;
    for (let i = 0; i < CANDIDATES / 20; i++) {
      const relayKem = mlkemKeyPair(r(64));
      const values = { x25519: a.offer.x25519, mlkem: relayKem.publicKey, commit: a.offer.commit };
      const offer = offerWith(values, pairingMac(kCode, pairingOfferTranscript(values)));
      const b = acceptPairingOffer(offer, { qr }, device(), joinRandom(r));
      if (!b.ok && b.error.code === 'pairing-tampered') tampered++;
    }
    expect(tampered).toBe(CANDIDATES / 20);
    // A's own offer, unchanged, is taken.
    expect(acceptPairingOffer(a.offer, { qr }, device(), joinRandom(r)).ok).toBe(true);
  });
});
