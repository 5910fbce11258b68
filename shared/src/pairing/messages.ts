/**
 * Pairing wire messages — docs/protocol.md "Device pairing".
 *
 * Each message is a JSON object with a `type` and a version `v: 1`; byte fields
 * are standard base64 with padding, of the exact lengths below. The relay
 * carries them as opaque values: it stores the offer under the lookup key and
 * forwards the rest between the two devices.
 *
 *   pair-offer     A → relay → B   x25519 (32), mlkem (1184), commit (32), mac (32)
 *   pair-response  B → relay → A   x25519 (32), mlkemCiphertext (1088),
 *                                  device { id (UUID), ed25519 (32), x25519 (32), label },
 *                                  mac (32)
 *   pair-reveal    A → relay → B   nonce (32)
 *   pair-envelope  A → relay → B   sealed (89)
 *   pair-abort     either way      reason
 *
 * Each schema parses the wire form into the typed value (bytes as Uint8Array)
 * and shares its name with that type; `encode*` goes back to the wire form.
 *
 * Errors: `bad-pairing-message` — not JSON of this shape, a byte field that is
 * not canonical base64 of the right length, a device id that is not a
 * lowercase UUID, a label that is empty, longer than 64 UTF-16 code units (the
 * relay's rule for labels) or not well-formed Unicode.
 */
import * as v from 'valibot';
import { fromUtf8, toBase64, utf8 } from '../bytes.js';
import { CairnError, err, ok, type Result } from '../errors.js';
import { MAX_LABEL_LENGTH } from '../protocol/constants.js';
import { isUuid } from '../uuid.js';
import { MLKEM_CIPHERTEXT_BYTES, MLKEM_PUBLIC_KEY_BYTES } from './kem.js';
import { Base64Bytes } from './byte-fields.js';

export const PAIRING_VERSION = 1;
export const PAIRING_ENVELOPE_BYTES = 89;

function isWellFormed(s: string): boolean {
  // A lone surrogate would be replaced by U+FFFD in UTF-8, so two labels could share bytes.
  try {
    return fromUtf8(utf8(s)) === s;
  } catch {
    return false;
  }
}

/** The relay's label rule (1 to 64 UTF-16 code units), and well-formed Unicode. */
export const DeviceLabel = v.pipe(
  v.string(),
  v.check(
    // No U+0000: the relay stores labels as Postgres text, which cannot hold it.
    (s) => s.length > 0 && s.length <= MAX_LABEL_LENGTH && isWellFormed(s) && !s.includes('\u0000'),
    `a device label is 1 to ${MAX_LABEL_LENGTH} characters of well-formed Unicode, without U+0000`,
  ),
);

const version = v.literal(PAIRING_VERSION);

export const PairOffer = v.strictObject({
  type: v.literal('pair-offer'),
  v: version,
  x25519: Base64Bytes(32),
  mlkem: Base64Bytes(MLKEM_PUBLIC_KEY_BYTES),
  commit: Base64Bytes(32),
  mac: Base64Bytes(32),
});
export type PairOffer = v.InferOutput<typeof PairOffer>;
export type PairOfferWire = v.InferInput<typeof PairOffer>;

export const PairingDevice = v.strictObject({
  id: v.pipe(
    v.string(),
    v.check((s) => s.length === 36 && isUuid(s), 'a device id is a lowercase UUID'),
  ),
  ed25519: Base64Bytes(32),
  x25519: Base64Bytes(32),
  label: DeviceLabel,
});
export type PairingDevice = v.InferOutput<typeof PairingDevice>;

export const PairResponse = v.strictObject({
  type: v.literal('pair-response'),
  v: version,
  x25519: Base64Bytes(32),
  mlkemCiphertext: Base64Bytes(MLKEM_CIPHERTEXT_BYTES),
  device: PairingDevice,
  mac: Base64Bytes(32),
});
export type PairResponse = v.InferOutput<typeof PairResponse>;
export type PairResponseWire = v.InferInput<typeof PairResponse>;

export const PairReveal = v.strictObject({
  type: v.literal('pair-reveal'),
  v: version,
  nonce: Base64Bytes(32),
});
export type PairReveal = v.InferOutput<typeof PairReveal>;
export type PairRevealWire = v.InferInput<typeof PairReveal>;

export const PairEnvelope = v.strictObject({
  type: v.literal('pair-envelope'),
  v: version,
  sealed: Base64Bytes(PAIRING_ENVELOPE_BYTES),
});
export type PairEnvelope = v.InferOutput<typeof PairEnvelope>;
export type PairEnvelopeWire = v.InferInput<typeof PairEnvelope>;

/** Unauthenticated on purpose: it can only end a pairing, which a relay can do anyway. */
export const PairAbortReason = v.picklist(['mismatch', 'tampered', 'expired', 'cancelled']);
export type PairAbortReason = v.InferOutput<typeof PairAbortReason>;

export const PairAbort = v.strictObject({
  type: v.literal('pair-abort'),
  v: version,
  reason: PairAbortReason,
});
export type PairAbort = v.InferOutput<typeof PairAbort>;
export type PairAbortWire = v.InferInput<typeof PairAbort>;

/** Any pairing message, for a forwarder that receives them on one channel. */
export const PairMessage = v.variant('type', [
  PairOffer,
  PairResponse,
  PairReveal,
  PairEnvelope,
  PairAbort,
]);
export type PairMessage = v.InferOutput<typeof PairMessage>;
export type PairMessageWire = v.InferInput<typeof PairMessage>;

function decodeWith<S extends v.GenericSchema>(
  schema: S,
  what: string,
  input: unknown,
): Result<v.InferOutput<S>> {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return ok(parsed.output);
  const first = parsed.issues[0];
  const where = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return err(
    new CairnError(
      'bad-pairing-message',
      `not a valid ${what}${where ? ` at ${where}` : ''}: ${first.message}`,
    ),
  );
}

export const decodePairOffer = (input: unknown): Result<PairOffer> =>
  decodeWith(PairOffer, 'pair-offer', input);
export const decodePairResponse = (input: unknown): Result<PairResponse> =>
  decodeWith(PairResponse, 'pair-response', input);
export const decodePairReveal = (input: unknown): Result<PairReveal> =>
  decodeWith(PairReveal, 'pair-reveal', input);
export const decodePairEnvelope = (input: unknown): Result<PairEnvelope> =>
  decodeWith(PairEnvelope, 'pair-envelope', input);
export const decodePairAbort = (input: unknown): Result<PairAbort> =>
  decodeWith(PairAbort, 'pair-abort', input);
export const decodePairMessage = (input: unknown): Result<PairMessage> =>
  decodeWith(PairMessage, 'pairing message', input);

export const encodePairOffer = (m: PairOffer): PairOfferWire => ({
  type: m.type,
  v: m.v,
  x25519: toBase64(m.x25519),
  mlkem: toBase64(m.mlkem),
  commit: toBase64(m.commit),
  mac: toBase64(m.mac),
});

export const encodePairResponse = (m: PairResponse): PairResponseWire => ({
  type: m.type,
  v: m.v,
  x25519: toBase64(m.x25519),
  mlkemCiphertext: toBase64(m.mlkemCiphertext),
  device: {
    id: m.device.id,
    ed25519: toBase64(m.device.ed25519),
    x25519: toBase64(m.device.x25519),
    label: m.device.label,
  },
  mac: toBase64(m.mac),
});

export const encodePairReveal = (m: PairReveal): PairRevealWire => ({
  type: m.type,
  v: m.v,
  nonce: toBase64(m.nonce),
});

export const encodePairEnvelope = (m: PairEnvelope): PairEnvelopeWire => ({
  type: m.type,
  v: m.v,
  sealed: toBase64(m.sealed),
});

export const encodePairAbort = (m: PairAbort): PairAbortWire => ({ ...m });

export function encodePairMessage(m: PairMessage): PairMessageWire {
  switch (m.type) {
    case 'pair-offer':
      return encodePairOffer(m);
    case 'pair-response':
      return encodePairResponse(m);
    case 'pair-reveal':
      return encodePairReveal(m);
    case 'pair-envelope':
      return encodePairEnvelope(m);
    case 'pair-abort':
      return encodePairAbort(m);
  }
}
