/**
 * The relay-side pairing frames (protocol/pairing-relay.ts): the pairing
 * socket's auth bytes against the example in docs/protocol.md, and the frame
 * schemas against the wire forms the pairing core produces.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PairingClientFrame,
  PairingLookupResponse,
  acceptPairingOffer,
  buildPairingAuth,
  createPairingOffer,
  decodePairingClientFrame,
  decodePairingServerFrame,
  ed25519KeyPair,
  encodePairOffer,
  encodePairResponse,
  fromHex,
  pairAuthPayload,
  pairingLookupKey,
  ready,
  signAuth,
  toBase64,
  toHex,
  verifyPairingAuth,
} from '../src/index.js';
import * as v from 'valibot';
import { JOIN_RANDOM, NOW, OFFER_RANDOM, deviceB } from './pairing-fixtures.js';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const SEED = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const ACCOUNT = '6f1c2a3b-4d5e-4f60-8a7b-9c8d7e6f5a4b';
const DEVICE = '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3';
const CHALLENGE = fromHex('c0'.repeat(32));

/** `name = value` from the "Through the relay" example, continuation lines joined. */
function documented(name: string): string {
  const section = doc.slice(doc.indexOf('### Through the relay'));
  const lines = section.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${name} `) || l.startsWith(`${name}=`));
  if (at < 0) throw new Error(`${name} is not documented`);
  let value = lines[at]!.slice(lines[at]!.indexOf('=') + 1).trim();
  for (const more of lines.slice(at + 1)) {
    if (!/^ +[0-9a-f]+$/.test(more)) break;
    value += more.trim();
  }
  return value.replace(/^"|"$/g, '');
}

beforeAll(async () => {
  await ready();
});

describe('pairing socket auth', () => {
  it('signs the documented bytes, under its own prefix', () => {
    const key = ed25519KeyPair(SEED);
    const payload = pairAuthPayload(CHALLENGE, ACCOUNT, DEVICE);
    expect(toHex(payload)).toBe(documented('pair_auth'));
    const auth = buildPairingAuth(key.secretKey, toBase64(CHALLENGE), ACCOUNT, DEVICE);
    expect(auth.signature).toBe(documented('signature'));
    expect(verifyPairingAuth(key.publicKey, CHALLENGE, auth)).toBe(true);
    expect(verifyPairingAuth(key.publicKey, fromHex('c1'.repeat(32)), auth)).toBe(false);
    expect(verifyPairingAuth(key.publicKey, CHALLENGE, { ...auth, deviceId: ACCOUNT })).toBe(false);
    // A sync-socket signature over the same challenge is not a pairing signature.
    const sync = signAuth(key.secretKey, toBase64(CHALLENGE), ACCOUNT, DEVICE);
    expect(verifyPairingAuth(key.publicKey, CHALLENGE, { ...auth, signature: sync })).toBe(false);
  });

  it('documents the lookup key as sent: base64 of SHA-256(code)', () => {
    expect(documented('lookupKey')).toBe(toBase64(pairingLookupKey('ZTWEHMR6E17J')));
  });
});

describe('pairing frames', () => {
  const created = () => createPairingOffer({ now: NOW, random: OFFER_RANDOM });

  it("accept the core's wire forms unchanged, and refuse wrong lengths or extra fields", () => {
    const c = created();
    const offer = encodePairOffer(c.offer);
    const accepted = acceptPairingOffer(c.offer, { code: c.code }, deviceB(), JOIN_RANDOM);
    if (!accepted.ok) throw accepted.error;
    const response = encodePairResponse(accepted.value.response);
    const lookupKey = toBase64(c.lookupKey);
    const open = { type: 'pairing-open', lookupKey, offer, ttlMs: 600_000 };
    expect(v.parse(PairingClientFrame, open)).toEqual(open);
    const join = { type: 'pairing-join', v: 1, lookupKey, response };
    expect(v.parse(PairingClientFrame, join)).toEqual(join);
    expect(v.parse(PairingLookupResponse, { offer, expiresAt: NOW })).toEqual({
      offer,
      expiresAt: NOW,
    });

    const short = { ...open, offer: { ...offer, mac: toBase64(new Uint8Array(31)) } };
    expect(v.is(PairingClientFrame, short)).toBe(false);
    // A last symbol with stray bits is not canonical: one spelling per byte string.
    const stray = `${lookupKey.slice(0, -2)}B=`;
    expect(v.is(PairingClientFrame, { ...open, lookupKey: stray })).toBe(false);
    expect(v.is(PairingClientFrame, { ...join, extra: 1 })).toBe(false);
    expect(v.is(PairingClientFrame, { ...join, v: 2 })).toBe(false);
    expect(
      v.is(PairingClientFrame, {
        ...join,
        response: { ...response, device: { ...response.device, label: '' } },
      }),
    ).toBe(false);
  });

  it('decode to typed failures', () => {
    expect(decodePairingClientFrame('nope')).toEqual({
      ok: false,
      error: { code: 'bad-frame', message: 'frame is not JSON' },
    });
    const bad = decodePairingClientFrame(JSON.stringify({ type: 'pairing-reject', joiner: 'x' }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-message' } });
    expect(!bad.ok && bad.error.message).toMatch(/joiner/);
    const hello = decodePairingServerFrame(
      JSON.stringify({
        type: 'pairing-hello',
        v: 1,
        challenge: toBase64(CHALLENGE),
        ttlMs: 600_000,
      }),
    );
    expect(hello).toMatchObject({ ok: true, value: { type: 'pairing-hello' } });
    const err = decodePairingServerFrame(
      JSON.stringify({
        type: 'error',
        code: 'rate-limited',
        message: 'slow down',
        retryAfterMs: 6000,
      }),
    );
    expect(err).toMatchObject({ ok: true, value: { code: 'rate-limited', retryAfterMs: 6000 } });
    expect(
      decodePairingServerFrame(JSON.stringify({ type: 'error', code: 'nope', message: '' })).ok,
    ).toBe(false);
  });
});
