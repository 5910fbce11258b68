/**
 * Pairing codes, wire messages and the QR payload: what a user types and what
 * the relay carries is parsed strictly, and every message survives a JSON
 * round trip unchanged.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PAIRING_CODE_ALPHABET,
  decodePairAbort,
  decodePairEnvelope,
  decodePairMessage,
  decodePairOffer,
  decodePairResponse,
  decodePairReveal,
  decodePairingQr,
  encodePairAbort,
  encodePairEnvelope,
  encodePairMessage,
  encodePairOffer,
  encodePairResponse,
  encodePairReveal,
  encodePairingQr,
  formatPairingCode,
  generatePairingCode,
  normalizePairingCode,
  pairingLookupKey,
  pairingOfferHash,
  pairingOfferTranscript,
  pairingQrFor,
  sha256,
  toHex,
  ready,
  toBase64,
  type PairingQr,
} from '../src/index.js';
import { ACCOUNT_ID, fixedHandshake } from './pairing-fixtures.js';

const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

beforeAll(async () => {
  await ready();
});

describe('pairing codes', () => {
  it('draws 5 bits per character from the Crockford alphabet', () => {
    expect(PAIRING_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(PAIRING_CODE_ALPHABET).size).toBe(32);
    expect(PAIRING_CODE_ALPHABET).not.toMatch(/[ILOU]/);
    const all = Uint8Array.from({ length: 12 }, (_, i) => i * 21);
    expect(generatePairingCode(all)).toBe('0NAZM9YK8XJ7');
    // Only the low 5 bits of each byte count, so every byte value is equally likely per symbol.
    expect(generatePairingCode(new Uint8Array(12).fill(0xe0))).toBe('000000000000');
    expect(generatePairingCode(new Uint8Array(12).fill(0xff))).toBe('ZZZZZZZZZZZZ');
    expect(() => generatePairingCode(new Uint8Array(11))).toThrow(RangeError);
    expect(generatePairingCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
  });

  it('normalises what a person types', () => {
    const cases: [string, string][] = [
      ['ZTWE-HMR6-E17J', 'ZTWEHMR6E17J'],
      ['ztwe hmr6 e17j', 'ZTWEHMR6E17J'],
      ['  ZTWE–HMR6—E17J\n', 'ZTWEHMR6E17J'],
      ['ZTWE-HMR6-EL7J', 'ZTWEHMR6E17J'],
      ['ZTWE-HMR6-Ei7J', 'ZTWEHMR6E17J'],
      ['oooo-0000-OOOO', '000000000000'],
      ['ＺＴＷＥ-ＨＭＲ６-Ｅ１７Ｊ', 'ZTWEHMR6E17J'],
    ];
    for (const [typed, code] of cases) {
      const n = normalizePairingCode(typed);
      expect(n.ok && n.value, typed).toBe(code);
    }
    for (const bad of [
      '',
      'ZTWE-HMR6-E17',
      'ZTWE-HMR6-E17JX',
      'ZTWE-HMR6-E17U',
      'ZTWE+HMR6+E17J',
    ]) {
      const n = normalizePairingCode(bad);
      expect(n.ok || n.error.code, bad).toBe('bad-pairing-code');
    }
    expect(formatPairingCode('ZTWEHMR6E17J')).toBe('ZTWE-HMR6-E17J');
  });

  it('every generated code survives format → normalise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (bytes) => {
        const code = generatePairingCode(bytes);
        const back = normalizePairingCode(formatPairingCode(code).toLowerCase());
        return back.ok && back.value === code;
      }),
    );
  });

  it('the lookup key takes only a normalised code', () => {
    expect(() => pairingLookupKey('ztwehmr6e17j')).toThrow(
      expect.objectContaining({ code: 'bad-pairing-code' }),
    );
  });
});

describe('wire messages', () => {
  it('each message round-trips through JSON', () => {
    const h = fixedHandshake();
    const offer = decodePairOffer(viaJson(encodePairOffer(h.created.offer)));
    expect(offer).toEqual({ ok: true, value: h.created.offer });
    const response = decodePairResponse(viaJson(encodePairResponse(h.joined.response)));
    expect(response).toEqual({ ok: true, value: h.joined.response });
    const reveal = decodePairReveal(viaJson(encodePairReveal(h.answered.reveal)));
    expect(reveal).toEqual({ ok: true, value: h.answered.reveal });
    const envelope = decodePairEnvelope(viaJson(encodePairEnvelope(h.envelope)));
    expect(envelope).toEqual({ ok: true, value: h.envelope });
    const abort = { type: 'pair-abort', v: 1, reason: 'mismatch' } as const;
    expect(decodePairAbort(viaJson(encodePairAbort(abort)))).toEqual({ ok: true, value: abort });
    for (const m of [h.created.offer, h.joined.response, h.answered.reveal, h.envelope, abort]) {
      expect(decodePairMessage(viaJson(encodePairMessage(m)))).toEqual({ ok: true, value: m });
    }
  });

  it('the reveal and envelope on the wire', () => {
    const h = fixedHandshake();
    expect(encodePairReveal(h.answered.reveal)).toEqual({
      type: 'pair-reveal',
      v: 1,
      nonce: 'gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8=',
    });
    expect(JSON.stringify(encodePairEnvelope(h.envelope)).length).toBeLessThan(200);
  });

  it('rejects wrong sizes, non-canonical base64, extra fields, other versions', () => {
    const wire = encodePairOffer(fixedHandshake().created.offer);
    const bad: unknown[] = [
      null,
      'pair-offer',
      { ...wire, v: 2 },
      { ...wire, type: 'pair-response' },
      { ...wire, x25519: toBase64(new Uint8Array(31)) },
      { ...wire, mac: toBase64(new Uint8Array(33)) },
      { ...wire, commit: wire.commit.replace(/=$/, '') },
      { ...wire, commit: `${wire.commit.slice(0, 42)}B=` }, // stray bits in the last sextet
      { ...wire, mlkem: toBase64(new Uint8Array(1183)) },
      { ...wire, extra: 1 },
    ];
    for (const input of bad) {
      const r = decodePairOffer(input);
      expect(r.ok || r.error.code, JSON.stringify(input)?.slice(0, 80)).toBe('bad-pairing-message');
    }
  });

  it("rejects a response whose device id or label breaks the relay's rules", () => {
    const wire = encodePairResponse(fixedHandshake().joined.response);
    for (const device of [
      { ...wire.device, id: ACCOUNT_ID.toUpperCase() },
      { ...wire.device, label: '' },
      { ...wire.device, label: 'x'.repeat(65) },
      { ...wire.device, label: '\udc00' },
    ]) {
      const r = decodePairResponse({ ...wire, device });
      expect(r.ok || r.error.code).toBe('bad-pairing-message');
    }
    const r = decodePairResponse({ ...wire, device: { ...wire.device, label: 'x'.repeat(64) } });
    expect(r.ok).toBe(true);
  });
});

describe('QR payload', () => {
  const qr = (): PairingQr => ({
    type: 'pair-qr',
    v: 2,
    relay: 'https://relay.example.org',
    account: ACCOUNT_ID,
    code: 'ZTWEHMR6E17J',
    offer: pairingOfferHash(fixedHandshake().created.offer),
  });

  it('is plain JSON that round-trips, carrying the hash of the whole offer', () => {
    const { offer, code } = fixedHandshake().created;
    expect(pairingQrFor(offer, code, 'https://relay.example.org', ACCOUNT_ID)).toEqual(qr());
    expect(toHex(qr().offer)).toBe(toHex(sha256(pairingOfferTranscript(offer))));
    const text = encodePairingQr(qr());
    expect(text.startsWith('{"type":"pair-qr","v":2,')).toBe(true);
    expect(text.length).toBeLessThan(200);
    expect(decodePairingQr(text)).toEqual({ ok: true, value: qr() });
  });

  it('rejects anything else, version 1 included', () => {
    const good = { ...qr(), offer: toBase64(qr().offer) };
    const { offer: _offer, ...noOffer } = good;
    for (const text of [
      'https://relay.example.org/pair?code=ZTWEHMR6E17J',
      '{',
      JSON.stringify({ ...good, relay: 'javascript:alert(1)' }),
      JSON.stringify({ ...good, code: 'ztwe-hmr6-e17j' }),
      JSON.stringify({ ...good, account: 'nope' }),
      JSON.stringify({ ...good, offer: 'AA==' }),
      JSON.stringify({ ...noOffer, v: 1, x25519: good.offer }),
    ]) {
      const r = decodePairingQr(text);
      expect(r.ok || r.error.code, text).toBe('bad-pairing-message');
    }
  });
});
