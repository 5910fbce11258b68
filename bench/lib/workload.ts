/**
 * The side-by-side workload, the same on both systems: check-ins written by
 * Cairn's own domain code into an `observations` document (bucketed by month),
 * 10 habits × consecutive days, one check-in per change.
 */
import { sha256, toHex, utf8 } from '@cairn/shared';

export const HABITS = 10;
export const NOW = Date.UTC(2025, 0, 1);

export const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));

/** Fixed habit ids, so both systems write the same keys. */
export const habitIds: readonly string[] = Array.from(
  { length: HABITS },
  (_, i) => `00000000-0000-4000-8000-${(0xb0000 + i).toString(16).padStart(12, '0')}`,
);

const DAY_MS = 86_400_000;
const START = Date.UTC(2023, 0, 1);

/** The date of check-in `i`: ten habits per day, day after day from 2023-01-01. */
export function dateOf(i: number): string {
  return new Date(START + Math.floor(i / HABITS) * DAY_MS).toISOString().slice(0, 10);
}

export function habitOf(i: number): string {
  return habitIds[i % HABITS] ?? '';
}

/** The years check-ins 0..n−1 fall in (their month buckets must exist). */
export function yearsOf(n: number): number[] {
  const first = Number(dateOf(0).slice(0, 4));
  const last = Number(dateOf(Math.max(0, n - 1)).slice(0, 4));
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}
