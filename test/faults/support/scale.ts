/**
 * How big the fault suites run. `CAIRN_FAULTS_SCALE=full` (`npm run test:faults`)
 * runs the counts the reliability promises name; anything else, or nothing (the
 * default in `npm test`), runs about a tenth of them so CI stays within minutes.
 * Every loop is bounded both by its count and by a time budget: a suite that
 * runs out of time reports how far it got rather than hanging.
 */

export type FaultScale = 'full' | 'ci';

export const SCALE: FaultScale = process.env['CAIRN_FAULTS_SCALE'] === 'full' ? 'full' : 'ci';

/** `full` at full scale, `ci` (default: a tenth, at least 1) otherwise. */
export function count(full: number, ci: number = Math.max(1, Math.round(full / 10))): number {
  return SCALE === 'full' ? full : ci;
}

/** A wall-clock budget: `left()` in ms, `over()` once it is spent. */
export function budget(ms: number): { left(): number; over(): boolean; elapsed(): number } {
  const start = performance.now();
  return {
    left: () => Math.max(0, ms - (performance.now() - start)),
    over: () => performance.now() - start >= ms,
    elapsed: () => performance.now() - start,
  };
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed by its seed. */
export function rng(seed: number): {
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
} {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
  };
}

/** One line per suite for docs/reliability.md: what ran, how many, how long. */
export function report(suite: string, fields: Record<string, number | string>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${v}`);
  console.log(`[faults:${SCALE}] ${suite}: ${parts.join(' ')}`);
}

/**
 * The bar for a loop that stopped early: at full scale every planned case must
 * run; at CI scale, on a loaded machine, the time budget may cut it short, but
 * not below a quarter of the plan (the counts it reached are reported).
 */
export function enough(planned: number): number {
  return SCALE === 'full' ? planned : Math.min(planned, Math.max(1, Math.ceil(planned / 4)));
}
