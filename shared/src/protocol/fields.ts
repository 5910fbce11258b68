/**
 * Valibot building blocks for wire fields: canonical base64 of fixed-length byte
 * strings, UUIDs, sequence numbers. Canonical means one byte string has exactly
 * one spelling, so ids compare as strings and the relay never decodes them.
 *
 * Every check here is linear in its input and bounded before it looks at the
 * characters: a string longer than its field allows is refused on its length
 * alone, and base64 is checked by one pass over the characters, never by a
 * regular expression (a repeated group over megabytes of input blows V8's
 * regex stack: one 4 MiB `push` used to take the relay down).
 */
import * as v from 'valibot';
import { isUuid } from '../uuid.js';
import { MAX_DATA_CHARS, MAX_LABEL_LENGTH } from './constants.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) VALUE[B64.charCodeAt(i)] = i;
const PAD = 61; // '='

/** Characters in the canonical base64 of `n` bytes. */
export const base64Chars = (n: number): number => Math.ceil(n / 3) * 4;

/**
 * Whether `s` is canonical standard base64 (RFC 4648 §4, padded; the unused
 * bits of the last symbol are zero), of exactly `bytes` bytes when given.
 * One pass, no allocation.
 */
export function isCanonicalBase64(s: string, bytes?: number): boolean {
  const len = s.length;
  if (bytes !== undefined && len !== base64Chars(bytes)) return false;
  if (len % 4 !== 0) return false;
  if (len === 0) return true;
  const pad = s.charCodeAt(len - 1) === PAD ? (s.charCodeAt(len - 2) === PAD ? 2 : 1) : 0;
  if (bytes !== undefined && (len / 4) * 3 - pad !== bytes) return false;
  const end = len - pad;
  let last = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    last = c < 128 ? VALUE[c]! : -1;
    if (last < 0) return false;
  }
  // The last symbol before padding may only carry the bits that exist.
  if (pad === 2) return (last & 0x0f) === 0;
  if (pad === 1) return (last & 0x03) === 0;
  return true;
}

/** Number of bytes a canonical base64 string decodes to. */
export function base64Length(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

/**
 * A string field whose length is checked first (`maxChars`), and only then its
 * characters (`valid`, which must be linear): one issue, naming the first rule broken.
 */
export const boundedString = (
  maxChars: number,
  valid: (s: string) => boolean,
  message: string,
  tooLong = `at most ${maxChars} characters`,
) =>
  v.pipe(
    v.string(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const s = dataset.value;
      if (s.length > maxChars) addIssue({ message: tooLong });
      else if (!valid(s)) addIssue({ message });
    }),
  );

/** An array of at most `max` items: the count is checked before any item is. */
export const boundedArray = <T extends v.GenericSchema>(item: T, max: number) =>
  v.pipe(v.array(v.unknown()), v.maxLength(max, `at most ${max} items`), v.array(item));

export const fixedBase64 = (n: number, what: string) => {
  const message = `${what} must be ${n} bytes, canonical base64`;
  return boundedString(base64Chars(n), (s) => isCanonicalBase64(s, n), message, message);
};

export const StreamIdB64 = fixedBase64(32, 'streamId');
export const EventIdB64 = fixedBase64(16, 'eventId');
export const ChallengeB64 = fixedBase64(32, 'challenge');
export const SignatureB64 = fixedBase64(64, 'signature');
export const PublicKeyB64 = fixedBase64(32, 'public key');

/**
 * Sealed bytes: canonical base64, at most the protocol's largest event
 * (`MAX_EVENT_BYTES_CEILING`); the receiver checks the length against the
 * limit it announced (`maxEventBytes`) and answers `too-large`.
 */
export const DataB64 = boundedString(
  MAX_DATA_CHARS,
  isCanonicalBase64,
  'data must be canonical base64',
  'data is longer than any event',
);

export const Uuid = boundedString(36, isUuid, 'must be a lowercase UUID');

/** A stream position: 0 is "before the first event". */
export const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
export const RequestId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Whether every surrogate in `s` is half of a pair (so `s` is valid UTF-16, storable as UTF-8). */
export function isWellFormedUtf16(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** A device label: 1 to 64 UTF-16 code units of well-formed Unicode, no U+0000. */
export const Label = v.pipe(
  v.string(),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value;
    if (s.length === 0) addIssue({ message: 'label must not be empty' });
    else if (s.length > MAX_LABEL_LENGTH)
      addIssue({ message: `label is at most ${MAX_LABEL_LENGTH} characters` });
    else if (!isWellFormedUtf16(s)) addIssue({ message: 'label must be well-formed Unicode' });
    // Postgres text cannot hold U+0000: refuse it here rather than fail in storage.
    else if (s.includes('\u0000')) addIssue({ message: 'label must not contain U+0000' });
  }),
);

/** Text a relay sends for people (error messages): bounded, never parsed. */
export const MAX_MESSAGE_LENGTH = 1024;
export const Message = v.pipe(v.string(), v.maxLength(MAX_MESSAGE_LENGTH));

/** Milliseconds since the Unix epoch. */
export const Millis = v.pipe(v.number(), v.safeInteger());
