/**
 * Reconnect delays: 1, 2, 4, 8, 16 s, then 30 s for every later attempt. The
 * caller counts failed attempts since the last successful connection, so one
 * success resets the schedule to 1 s. No jitter: a relay restart meets at most
 * a user's few devices per account, and a fixed schedule is testable as is.
 */

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 30_000;

/** Delay before reconnect attempt `failures` (0 = the first retry after a failure). */
export function backoffDelay(failures: number): number {
  if (!Number.isInteger(failures) || failures < 0) throw new RangeError(`failures ${failures}`);
  // 2^15 s is far past the cap; clamping the exponent keeps the arithmetic exact.
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures, 15));
}
