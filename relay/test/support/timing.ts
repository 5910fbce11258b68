/**
 * Comparing two samples of durations without assuming a distribution: medians,
 * the Mann–Whitney effect size (AUC: the chance that a draw from `a` is slower
 * than one from `b`, 0.5 when they are alike) and the two-sample
 * Kolmogorov–Smirnov statistic (the largest gap between the two CDFs).
 */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** P(a > b) + P(a = b) / 2, from the rank-sum (Mann–Whitney U) with mid-ranks for ties. */
export function auc(a: readonly number[], b: readonly number[]): number {
  const all = [...a.map((x) => ({ x, from: 0 })), ...b.map((x) => ({ x, from: 1 }))].sort(
    (p, q) => p.x - q.x,
  );
  let rankSumA = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.x === all[i]!.x) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.from === 0) rankSumA += midRank;
    i = j;
  }
  const u = rankSumA - (a.length * (a.length + 1)) / 2;
  return u / (a.length * b.length);
}

/** sup |F_a(x) − F_b(x)|. */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < sa.length && j < sb.length) {
    const x = Math.min(sa[i]!, sb[j]!);
    while (i < sa.length && sa[i]! <= x) i++;
    while (j < sb.length && sb[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / sa.length - j / sb.length));
  }
  return d;
}
