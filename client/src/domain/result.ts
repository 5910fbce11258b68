/**
 * Expected failures in the domain are values, not exceptions: every function
 * that can reject its input returns a `Result` whose error carries a stable
 * `code`, so the UI branches on codes and shows its own words. Exceptions are
 * kept for bugs (for example calling a mutator on a month bucket that was
 * never prepared).
 */
import type { Result as ResultOf } from '@cairn/shared/result';

export type Result<T, E = DomainError> = ResultOf<T, E>;

export type DomainErrorCode =
  | 'bad-cron' // not a 5-field cron expression croner accepts
  | 'cron-never-fires' // valid syntax, but no day ever matches (e.g. 31 February)
  | 'bad-time-zone' // not an IANA time zone this runtime knows
  | 'bad-date' // not a real calendar day in YYYY-MM-DD form
  | 'bad-json' // import text is not JSON at all
  | 'bad-import'; // import JSON does not match the export format

export interface DomainError {
  readonly code: DomainErrorCode;
  readonly message: string;
}

export { ok } from '@cairn/shared/result';
export const fail = (code: DomainErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
