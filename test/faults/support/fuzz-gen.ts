/**
 * Frame generators for the fuzz suite, all driven by a seeded PRNG so a
 * failing frame can be regenerated from its seed and index:
 *
 * - random text (printable, control characters, multi-byte, lone surrogates);
 * - random JSON values (deep, wide, huge numbers, prototype keys);
 * - mutated valid messages: a real message of the protocol with fields
 *   deleted, retyped, pushed to edge values, renamed to another type, then
 *   sometimes damaged byte by byte (flips, cuts, repeats);
 * - any of them padded to a chosen size, from 0 to twice the frame limit.
 */
import type { rng } from './scale';

export type Rng = ReturnType<typeof rng>;
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const b64 = (r: Rng, n: number): string => {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i += 1) bytes[i] = r.int(256);
  return bytes.toString('base64');
};
const hex = (r: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i += 1) s += '0123456789abcdef'[r.int(16)] ?? '0';
  return s;
};
const uuid = (r: Rng): string =>
  `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;

const POOLS = [
  'abcdefghijklmnopqrstuvwxyz0123456789',
  '{}[]":,\\/ \t\n\r',
  '\u0000\u0001\u0007\u001b\u007f',
  'é漢字🙂\u200b\ufeff',
  '\ud800\udbff\udc00\udfff',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ+/=',
];

export function randomText(r: Rng, size: number): string {
  const pool = r.pick(POOLS);
  const chars: string[] = [];
  for (let i = 0; i < size; i += 1) chars.push(pool[r.int(pool.length)] ?? 'x');
  return chars.join('');
}

const EDGE_NUMBERS: Json[] = [
  0,
  -1,
  1,
  0.5,
  -0,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  '1',
  '',
  'NaN',
  true,
  null,
  [],
  {},
];

/** A fresh copy: mutations must never reach the shared constants. */
const edge = (r: Rng): Json => structuredClone(r.pick(EDGE_NUMBERS));

export function randomJson(r: Rng, depth = 0): Json {
  const k = r.int(depth > 4 ? 6 : 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r.int(2) === 0;
    case 2:
      return edge(r);
    case 3:
      return (r.next() - 0.5) * 10 ** r.int(20);
    case 4:
    case 5:
      return randomText(r, r.int(40));
    case 6:
      return Array.from({ length: r.int(6) }, () => randomJson(r, depth + 1));
    default: {
      const o: { [k: string]: Json } = {};
      for (let i = r.int(6); i > 0; i -= 1) {
        const key =
          r.int(5) === 0
            ? r.pick(['__proto__', 'constructor', 'type', 'id', 'v'])
            : randomText(r, 1 + r.int(8));
        o[key] = randomJson(r, depth + 1);
      }
      return o;
    }
  }
}

/** Valid messages of the sync socket, as an authenticated device would send them. */
export function syncTemplates(
  r: Rng,
  ids: { accountId: string; deviceId: string },
): Record<string, Json>[] {
  const id = r.int(1_000_000);
  const streamId = b64(r, 32);
  return [
    { type: 'auth', v: 1, accountId: ids.accountId, deviceId: ids.deviceId, signature: b64(r, 64) },
    { type: 'push', id, streamId, eventId: b64(r, 16), data: b64(r, 41 + r.int(200)) },
    { type: 'push', id, streamId, eventId: b64(r, 16), data: b64(r, 60), coversSeq: r.int(5) },
    { type: 'pull', id, streamId, after: r.int(10), limit: 1 + r.int(1000) },
    { type: 'bootstrap', id, streamId, limit: 1 + r.int(100) },
    { type: 'streams', id },
    { type: 'devices', id },
    { type: 'relabel', id, deviceId: uuid(r), label: randomText(r, 1 + r.int(64)) },
    {
      type: 'add-device',
      id,
      device: { deviceId: uuid(r), signingKey: b64(r, 32), boxKey: b64(r, 32), label: 'fuzz' },
    },
    // Never the fuzzing device's own id: revoking itself would end the run.
    { type: 'revoke', id, deviceId: uuid(r) },
    { type: 'ping', id },
  ];
}

/** Frames of the pairing socket (either side). */
export function pairingTemplates(r: Rng): Record<string, Json>[] {
  const offer = {
    type: 'pair-offer',
    v: 1,
    x25519: b64(r, 32),
    mlkem: b64(r, 1184),
    commit: b64(r, 32),
    mac: b64(r, 32),
  };
  const device = { id: uuid(r), ed25519: b64(r, 32), x25519: b64(r, 32), label: 'fuzz' };
  const response = {
    type: 'pair-response',
    v: 1,
    x25519: b64(r, 32),
    mlkemCiphertext: b64(r, 1088),
    device,
    mac: b64(r, 32),
  };
  const joiner = hex(r, 32);
  return [
    { type: 'pairing-auth', v: 1, accountId: uuid(r), deviceId: uuid(r), signature: b64(r, 64) },
    { type: 'pairing-open', lookupKey: b64(r, 32), offer, ttlMs: 1 + r.int(600_000) },
    { type: 'pairing-reject', joiner },
    { type: 'pairing-to', joiner, message: { type: 'pair-reveal', v: 1, nonce: b64(r, 32) } },
    {
      type: 'pairing-complete',
      joiner,
      device,
      envelope: { type: 'pair-envelope', v: 1, sealed: b64(r, 89) },
    },
    { type: 'pairing-join', v: 1, lookupKey: b64(r, 32), response },
    { type: 'pair-abort', v: 1, reason: 'cancelled' },
  ];
}

const TYPES = [
  'auth',
  'push',
  'pull',
  'bootstrap',
  'streams',
  'devices',
  'relabel',
  'add-device',
  'revoke',
  'ping',
  'pairing-auth',
  'pairing-open',
  'pairing-join',
  'pair-abort',
  'hello',
  'ack',
  'event',
  'error',
  '',
];

/** One structural mutation of a message (in place). */
function mutateObject(r: Rng, o: { [k: string]: Json }): void {
  const keys = Object.keys(o);
  const key = keys.length > 0 ? r.pick(keys) : 'x';
  switch (r.int(9)) {
    case 0:
      delete o[key];
      return;
    case 1:
      o[key] = randomJson(r);
      return;
    case 2:
      o[key] = edge(r);
      return;
    case 3:
      o['type'] = r.pick(TYPES);
      return;
    case 4: {
      // A near-miss of a base64 field: one character off, one too many, padding moved.
      const v = o[key];
      if (typeof v === 'string' && v.length > 0) {
        const at = r.int(v.length);
        const swaps = ['=', '-', '_', '*', 'A', '\u00e9', ''];
        o[key] = v.slice(0, at) + r.pick(swaps) + v.slice(at + 1) + (r.int(3) === 0 ? 'AA==' : '');
      } else o[key] = b64(r, r.int(70));
      return;
    }
    case 5: {
      const inner = o[key];
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
        mutateObject(r, inner);
      else o[randomText(r, 1 + r.int(6))] = randomJson(r);
      return;
    }
    case 6:
      o['v'] = r.pick([0, 2, -1, '1', 1.5, null, 2 ** 53]);
      return;
    case 7:
      o['id'] = r.pick([-1, 0.5, '7', null, 2 ** 60, [], 1]);
      return;
    default: {
      // Nesting deeper than any message (deeper still: see `deepFrame`).
      let deep: Json = 1;
      for (let i = r.int(500); i > 0; i -= 1) deep = [deep];
      o[key] = deep;
    }
  }
}

/** Byte-level damage to a serialised frame. */
function mutateText(r: Rng, s: string): string {
  if (s.length === 0) return randomText(r, r.int(8));
  const at = r.int(s.length);
  switch (r.int(5)) {
    case 0:
      return s.slice(0, at);
    case 1:
      return s.slice(0, at) + String.fromCharCode(r.int(0x10000)) + s.slice(at + 1);
    case 2:
      return s.slice(0, at) + s.slice(at, at + r.int(64)).repeat(2 + r.int(4)) + s.slice(at);
    case 3:
      return s.slice(at) + s.slice(0, at);
    default:
      return `${s.slice(0, at)}${randomText(r, 1 + r.int(16))}${s.slice(at)}`;
  }
}

/** Sizes from 0 to twice `limit`: most small, some near and past the limit. */
export function pickSize(r: Rng, limit: number): number {
  const p = r.int(100);
  if (p < 70) return r.int(257);
  if (p < 92) return 256 + r.int(4096);
  if (p < 98) return 4096 + r.int(Math.max(1, limit - 4096));
  return limit - 64 + r.int(limit + 64);
}

/** Pads (or cuts) a frame towards `size` characters, keeping JSON valid when it was. */
function sized(r: Rng, frame: string, size: number, json: boolean): string {
  if (frame.length >= size) return r.int(4) === 0 ? frame.slice(0, size) : frame;
  const fill = size - frame.length;
  if (json && frame.startsWith('{') && frame.length > 2) {
    const pad =
      r.int(2) === 0 ? 'A'.repeat(Math.max(0, fill - 12)) : randomText(r, Math.max(0, fill - 12));
    return `{"pad":${JSON.stringify(pad)},${frame.slice(1)}`;
  }
  return frame + randomText(r, fill);
}

/** A frame nested far deeper than any serialiser here could write, to probe recursion. */
function deepFrame(r: Rng, size: number): string {
  const depth = Math.max(1, Math.floor(Math.max(size, 2) / 2));
  const open = r.pick(['[', '{"a":']);
  const close = open === '[' ? ']' : '}';
  return `{"type":"push","id":1,"data":${open.repeat(depth)}1${close.repeat(r.int(2) === 0 ? depth : r.int(depth))}}`;
}

export interface Frame {
  text: string;
  binary: boolean;
  kind: 'random-text' | 'random-json' | 'mutated' | 'valid' | 'binary';
}

export function fuzzFrame(r: Rng, limit: number, templates: () => Record<string, Json>[]): Frame {
  const size = pickSize(r, limit);
  const p = r.int(100);
  if (p < 3) return { text: randomText(r, size), binary: true, kind: 'binary' };
  if (p < 14) return { text: randomText(r, size), binary: false, kind: 'random-text' };
  if (p < 15) return { text: deepFrame(r, size), binary: false, kind: 'random-json' };
  if (p < 25)
    return {
      text: sized(r, JSON.stringify(randomJson(r)), size, true),
      binary: false,
      kind: 'random-json',
    };
  const message = r.pick(templates());
  if (p < 32) return { text: JSON.stringify(message), binary: false, kind: 'valid' };
  for (let m = 1 + r.int(3); m > 0; m -= 1) mutateObject(r, message);
  let text = sized(r, JSON.stringify(message), size, true);
  if (r.int(3) === 0) text = mutateText(r, text);
  return { text, binary: false, kind: 'mutated' };
}
