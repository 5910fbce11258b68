/**
 * Expected failures in the domain are values, not exceptions: every function
 * that can reject its input returns a `Result` whose error carries a stable
 * `code`, so the app says it in its own words (app/messages.ts) and the
 * `message` is for logs (a schedule's errors excepted: their message says
 * which field is wrong, and the schedule picker shows it). Exceptions are
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
  | 'bad-import' // import JSON does not match the export format
  // Refusals of the commands (commands.ts), checked before anything is written:
  | 'empty-profile-name' // the profile's name is blank
  | 'empty-category-name' // a category's name is blank
  | 'bad-colour' // a category's colour is not #rrggbb
  | 'nothing-to-restore' // the category to restore is not (or no longer) deleted
  | 'empty-habit-name' // a habit's name is blank
  | 'bad-target' // a count or duration habit's target is not a number above zero
  | 'unknown-habit' // the habit is not (or no longer) there
  | 'bad-status' // a check-in's status is not done, skipped or pending
  | 'bad-value' // a check-in's value is not a finite number ≥ 0
  | 'empty-title'; // a one-off's title is blank

export interface DomainError {
  readonly code: DomainErrorCode;
  readonly message: string;
}

export { ok } from '@cairn/shared/result';
export const fail = (code: DomainErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
