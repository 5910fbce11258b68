import { describe, expect, it } from 'vitest';
import { LookupLimiter } from '../../src/pairing/limiter.js';

describe('per-IP pairing lookup budget', () => {
  it('grants the budget, then says how long to wait, and refills evenly', () => {
    const l = new LookupLimiter(6); // one token every 10 s
    const t0 = 1_000_000;
    for (let i = 0; i < 6; i++) expect(l.take('1.2.3.4', t0)).toBe(0);
    expect(l.take('1.2.3.4', t0)).toBe(10_000);
    expect(l.take('1.2.3.4', t0 + 4_000)).toBe(6_000);
    expect(l.take('1.2.3.4', t0 + 10_000)).toBe(0);
    expect(l.take('1.2.3.4', t0 + 10_000)).toBe(10_000);
    // Another address has its own budget.
    expect(l.take('5.6.7.8', t0)).toBe(0);
  });

  it('forgets addresses whose budget has refilled', () => {
    const l = new LookupLimiter(6); // one token back every 10 s
    l.take('a', 0);
    l.take('b', 5_000);
    l.prune(9_999);
    expect(l.size).toBe(2);
    l.prune(10_000);
    expect(l.size).toBe(1);
    l.prune(15_000);
    expect(l.size).toBe(0);
  });
});
