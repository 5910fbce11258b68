/**
 * The statistics every benchmark reports: a figure is the median of repeated
 * runs with their min and max; a latency is the p50 and p99 of its samples.
 * Percentiles use the nearest-rank method (a value that was actually observed).
 */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many values (runs or samples). */
  readonly n: number;
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

function assertFinite(values: readonly number[]): void {
  if (values.length === 0) throw new RangeError('no values to summarise');
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`not a finite value: ${v}`);
}

/** Nearest-rank percentile of `values`, p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  assertFinite(values);
  const s = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  assertFinite(values);
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? Number.NaN;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? Number.NaN) + hi) / 2;
}

export function summarize(values: readonly number[]): Summary {
  assertFinite(values);
  const s = sorted(values);
  return { median: median(s), min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN, n: s.length };
}

export function latency(samples: readonly number[]): Latency {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), n: samples.length };
}

/** Per-run ratios a[i] / b[i] of runs measured side by side. */
export function ratios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError('ratios of runs of different counts');
  return a.map((x, i) => x / (b[i] ?? Number.NaN));
}
