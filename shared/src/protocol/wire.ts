/**
 * Valibot building blocks for wire fields: canonical base64 of fixed-length byte
 * strings, UUIDs, sequence numbers. Canonical means one byte string has exactly
 * one spelling, so ids compare as strings and the relay never decodes them.
 */
import * as v from 'valibot';
import { isUuid } from '../uuid.js';
import { MAX_LABEL_LENGTH } from './constants.js';

const B64 = '[A-Za-z0-9+/]';
// The last symbol before padding may only carry the bits that exist.
const LAST_OF_TWO_PAD = '[AQgw]';
const LAST_OF_ONE_PAD = '[AEIMQUYcgkosw048]';

/** Regex for the canonical standard base64 of exactly `n` bytes. */
export function base64Pattern(n: number): RegExp {
  const full = Math.floor(n / 3);
  const rest = n % 3;
  const tail =
    rest === 0 ? '' : rest === 1 ? `${B64}${LAST_OF_TWO_PAD}==` : `${B64}{2}${LAST_OF_ONE_PAD}=`;
  return new RegExp(`^(?:${B64}{4}){${full}}${tail}$`);
}

/** Canonical standard base64 of any length (with padding). */
export const BASE64_PATTERN = new RegExp(
  `^(?:${B64}{4})*(?:${B64}${LAST_OF_TWO_PAD}==|${B64}{2}${LAST_OF_ONE_PAD}=)?$`,
);

/** Number of bytes a canonical base64 string decodes to. */
export function base64Length(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

export const fixedBase64 = (n: number, what: string) =>
  v.pipe(v.string(), v.regex(base64Pattern(n), `${what} must be ${n} bytes, canonical base64`));

export const StreamIdB64 = fixedBase64(32, 'streamId');
export const EventIdB64 = fixedBase64(16, 'eventId');
export const ChallengeB64 = fixedBase64(32, 'challenge');
export const SignatureB64 = fixedBase64(64, 'signature');
export const PublicKeyB64 = fixedBase64(32, 'public key');

/** Sealed bytes: canonical base64, length checked against limits by the receiver. */
export const DataB64 = v.pipe(v.string(), v.regex(BASE64_PATTERN, 'data must be canonical base64'));

export const Uuid = v.pipe(v.string(), v.check(isUuid, 'must be a lowercase UUID'));

/** A stream position: 0 is "before the first event". */
export const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
export const RequestId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
// A lone surrogate: not well-formed Unicode, cannot be stored as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A device label: 1 to 64 UTF-16 code units of well-formed Unicode, no U+0000. */
export const Label = v.pipe(
  v.string(),
  v.minLength(1, 'label must not be empty'),
  v.check((s) => !LONE_SURROGATE.test(s), 'label must be well-formed Unicode'),
  // Postgres text cannot hold U+0000: refuse it here rather than fail in storage.
  v.check((s) => !s.includes('\u0000'), 'label must not contain U+0000'),
  v.maxLength(MAX_LABEL_LENGTH, `label is at most ${MAX_LABEL_LENGTH} characters`),
);
/** Milliseconds since the Unix epoch. */
export const Millis = v.pipe(v.number(), v.safeInteger());
