/**
 * Vectors for DESIGN §3.5 (docs/protocol.md "Device pairing"): the code and
 * its keys, both sides' messages, the transcript, the session keys, the SAS
 * and the key envelope, from the fixed inputs of shared/test/pairing-fixtures.ts.
 * Large values (EK_a 1184 bytes, CT_b 1088, the transcripts) appear as their
 * length and SHA-256; everything else in full.
 *
 * Each intermediate is computed from the documented formulas with the low-level
 * functions, then checked against what the state machines produced, so a block
 * cannot describe a handshake the API does not perform.
 */
import {
  concat,
  equalBytes,
  formatPairingCode,
  hkdf,
  mlkemDecapsulate,
  mlkemKeyPair,
  normalizePairingCode,
  pairingCodeKey,
  pairingCommitment,
  pairingLookupKey,
  pairingMac,
  pairingOfferTranscript,
  pairingResponseTranscript,
  pairingTranscript,
  ready,
  sasFromBytes,
  sha256,
  uuidToBytes,
  x25519,
} from '../../shared/src/index.js';
import {
  ACCOUNT_ID,
  ENVELOPE_NONCE,
  JOIN_RANDOM,
  K_MASTER,
  OFFER_RANDOM,
  fixedHandshake,
} from '../../shared/test/pairing-fixtures.js';
import { vectorBlock } from './_format.js';

/** Typed forms of the fixed code, each normalising to it. */
const TYPED_FORMS = (display: string): string[] => [
  display.toLowerCase(),
  ` ${display.replaceAll('-', ' ')} `,
  display.replaceAll('0', 'o').replaceAll('1', 'l'),
];

function check(what: string, ok: boolean): void {
  if (!ok) throw new Error(`pairing vectors: ${what} differs from the state machines`);
}

async function handshake() {
  await ready();
  const h = fixedHandshake();
  const { offer } = h.created;
  const { response } = h.joined;
  const tOffer = pairingOfferTranscript(offer);
  const tResponse = pairingResponseTranscript(tOffer, response);
  const t = pairingTranscript(tResponse, OFFER_RANDOM.nonce);
  const transcriptHash = sha256(t);
  const kemA = mlkemKeyPair(OFFER_RANDOM.mlkemSeed);
  const x25519Shared = x25519(OFFER_RANDOM.x25519, response.x25519);
  const mlkemShared = mlkemDecapsulate(response.mlkemCiphertext, kemA.secretKey);
  const ikm = concat(x25519Shared, mlkemShared);
  const sasBytes = hkdf(ikm, 'pair-sas-v1', 8, transcriptHash);
  const sas = sasFromBytes(sasBytes);
  const kCode = pairingCodeKey(h.created.code);
  check('mac_a', equalBytes(pairingMac(kCode, tOffer), offer.mac));
  check('mac_b', equalBytes(pairingMac(kCode, tResponse), response.mac));
  check('X_b shared secret', equalBytes(x25519(JOIN_RANDOM.x25519, offer.x25519), x25519Shared));
  check('SAS on A', sas === h.answered.sas);
  check('SAS on B', sas === h.revealed.sas);
  return {
    ...h,
    tOffer,
    tResponse,
    t,
    transcriptHash,
    kemA,
    x25519Shared,
    mlkemShared,
    ikm,
    sasBytes,
    sas,
  };
}

export const blocks = {
  async 'pairing-code'() {
    await ready();
    const { code } = fixedHandshake().created;
    const display = formatPairingCode(code);
    const forms = TYPED_FORMS(display).map((typed) => {
      const n = normalizePairingCode(typed);
      if (!n.ok || n.value !== code) throw new Error(`"${typed}" does not normalise to ${code}`);
      return [`normalise(${JSON.stringify(typed)})`, n.value] as const;
    });
    return vectorBlock([
      ['code_random', OFFER_RANDOM.code],
      ['code', code],
      ['shown_as', display],
      ...forms,
      ['lookup_key', pairingLookupKey(code)],
      ['K_code', pairingCodeKey(code)],
    ]);
  },

  async 'pairing-offer'() {
    const h = await handshake();
    const { offer } = h.created;
    return vectorBlock([
      ['eph_secret_a', OFFER_RANDOM.x25519],
      ['X_a', offer.x25519],
      ['mlkem_seed_a', OFFER_RANDOM.mlkemSeed],
      'EK_a = ML-KEM-768.KeyGen(d = mlkem_seed_a[0..32], z = mlkem_seed_a[32..64])',
      ['EK_a.length', offer.mlkem.length],
      ['sha256(EK_a)', sha256(offer.mlkem)],
      ['N_a', OFFER_RANDOM.nonce],
      ['C_a', pairingCommitment(OFFER_RANDOM.nonce)],
      'T_offer begins lp("cairn-pair-v1") ‖ lp("offer") ‖ lp(X_a) ‖ u32_be(1184) …',
      ['T_offer[0..66]', h.tOffer.subarray(0, 66)],
      ['T_offer.length', h.tOffer.length],
      ['sha256(T_offer)', sha256(h.tOffer)],
      ['mac_a', offer.mac],
    ]);
  },

  async 'pairing-response'() {
    const h = await handshake();
    const { response } = h.joined;
    return vectorBlock([
      ['eph_secret_b', JOIN_RANDOM.x25519],
      ['X_b', response.x25519],
      ['mlkem_m_b', JOIN_RANDOM.mlkemMessage],
      'CT_b, K_mlkem = ML-KEM-768.Encaps(EK_a, m = mlkem_m_b)',
      ['CT_b.length', response.mlkemCiphertext.length],
      ['sha256(CT_b)', sha256(response.mlkemCiphertext)],
      ['device_id_b', response.device.id],
      ['device_id_b_bytes', uuidToBytes(response.device.id)],
      ['ID_ed25519_b', response.device.ed25519],
      ['ID_x25519_b', response.device.x25519],
      ['label_b', response.device.label],
      ['T_response.length', h.tResponse.length],
      ['sha256(T_response)', sha256(h.tResponse)],
      ['mac_b', response.mac],
    ]);
  },

  async 'pairing-keys'() {
    const h = await handshake();
    return vectorBlock([
      ['x25519_shared', h.x25519Shared],
      ['mlkem_shared', h.mlkemShared],
      ['ikm', h.ikm],
      'T = T_response ‖ lp("reveal") ‖ lp(N_a)',
      ['T.length', h.t.length],
      ['H', h.transcriptHash],
      ['K_transport', hkdf(h.ikm, 'pair-transport-v1', 32, h.transcriptHash)],
      ['sas_bytes', h.sasBytes],
      [
        'sas_u64',
        new DataView(h.sasBytes.buffer, h.sasBytes.byteOffset, 8).getBigUint64(0).toString(),
      ],
      ['SAS', h.sas],
    ]);
  },

  async 'pairing-envelope'() {
    const h = await handshake();
    check('opened K_master', equalBytes(h.opened.kMaster, K_MASTER));
    return vectorBlock([
      ['K_master', K_MASTER],
      ['account_id', ACCOUNT_ID],
      ['nonce', ENVELOPE_NONCE],
      ['plaintext', concat(K_MASTER, uuidToBytes(ACCOUNT_ID))],
      ['aad', concat(Uint8Array.of(0x01), h.transcriptHash)],
      ['envelope', h.envelope.sealed],
    ]);
  },
};
