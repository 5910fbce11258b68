/**
 * Size padding (DESIGN §3.7): ISO/IEC 7816-4 to buckets of 256 bytes up to
 * 4096, then of 4096. Every length 0..10000 round-trips; malformed or
 * non-canonical padding is rejected with `bad-padding`.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { equalBytes, pad, paddedLength, ready, toHex, unpad } from '../src/index.js';
import { codeOf } from './support/code-of.js';

/** The bucket, computed here independently of the implementation. */
function bucket(length: number): number {
  const need = length + 1;
  if (need <= 4096) return 256 * Math.ceil(need / 256);
  return 4096 * Math.ceil(need / 4096);
}

/** Padded bytes built by hand: `content`, then 0x80 at `marker`, zeros to `total`. */
function handPadded(contentLength: number, total: number, markerAt = contentLength): Uint8Array {
  const out = new Uint8Array(total).fill(0x11, 0, contentLength);
  if (markerAt < total) out[markerAt] = 0x80;
  return out;
}

beforeAll(async () => {
  await ready();
});

describe('pad / unpad', () => {
  it('round-trips every length 0..10000 into the right bucket', () => {
    const mismatches: number[] = [];
    for (let n = 0; n <= 10000; n++) {
      // Content ending in 0x80 0x00 would fool a parser that scans forward.
      const pt = new Uint8Array(n).map((_, i) => (i === n - 2 ? 0x80 : (i * 7) & 0xff));
      const padded = pad(pt);
      const ok =
        padded.length === bucket(n) &&
        paddedLength(n) === padded.length &&
        padded[n] === 0x80 &&
        padded.subarray(n + 1).every((b) => b === 0) &&
        equalBytes(padded.subarray(0, n), pt) &&
        equalBytes(unpad(padded), pt);
      if (!ok) mismatches.push(n);
    }
    expect(mismatches).toEqual([]);
  });

  it('uses the buckets of the design at their edges', () => {
    const cases: [number, number][] = [
      [0, 256],
      [255, 256],
      [256, 512],
      [4094, 4096],
      [4095, 4096],
      [4096, 8192],
      [8191, 8192],
      [8192, 12288],
    ];
    for (const [n, size] of cases) {
      expect(paddedLength(n)).toBe(size);
      expect(pad(new Uint8Array(n)).length).toBe(size);
    }
  });

  it('rejects lengths that are not a bucket', () => {
    for (const n of [0, 1, 100, 255, 257, 4095, 4097, 4352, 8191, 8193]) {
      expect(codeOf(() => unpad(new Uint8Array(n).fill(0x80, n - 1)))).toBe('bad-padding');
    }
  });

  it('rejects a missing marker, a wrong marker and bytes after the marker', () => {
    expect(codeOf(() => unpad(new Uint8Array(256)))).toBe('bad-padding');
    const wrongMarker = handPadded(10, 256);
    wrongMarker[10] = 0x81;
    expect(codeOf(() => unpad(wrongMarker))).toBe('bad-padding');
    const trailing = handPadded(10, 256);
    trailing[200] = 0x01;
    expect(codeOf(() => unpad(trailing))).toBe('bad-padding');
  });

  it('rejects padding longer than one bucket step (not what pad would produce)', () => {
    expect(codeOf(() => unpad(handPadded(10, 512)))).toBe('bad-padding');
    expect(codeOf(() => unpad(handPadded(100, 8192)))).toBe('bad-padding');
    expect(codeOf(() => unpad(handPadded(4000, 8192)))).toBe('bad-padding');
    expect(unpad(handPadded(300, 512))).toHaveLength(300);
  });

  it('accepts only canonical padding: whatever unpads, pads back to the same bytes', () => {
    const padded = fc.oneof(
      fc.uint8Array({ minLength: 256, maxLength: 256 }),
      fc
        .tuple(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 0, max: 1023 }))
        .map(([content, marker]) => handPadded(content, 1024, marker)),
    );
    fc.assert(
      fc.property(padded, (p) => {
        const code = codeOf(() => unpad(p));
        if (code === undefined) expect(toHex(pad(unpad(p)))).toBe(toHex(p));
        else expect(code).toBe('bad-padding');
      }),
    );
  });
});
