/**
 * Calendar days as `YYYY-MM-DD` strings ("local dates"). A check-in belongs to
 * a day of the user's calendar, not to an instant, so days are plain strings
 * and all arithmetic on them is done on a DST-free (UTC) clock. Only
 * `todayIn` looks at a time zone, to turn "now" into the user's day.
 */
import { fail, ok, type Result } from './result';

/** A calendar day, `YYYY-MM-DD`. */
export type LocalDate = string;
/** A calendar month, `YYYY-MM`: the key of an observation or one-off bucket. */
export type MonthKey = string;

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: LocalDate): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a local date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtcMs(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for a real calendar day written as `YYYY-MM-DD` (so not 2026-02-30). */
export function isLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number(m[1]) >= 1000 && fromUtcMs(ms) === s;
}

export function parseLocalDate(s: string): Result<LocalDate> {
  return isLocalDate(s) ? ok(s) : fail('bad-date', `not a calendar day (YYYY-MM-DD): ${s}`);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachDay(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let ms = toUtcMs(from), end = toUtcMs(to); ms <= end; ms += DAY_MS) out.push(fromUtcMs(ms));
  return out;
}

/** 0 = Sunday … 6 = Saturday, as in cron. */
export function weekday(date: LocalDate): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function monthOf(date: LocalDate): MonthKey {
  return date.slice(0, 7);
}

/** The months that the days `from`…`to` touch, in order. */
export function monthsBetween(from: LocalDate, to: LocalDate): MonthKey[] {
  const out: MonthKey[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const last = monthOf(to);
  for (;;) {
    const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (key > last) return out;
    out.push(key);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

/** ISO-8601 week, `YYYY-Www`: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(date: LocalDate): string {
  const ms = toUtcMs(date);
  const dow = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(ms + (3 - dow) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday that starts `date`'s ISO week. */
export function startOfWeek(date: LocalDate): LocalDate {
  return addDays(date, -((weekday(date) + 6) % 7));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

export function parseTimeZone(timeZone: string): Result<string> {
  return isTimeZone(timeZone)
    ? ok(timeZone)
    : fail('bad-time-zone', `unknown time zone: ${timeZone}`);
}

/** The user's calendar day at `instant` in `timeZone` (an IANA name). */
export function todayIn(timeZone: string, instant: Date | number): LocalDate {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
