/**
 * Habit schedules: a 5-field cron (minute hour day-of-month month
 * day-of-week), evaluated by croner in the user's time zone.
 *
 * A habit is due on a local day when croner fires at any minute of that day.
 * Time-of-day fields only matter at DST changes, where croner's rules apply
 * (the tests pin them):
 * - a fixed time that a spring-forward skips (e.g. 02:30 in New York on
 *   2026-03-08, or midnight in Santiago) fires when the clock resumes the same
 *   day, so the day stays scheduled;
 * - an interval pattern (`*` or a step in minute or hour) whose every minute
 *   falls in the skipped hour does not fire that day;
 * - a repeated hour (fall back) never makes a day scheduled twice: days are a set.
 * Day-of-month and day-of-week combine with OR when both are restricted, as in
 * Vixie cron. A day that does not exist (31 April, 29 February 2027, Samoa's
 * 2011-12-30) is never scheduled. `?` (croner's "the current time") is refused,
 * since it would make a schedule depend on when it is read, as are nicknames
 * like `@daily`: the stored form is always five fields.
 *
 * Changing the user's time zone changes which days future evaluations return,
 * but never the date of a check-in already written: observations store their
 * day, not an instant.
 */
import { Cron } from 'croner';
import { isTimeZone, todayIn, type LocalDate } from './dates';
import { fail, ok, type Result } from './result';

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];

/** The cron, trimmed to single spaces, if croner accepts it and it fires on some day. */
export function validateCron(input: string): Result<string> {
  const fields = input.trim().split(/\s+/);
  if (fields.length !== 5) {
    return fail('bad-cron', `a schedule has five fields (${FIELD_NAMES.join(', ')})`);
  }
  if (input.includes('?')) return fail('bad-cron', '"?" is not supported; use "*"');
  const cron = fields.join(' ');
  let job: Cron;
  try {
    job = new Cron(cron, { mode: '5-part', paused: true });
  } catch (e) {
    // croner reports a bad pattern by throwing TypeError or RangeError; that is an expected failure here.
    if (e instanceof TypeError || e instanceof RangeError) return fail('bad-cron', e.message);
    throw e;
  }
  // Day-of-month 29–31 with a short month can never match; a leap day fires every four years.
  if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) {
    return fail('cron-never-fires', 'this schedule matches no day');
  }
  return ok(cron);
}

export function isValidCron(cron: string): boolean {
  return validateCron(cron).ok;
}

const jobs = new Map<string, Cron | null>();

function jobFor(cron: string, timeZone: string): Cron | null {
  const key = `${timeZone}\n${cron}`;
  let job = jobs.get(key);
  if (job === undefined) {
    if (!isTimeZone(timeZone)) throw new Error(`unknown time zone: ${timeZone}`);
    const valid = validateCron(cron);
    job = valid.ok
      ? new Cron(valid.value, { mode: '5-part', paused: true, timezone: timeZone })
      : null;
    if (jobs.size > 1000) jobs.clear();
    jobs.set(key, job);
  }
  return job;
}

const yearCache = new Map<string, readonly LocalDate[]>();

/** Every scheduled day of one calendar year, walked once with croner and kept. */
function daysOfYear(job: Cron, cron: string, year: number, timeZone: string): readonly LocalDate[] {
  const key = `${timeZone}\n${cron}\n${year}`;
  const cached = yearCache.get(key);
  if (cached) return cached;
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const days: LocalDate[] = [];
  // Strings are read by croner as wall-clock time in the job's zone. The last
  // second of a day exists even where the next midnight is skipped.
  let ref: string | Date = `${year - 1}-12-31T23:59:59`;
  for (let guard = 0; ; guard++) {
    if (guard > 1_000_000) throw new Error('scheduledDays did not terminate');
    const run = job.nextRun(ref);
    if (!run) break;
    const day = todayIn(timeZone, run);
    if (day > to) break;
    if (day >= from && days[days.length - 1] !== day) {
      days.push(day);
      ref = `${day}T23:59:59`;
    } else {
      // A repeated hour (fall back) can return runs of a day already seen;
      // step past this run itself so the walk always moves forward.
      ref = run;
    }
  }
  if (yearCache.size > 5000) yearCache.clear();
  yearCache.set(key, days);
  return days;
}

/**
 * The local days from `from` to `to` (both included) on which `cron` fires in
 * `timeZone`, ascending. An invalid cron schedules no day (validate it with
 * `validateCron` where it is entered). Results are computed a calendar year at
 * a time and cached, since summaries walk years of history.
 */
export function scheduledDays(
  cron: string,
  from: LocalDate,
  to: LocalDate,
  timeZone: string,
): LocalDate[] {
  const job = jobFor(cron, timeZone);
  if (!job || to < from) return [];
  const out: LocalDate[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    for (const day of daysOfYear(job, cron, year, timeZone)) {
      if (day >= from && day <= to) out.push(day);
    }
  }
  return out;
}

/** True when `cron` fires at any minute of the local day `date` in `timeZone`. */
export function isScheduledOn(cron: string, date: LocalDate, timeZone: string): boolean {
  return scheduledDays(cron, date, date, timeZone).length === 1;
}
