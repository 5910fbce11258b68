/**
 * The max-field generator: every client message of both sockets with each of
 * its string fields, in turn, at its schema's maximum size, at the size that
 * makes the whole frame exactly the frame limit, and one byte past that limit,
 * in ASCII and in multi-byte fillers. The blind spot this closes: a fuzzer
 * that mutates messages rarely sends a *well-shaped* field at the size the
 * protocol allows (a 4 MiB `data` took the relay down while 10^6 fuzzed
 * frames did not).
 */
import {
  MAX_DATA_CHARS,
  MAX_LABEL_LENGTH,
  MLKEM_CIPHERTEXT_BYTES,
  MLKEM_PUBLIC_KEY_BYTES,
  PAIRING_ENVELOPE_BYTES,
  base64Chars,
} from '@cairn/shared';
import type { Json } from './fuzz-gen';

/** The most characters each string field's schema takes (the discriminator `type` is left alone). */
const MAXIMA: Record<string, number> = {
  accountId: 36,
  deviceId: 36,
  id: 36,
  signature: base64Chars(64),
  streamId: base64Chars(32),
  eventId: base64Chars(16),
  data: MAX_DATA_CHARS,
  signingKey: base64Chars(32),
  boxKey: base64Chars(32),
  label: MAX_LABEL_LENGTH,
  lookupKey: base64Chars(32),
  x25519: base64Chars(32),
  ed25519: base64Chars(32),
  mlkem: base64Chars(MLKEM_PUBLIC_KEY_BYTES),
  mlkemCiphertext: base64Chars(MLKEM_CIPHERTEXT_BYTES),
  commit: base64Chars(32),
  mac: base64Chars(32),
  nonce: base64Chars(32),
  sealed: base64Chars(PAIRING_ENVELOPE_BYTES),
  joiner: 32,
  reason: 'cancelled'.length,
};

export type Size = 'schema-max' | 'frame-limit' | 'over-limit';
export type Filler = 'ascii' | 'two-byte' | 'surrogate-pairs';

export interface MaxFrame {
  /** e.g. "push.data schema-max ascii". */
  name: string;
  text: string;
  bytes: number;
}

const FILL: Record<Filler, string> = { ascii: 'A', 'two-byte': 'é', 'surrogate-pairs': '😀' };

/** A string of `bytes` UTF-8 bytes of `filler` (topped up with ASCII), or of `chars` characters. */
function filled(filler: Filler, by: { bytes: number } | { chars: number }): string {
  const unit = FILL[filler];
  if ('chars' in by) return unit.repeat(Math.floor(by.chars / unit.length)).padEnd(by.chars, 'A');
  const unitBytes = Buffer.byteLength(unit);
  const n = Math.floor(by.bytes / unitBytes);
  return unit.repeat(n) + 'A'.repeat(by.bytes - n * unitBytes);
}

/** Every string leaf of a message, as a path of keys. */
function stringPaths(value: Json, at: string[] = []): string[][] {
  if (typeof value === 'string') return at[at.length - 1] === 'type' ? [] : [at];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
}

function withField(message: Json, path: string[], value: string): Json {
  const copy = structuredClone(message);
  let node = copy as { [k: string]: Json };
  for (const key of path.slice(0, -1)) node = node[key] as { [k: string]: Json };
  node[path[path.length - 1] ?? ''] = value;
  return copy;
}

/** The frames for one message template, against a frame limit of `limit` bytes. */
export function maxFieldFrames(
  template: { [k: string]: Json },
  limit: number,
  fillers: readonly Filler[] = ['ascii', 'two-byte', 'surrogate-pairs'],
): MaxFrame[] {
  const type = String(template['type']);
  const out: MaxFrame[] = [];
  for (const path of stringPaths(template)) {
    const field = path[path.length - 1] ?? '';
    const max = MAXIMA[field] ?? 1024;
    const empty = Buffer.byteLength(JSON.stringify(withField(template, path, '')));
    for (const filler of fillers) {
      const sizes: [Size, string][] = [
        ['schema-max', filled(filler, { chars: max })],
        ['frame-limit', filled(filler, { bytes: Math.max(0, limit - empty) })],
        ['over-limit', filled(filler, { bytes: Math.max(0, limit - empty + 1) })],
      ];
      for (const [size, value] of sizes) {
        const text = JSON.stringify(withField(template, path, value));
        out.push({
          name: `${type}.${path.join('.')} ${size} ${filler}`,
          text,
          bytes: Buffer.byteLength(text),
        });
      }
    }
  }
  return out;
}
