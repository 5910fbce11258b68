/**
 * The QR payload A shows — DESIGN §3.5 step 1.
 *
 *   {"type":"pair-qr","v":2,"relay":"https://…","account":"<uuid>",
 *    "code":"<12 chars>","offer":"<base64 of SHA-256(T_offer), 32 bytes>"}
 *
 * Plain JSON, not a URL: a phone's camera app opens URLs in a browser, and the
 * code must never land in a URL or a browser history. B scanning it gets the
 * code (so the typed-code checks all apply) plus the hash of A's whole offer
 * (X_a, EK_a and C_a: transcript.ts `pairingOfferHash`) straight from A's
 * screen, and refuses an offer from the relay with any other value in it: a
 * relay that knows the code can swap neither key, so it can strip neither the
 * X25519 nor the post-quantum half toward B. (Version 1 carried X_a alone.)
 *
 * Errors: `bad-pairing-message` (not this JSON shape or version, a relay URL
 * that is not http(s), an account id that is not a lowercase UUID, a code that
 * is not normalised, an offer hash not 32 bytes).
 */
import * as v from 'valibot';
import { toBase64 } from '../bytes.js';
import { CairnError, err, ok, type Result } from '../errors.js';
import { isUuid } from '../uuid.js';
import { isNormalizedPairingCode } from './code.js';
import type { PairOffer } from './messages.js';
import { pairingOfferHash } from './transcript.js';
import { Base64Bytes } from './byte-fields.js';

/** The QR payload's own version (the pairing messages stay at 1). */
export const PAIRING_QR_VERSION = 2;

export const PairingQr = v.strictObject({
  type: v.literal('pair-qr'),
  v: v.literal(PAIRING_QR_VERSION),
  relay: v.pipe(
    v.string(),
    v.maxLength(2048),
    v.url(),
    v.check((s) => /^https?:\/\//i.test(s), 'the relay URL is http(s)'),
  ),
  account: v.pipe(
    v.string(),
    v.check((s) => s.length === 36 && isUuid(s), 'the account id is a lowercase UUID'),
  ),
  code: v.pipe(
    v.string(),
    v.check((s) => s.length === 12 && isNormalizedPairingCode(s), 'the code is normalised'),
  ),
  /** SHA-256(T_offer): every public value of A's offer. */
  offer: Base64Bytes(32),
});
export type PairingQr = v.InferOutput<typeof PairingQr>;
export type PairingQrWire = v.InferInput<typeof PairingQr>;

/** The QR payload for an offer A has just created. */
export function pairingQrFor(
  offer: PairOffer,
  code: string,
  relay: string,
  account: string,
): PairingQr {
  return {
    type: 'pair-qr',
    v: PAIRING_QR_VERSION,
    relay,
    account,
    code,
    offer: pairingOfferHash(offer),
  };
}

export function encodePairingQr(q: PairingQr): string {
  const wire: PairingQrWire = {
    type: q.type,
    v: q.v,
    relay: q.relay,
    account: q.account,
    code: q.code,
    offer: toBase64(q.offer),
  };
  return JSON.stringify(wire);
}

export function decodePairingQr(text: string): Result<PairingQr> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err(new CairnError('bad-pairing-message', 'this QR code is not a Cairn pairing code'));
  }
  const parsed = v.safeParse(PairingQr, raw);
  if (!parsed.success) {
    return err(
      new CairnError(
        'bad-pairing-message',
        `this QR code is not a Cairn pairing code: ${parsed.issues[0].message}`,
      ),
    );
  }
  return ok(parsed.output);
}
