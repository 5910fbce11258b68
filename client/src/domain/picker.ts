/**
 * The schedule picker's model and the sentence that reads a schedule back.
 *
 * The picker writes crons at midnight (`0 0 …`): only the day matters for a
 * habit, and croner keeps a fixed midnight on its day even where DST skips it
 * (schedule.ts). Reading accepts any single minute and hour, so a cron typed
 * as `30 7 * * 1-5` still shows as "Weekdays". "Every N days" is not offered:
 * cron cannot say it without drifting at month ends.
 *
 * Month ends: a day of the month the month does not have is skipped (the
 * 31st is due in seven months of the year, the 30th skips February), and the
 * sentence says so; "the last day of the month" (`L`) is due every month.
 *
 * Parsing for `cronToPick` and `describeSchedule` is croner's (its
 * `CronPattern`), not a hand-written parser; this module only reads the sets
 * croner produces.
 */
import { CronPattern } from 'croner';
import { fail, ok, type Result } from './result';
import { validateCron } from './schedule';

/** Cron numbering: 0 = Sunday … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export type SchedulePick =
  | { type: 'daily' }
  | { type: 'weekdays' }
  | { type: 'days'; days: Weekday[] }
  /** A day of the month, or its last day. */
  | { type: 'monthDay'; day: number | 'last' };

/** Monday-first order, for pickers and sentences. */
export const WEEK_ORDER: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];
export const WEEKDAY_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export const WEEKDAY_LONG = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;
const MONTH_SHORT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

export const DAILY_CRON = '0 0 * * *';
export const WEEKDAYS_CRON = '0 0 * * 1-5';
export const LAST_DAY_CRON = '0 0 L * *';

export function pickToCron(pick: SchedulePick): Result<string> {
  switch (pick.type) {
    case 'daily':
      return ok(DAILY_CRON);
    case 'weekdays':
      return ok(WEEKDAYS_CRON);
    case 'days': {
      const days = [...new Set(pick.days)].sort((a, b) => a - b);
      if (days.length === 0) return fail('bad-cron', 'pick at least one day of the week');
      if (days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
        return fail('bad-cron', 'days of the week are 0 (Sunday) to 6 (Saturday)');
      }
      if (days.length === 7) return ok(DAILY_CRON);
      if (days.join(',') === '1,2,3,4,5') return ok(WEEKDAYS_CRON);
      return ok(`0 0 * * ${days.join(',')}`);
    }
    case 'monthDay':
      if (pick.day === 'last') return ok(LAST_DAY_CRON);
      if (!Number.isInteger(pick.day) || pick.day < 1 || pick.day > 31) {
        return fail('bad-cron', 'a day of the month is 1 to 31');
      }
      return ok(`0 0 ${pick.day} * *`);
  }
}

/** croner's reading of a valid cron: the sets of days, months and weekdays it matches. */
interface Parsed {
  fixedTime: boolean;
  anyDom: boolean;
  anyDow: boolean;
  /** `L` in the day of the month. */
  lastDay: boolean;
  special: boolean;
  dom: number[]; // 1..31
  months: number[]; // 1..12
  dows: Weekday[]; // cron numbering
}

function parse(cron: string): Parsed | undefined {
  const valid = validateCron(cron);
  if (!valid.ok) return undefined;
  const p = new CronPattern(valid.value, undefined, { mode: '5-part' });
  const on = (xs: number[], base: number): number[] => xs.flatMap((v, i) => (v ? [i + base] : []));
  const dows = WEEK_ORDER.filter((d) => p.dayOfWeek[d] !== 0);
  return {
    fixedTime: on(p.minute, 0).length === 1 && on(p.hour, 0).length === 1,
    anyDom: p.starDOM,
    anyDow: p.starDOW,
    lastDay: p.lastDayOfMonth,
    // Nearest weekday, nth weekday, the last day beside other days: beyond
    // what the picker or the sentences say.
    special:
      (p.lastDayOfMonth && on(p.day, 1).length > 0) ||
      p.lastWeekday ||
      p.nearestWeekdays.some(Boolean) ||
      p.dayOfWeek.some((v) => v !== 0 && v !== 63),
    dom: on(p.day, 1),
    months: on(p.month, 1),
    dows,
  };
}

/** The picker setting that writes this schedule, or undefined for a custom cron. */
export function cronToPick(cron: string): SchedulePick | undefined {
  const p = parse(cron);
  if (!p || !p.fixedTime || p.special || p.months.length !== 12) return undefined;
  if (p.lastDay) return p.anyDow ? { type: 'monthDay', day: 'last' } : undefined;
  if (p.anyDom && p.anyDow) return { type: 'daily' };
  if (p.anyDom) {
    if (p.dows.length === 7) return { type: 'daily' };
    if ([...p.dows].sort().join(',') === '1,2,3,4,5') return { type: 'weekdays' };
    return { type: 'days', days: [...p.dows] };
  }
  if (p.anyDow && p.dom.length === 1 && p.dom[0] !== undefined) {
    return { type: 'monthDay', day: p.dom[0] };
  }
  return undefined;
}

export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "a", "a and b", "a, b and c". */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function weekdayPhrase(dows: Weekday[]): string {
  if (dows.length === 7) return 'Every day';
  const key = [...dows].sort().join(',');
  if (key === '1,2,3,4,5') return 'Weekdays';
  if (key === '0,6') return 'Weekends';
  if (dows.length === 1 && dows[0] !== undefined) return `Every ${WEEKDAY_LONG[dows[0]]}`;
  return listPhrase(dows.map((d) => WEEKDAY_SHORT[d]));
}

/**
 * A sentence for a schedule: "Every day", "Weekdays", "Mon, Wed and Fri",
 * "On the 1st of each month", "On the 1st and 15th of Jan and Jul". Anything
 * the sentences cannot say exactly reads "Custom schedule (<cron>)"; an invalid
 * cron reads "Invalid schedule".
 */
export function describeSchedule(cron: string): string {
  const p = parse(cron);
  if (!p) return 'Invalid schedule';
  const custom = `Custom schedule (${cron.trim().split(/\s+/).join(' ')})`;
  if (p.special || (!p.anyDom && !p.anyDow)) return custom;
  const everyMonth = p.months.length === 12;
  const monthList = listPhrase(p.months.map((m) => MONTH_SHORT[m - 1] ?? ''));
  if (p.anyDom) {
    const days = p.anyDow ? 'Every day' : weekdayPhrase(p.dows);
    return everyMonth ? days : `${days} in ${monthList}`;
  }
  if (p.lastDay) {
    return everyMonth ? 'On the last day of each month' : `On the last day of ${monthList}`;
  }
  if (p.dom.length > 6) return custom;
  const days = `On the ${listPhrase(p.dom.map(ordinal))}`;
  if (!everyMonth) return `${days} of ${monthList}`;
  const only = p.dom.length === 1 ? (p.dom[0] ?? 0) : 0;
  const skipped =
    only === 31
      ? ' (months without a 31st are skipped)'
      : only === 30
        ? ' (February is skipped)'
        : only === 29
          ? ' (February is skipped except in leap years)'
          : '';
  return `${days} of each month${skipped}`;
}

/** What one occurrence of a schedule is called: streaks and rates count these. */
export type ScheduleUnit = 'day' | 'weekday' | 'session' | 'week' | 'month' | 'year';

export const UNIT_WORDS: Readonly<Record<ScheduleUnit, { one: string; many: string }>> = {
  day: { one: 'day', many: 'days' },
  weekday: { one: 'weekday', many: 'weekdays' },
  session: { one: 'session', many: 'sessions' },
  week: { one: 'week', many: 'weeks' },
  month: { one: 'month', many: 'months' },
  year: { one: 'year', many: 'years' },
};

/**
 * The unit of a schedule: every day → days; Monday to Friday → weekdays; one
 * day a week → weeks; one day a month (or its last day) → months; one day a
 * year → years; anything else (Mon/Wed/Fri, a custom cron) → sessions.
 */
export function unitOf(cron: string): ScheduleUnit {
  const p = parse(cron);
  if (!p || p.special) return 'session';
  const everyMonth = p.months.length === 12;
  if (p.lastDay) {
    if (!p.anyDow) return 'session';
    return everyMonth ? 'month' : p.months.length === 1 ? 'year' : 'session';
  }
  if (p.anyDom) {
    if (!everyMonth) return 'session';
    if (p.anyDow || p.dows.length === 7) return 'day';
    if ([...p.dows].sort().join(',') === '1,2,3,4,5') return 'weekday';
    return p.dows.length === 1 ? 'week' : 'session';
  }
  if (p.anyDow && p.dom.length === 1) {
    if (everyMonth) return 'month';
    if (p.months.length === 1) return 'year';
  }
  return 'session';
}
