/**
 * Log framing (DESIGN §3.4): a log cut anywhere yields exactly the whole frames
 * before the cut, and the byte count to truncate to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, concat, frameRecord, parseFrames, toHex } from '../src/index.js';

const records = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 });

describe('frameRecord', () => {
  it('prefixes the record with its length as a little-endian u32', () => {
    const record = new Uint8Array(0x0102).fill(7);
    const frame = frameRecord(record);
    expect(toHex(frame.subarray(0, 4))).toBe('02010000');
    expect(frame.subarray(4)).toEqual(record);
    expect(toHex(frameRecord(new Uint8Array(0)))).toBe('00000000');
  });
});

describe('parseFrames', () => {
  it('returns every record of a whole log, in order', () => {
    fc.assert(
      fc.property(records, (rs) => {
        const log = concat(...rs.map(frameRecord));
        const parsed = parseFrames(log);
        expect(parsed.records).toEqual(rs);
        expect(parsed.validLength).toBe(log.length);
        expect(parsed.tornBytes).toBe(0);
      }),
    );
  });

  it('on every truncation, returns exactly the whole frames before the cut', () => {
    fc.assert(
      fc.property(records, (rs) => {
        const log = concat(...rs.map(frameRecord));
        const ends: number[] = [];
        let at = 0;
        for (const r of rs) ends.push((at += FRAME_HEADER_BYTES + r.length));
        for (let cut = 0; cut <= log.length; cut++) {
          const whole = ends.filter((end) => end <= cut).length;
          const validLength = whole === 0 ? 0 : ends[whole - 1]!;
          const parsed = parseFrames(log.subarray(0, cut));
          expect(parsed.records).toEqual(rs.slice(0, whole));
          expect(parsed.validLength).toBe(validLength);
          expect(parsed.tornBytes).toBe(cut - validLength);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('reads a view that does not start at the beginning of its buffer', () => {
    const log = concat(Uint8Array.of(9, 9, 9), frameRecord(Uint8Array.of(1, 2)), Uint8Array.of(5));
    const parsed = parseFrames(log.subarray(3));
    expect(parsed.records).toEqual([Uint8Array.of(1, 2)]);
    expect(parsed.validLength).toBe(6);
    expect(parsed.tornBytes).toBe(1);
  });

  it('stops at a length prefix that claims more bytes than remain', () => {
    const log = concat(frameRecord(Uint8Array.of(1)), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0));
    const parsed = parseFrames(log);
    expect(parsed.records).toEqual([Uint8Array.of(1)]);
    expect(parsed.validLength).toBe(5);
    expect(parsed.tornBytes).toBe(5);
  });
});
