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

interface FieldRule {
  name: string;
  /** Where the field goes in a cron that is `*` everywhere else (minute and hour at 0). */
  probe: (v: string) => string;
  /** What a valid value looks like, in words. */
  help: string;
}

const FIELDS: readonly FieldRule[] = [
  {
    name: 'minute',
    probe: (v) => `${v} 0 * * *`,
    help: 'use 0 to 59',
  },
  {
    name: 'hour',
    probe: (v) => `0 ${v} * * *`,
    help: 'use 0 to 23',
  },
  {
    name: 'day of the month',
    probe: (v) => `0 0 ${v} * *`,
    help: 'use 1 to 31, L for the last day, ranges like 1-15, lists like 1,15 or steps like */2',
  },
  {
    name: 'month',
    probe: (v) => `0 0 * ${v} *`,
    help: 'use 1 to 12 or JAN to DEC, ranges like 6-8 or lists like 1,7',
  },
  {
    name: 'day of the week',
    probe: (v) => `0 0 * * ${v}`,
    help: 'use 0 to 6 (Sunday is 0 or 7) or SUN to SAT, ranges like MON-FRI or lists like MON,WED,FRI',
  },
];

/** croner's reading of a pattern, or the exception it threw for a bad one. */
function tryCron(pattern: string, timeZone?: string): Cron | TypeError | RangeError {
  try {
    return new Cron(pattern, {
      mode: '5-part',
      paused: true,
      ...(timeZone === undefined ? {} : { timezone: timeZone }),
    });
  } catch (e) {
    // croner reports a bad pattern by throwing TypeError or RangeError; that is an expected failure here.
    if (e instanceof TypeError || e instanceof RangeError) return e;
    throw e;
  }
}

/** Our words for the first field croner refuses (its own messages never reach the user). */
function fieldError(fields: readonly string[]): Result<never> {
  for (let i = 0; i < FIELDS.length; i++) {
    const rule = FIELDS[i];
    const value = fields[i] ?? '';
    if (rule !== undefined && !(tryCron(rule.probe(value)) instanceof Cron)) {
      return fail('bad-cron', `The ${rule.name} “${value}” is not valid: ${rule.help}.`);
    }
  }
  return fail('bad-cron', 'These fields do not make a schedule together.');
}

/** The cron, trimmed to single spaces, if croner accepts it and it fires on some day. */
export function validateCron(input: string): Result<string> {
  const fields = input
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 5) {
    return fail(
      'bad-cron',
      'A schedule has five fields: minute, hour, day of the month, month and day of the week.',
    );
  }
  if (input.includes('?')) return fail('bad-cron', '“?” is not supported; use “*”.');
  const cron = fields.join(' ');
  const job = tryCron(cron);
  if (!(job instanceof Cron)) return fieldError(fields);
  // Day-of-month 29–31 with a short month can never match; a leap day fires every four years.
  if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) {
    return fail('cron-never-fires', 'This schedule never falls on a real day (like 30 February).');
  }
  return ok(cron);
}

/**
 * The day fields of a habit's schedule, as typed in the custom picker: day of
 * the month, month, day of the week (a habit is due on a day, so the minute
 * and hour are not asked for; they are 0). Returns the full cron.
 */
export function validateDayFields(input: string): Result<string> {
  const fields = input
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 3) {
    return fail(
      'bad-cron',
      'Write three fields: day of the month, month and day of the week, like “1,15 * *” or “* * MON-FRI”.',
    );
  }
  return validateCron(`0 0 ${fields.join(' ')}`);
}

/** The day fields (day of the month, month, day of the week) of a valid cron. */
export function dayFieldsOf(cron: string): string {
  return cron.trim().split(/\s+/).slice(2).join(' ');
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
    const made = valid.ok ? tryCron(valid.value, timeZone) : null;
    job = made instanceof Cron ? made : null;
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

/**
 * The next `count` days on or after `from` on which `cron` fires, within ten
 * years (fewer when it fires less often, e.g. on 29 February).
 */
export function nextScheduledDays(
  cron: string,
  from: LocalDate,
  count: number,
  timeZone: string,
): LocalDate[] {
  const out: LocalDate[] = [];
  const firstYear = Number(from.slice(0, 4));
  for (let year = firstYear; year < firstYear + 10 && out.length < count; year++) {
    const start = year === firstYear ? from : `${year}-01-01`;
    for (const day of scheduledDays(cron, start, `${year}-12-31`, timeZone)) {
      out.push(day);
      if (out.length === count) break;
    }
  }
  return out;
}
