import { describe, expect, it } from 'vitest';
import { HybridClock, formatHlc, maxHlc, parseHlc } from '../../../src/domain';

const NODE_A = 'aa'.repeat(8);
const NODE_B = 'bb'.repeat(8);

describe('hybrid logical clocks', () => {
  it('are fixed-width strings that compare like (time, counter, node)', () => {
    const c = formatHlc(1_772_614_440_000, 3, NODE_A);
    expect(c).toBe('001772614440000-0003-aaaaaaaaaaaaaaaa');
    expect(parseHlc(c)).toEqual({ wall: 1_772_614_440_000, counter: 3, node: NODE_A });
    expect(formatHlc(9, 0, NODE_A) < formatHlc(10, 0, NODE_A)).toBe(true);
    expect(formatHlc(10, 0, NODE_B) < formatHlc(10, 1, NODE_A)).toBe(true);
    expect(formatHlc(10, 1, NODE_A) < formatHlc(10, 1, NODE_B)).toBe(true);
    expect('' < formatHlc(0, 0, NODE_A)).toBe(true);
    expect(maxHlc('', c)).toBe(c);
    expect(parseHlc('')).toBeUndefined();
    expect(parseHlc('001772614440000-0003-AAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(() => formatHlc(-1, 0, NODE_A)).toThrow();
    expect(() => formatHlc(0, 10_000, NODE_A)).toThrow();
    expect(() => new HybridClock('not-hex', () => 0)).toThrow();
  });

  it('never go back, and count within one millisecond', () => {
    let now = 1000;
    const clock = new HybridClock(NODE_A, () => now);
    const a = clock.next();
    const b = clock.next();
    now = 900; // the device's time steps back (NTP)
    const c = clock.next();
    now = 2000;
    const d = clock.next();
    expect([a, b, c, d]).toEqual([
      formatHlc(1000, 0, NODE_A),
      formatHlc(1000, 1, NODE_A),
      formatHlc(1000, 2, NODE_A),
      formatHlc(2000, 0, NODE_A),
    ]);
  });

  it('a device minutes behind issues a later clock than any it was shown', () => {
    const ahead = new HybridClock(NODE_B, () => 10 * 60_000);
    const behind = new HybridClock(NODE_A, () => 3 * 60_000);
    const seen = ahead.next();
    const mine = behind.next(seen);
    expect(mine > seen).toBe(true);
    expect(parseHlc(mine)).toEqual({ wall: 10 * 60_000, counter: 1, node: NODE_A });
    // Same time and counter as what it was shown, but a smaller node: still later.
    const low = new HybridClock('00'.repeat(8), () => 0);
    const shown = formatHlc(5, 7, NODE_B);
    expect(low.next(shown) > shown).toBe(true);
  });

  it('the counter rolls into the next millisecond rather than overflowing', () => {
    const clock = new HybridClock(NODE_A, () => 0);
    clock.observe(formatHlc(5, 9999, NODE_B));
    expect(clock.next()).toBe(formatHlc(6, 0, NODE_A));
  });
});
