/**
 * Statistics over the documents: pure functions of habits, an
 * ObservationIndex (checkins.ts) and today's date.
 *
 * Which days count for a habit: from its start date (or its earliest
 * check-in, if older, e.g. after an import) up to today, the days the rule in
 * force on each day fires (its schedule history, rules.ts), plus days the rule
 * did not ask for that the user checked in anyway (done, skipped, or a value
 * that reaches the target). Rows left by older versions' schedulers, pending
 * rows and check-ins the user undid never make a day count, so nothing but the
 * schedule a day had decides whether it was due.
 *
 * Outcome of a counted day:
 * - complete: status done; for count and duration habits the value must
 *   reach the target (a done without a value counts as reaching it), and a
 *   value that reaches the target counts even if the status was left pending;
 * - skipped: status skipped;
 * - open: today, not complete yet — it neither breaks nor extends anything;
 * - missed: any other day up to today (no row, pending, or below target).
 *
 * Streaks count complete occurrences in a row, in the schedule's own unit
 * (picker.ts `unitOf`: days, weekdays, sessions, weeks, months, years).
 * Skipped days neither break nor extend a streak. Completion rate is
 * complete / (complete + missed): skipped and open days are left out of both.
 */
import { addDays, daysBetween, isoWeek, type LocalDate } from './dates';
import type { ObservationIndex } from './checkins';
import { unitOf, type ScheduleUnit } from './picker';
import { latestRule, scheduledDaysIn } from './rules';
import type { Habit, Observation } from './types';

export type DayOutcome = 'complete' | 'skipped' | 'missed' | 'open';

/** Fraction of the target reached (1 for a done yes/no), 0…1. */
export function progress(habit: Habit, o: Observation | undefined): number {
  if (!o || o.status === 'skipped') return 0;
  if (habit.kind.type === 'yesno') return o.status === 'done' ? 1 : 0;
  if (o.value === undefined) return o.status === 'done' ? 1 : 0;
  return Math.min(1, o.value / habit.kind.target);
}

export function isComplete(habit: Habit, o: Observation | undefined): boolean {
  return progress(habit, o) >= 1;
}

export function dayOutcome(
  habit: Habit,
  o: Observation | undefined,
  date: LocalDate,
  today: LocalDate,
): DayOutcome {
  if (isComplete(habit, o)) return 'complete';
  if (o?.status === 'skipped') return 'skipped';
  return date >= today ? 'open' : 'missed';
}

export interface HabitDay {
  date: LocalDate;
  outcome: DayOutcome;
  observation?: Observation;
}

/** A check-in on a day its rule did not ask for counts when the user did something that day. */
function countsWithoutSchedule(habit: Habit, o: Observation): boolean {
  return o.status !== 'pending' || isComplete(habit, o);
}

/** The counted days of `habit` from `from` to `min(to, today)`, ascending, with outcomes. */
export function habitDays(
  habit: Habit,
  index: ObservationIndex,
  from: LocalDate,
  to: LocalDate,
  today: LocalDate,
  timeZone: string,
): HabitDay[] {
  const rows = index.get(habit.id);
  let start = habit.startDate;
  for (const date of rows?.keys() ?? []) if (date < start) start = date;
  if (from > start) start = from;
  const end = to < today ? to : today;
  if (end < start) return [];
  const days = new Set(scheduledDaysIn(habit.scheduleHistory, start, end, timeZone));
  for (const [date, o] of rows ?? []) {
    if (date >= start && date <= end && countsWithoutSchedule(habit, o)) days.add(date);
  }
  return [...days].sort().map((date) => {
    const observation = rows?.get(date);
    const day: HabitDay = { date, outcome: dayOutcome(habit, observation, date, today) };
    if (observation) day.observation = observation;
    return day;
  });
}

/** The unit the habit's streaks count in: that of the rule set last. */
export function habitUnit(habit: Habit): ScheduleUnit {
  const rule = latestRule(habit.scheduleHistory);
  return rule?.kind === 'cron' ? unitOf(rule.cron) : 'session';
}

export interface Streaks {
  /** Complete occurrences in a row ending today (or at the last one, while today is open). */
  current: number;
  best: number;
  /** What one occurrence is: the unit of both numbers. */
  unit: ScheduleUnit;
}

export function streaks(
  habit: Habit,
  index: ObservationIndex,
  today: LocalDate,
  timeZone: string,
): Streaks {
  let run = 0;
  let best = 0;
  for (const day of habitDays(habit, index, '0001-01-01', today, today, timeZone)) {
    if (day.outcome === 'complete') best = Math.max(best, ++run);
    else if (day.outcome === 'missed') run = 0;
  }
  return { current: run, best, unit: habitUnit(habit) };
}

export interface StreakPoint {
  date: LocalDate;
  /** The run of complete occurrences as of that day. */
  length: number;
}

/**
 * The streak as of each counted day from `from` to today, for a chart: first,
 * when `from` is after the habit's start, the run as it stood then (counted
 * from the whole history, so a chart that starts mid-streak does not start at
 * 0), then one point per counted day. The last point's length is the current
 * streak.
 */
export function streakSeries(
  habit: Habit,
  index: ObservationIndex,
  from: LocalDate,
  today: LocalDate,
  timeZone: string,
): StreakPoint[] {
  let run = 0;
  const points: StreakPoint[] = [];
  for (const day of habitDays(habit, index, '0001-01-01', today, today, timeZone)) {
    // A chart that starts after the habit did begins with the run as it stood then.
    if (day.date >= from && points.length === 0 && from > habit.startDate) {
      points.push({ date: from, length: run });
    }
    if (day.outcome === 'complete') run += 1;
    else if (day.outcome === 'missed') run = 0;
    if (day.date >= from) points.push({ date: day.date, length: run });
  }
  if (points.length === 0) points.push({ date: from, length: run });
  return points;
}

export interface PeriodStats {
  /** 'YYYY-Www' (ISO week) or 'YYYY-MM'. */
  period: string;
  complete: number;
  skipped: number;
  missed: number;
  /** complete / (complete + missed), or null when no day counts yet. */
  rate: number | null;
}

/**
 * Completion per ISO week or calendar month over `habits` (one habit, or all
 * of them together), for days `from`…`to` up to today, oldest first. Periods
 * with no counted day are included with a null rate, so charts have no gaps.
 */
export function completionRates(
  habits: readonly Habit[],
  index: ObservationIndex,
  period: 'week' | 'month',
  from: LocalDate,
  to: LocalDate,
  today: LocalDate,
  timeZone: string,
): PeriodStats[] {
  const key = (d: LocalDate): string => (period === 'week' ? isoWeek(d) : d.slice(0, 7));
  const stats = new Map<string, PeriodStats>();
  const end = to < today ? to : today;
  for (let i = 0; i <= daysBetween(from, end); i++) {
    const k = key(addDays(from, i));
    if (!stats.has(k)) stats.set(k, { period: k, complete: 0, skipped: 0, missed: 0, rate: null });
  }
  for (const habit of habits) {
    for (const day of habitDays(habit, index, from, end, today, timeZone)) {
      const s = stats.get(key(day.date));
      if (!s) continue;
      if (day.outcome === 'complete') s.complete++;
      else if (day.outcome === 'skipped') s.skipped++;
      else if (day.outcome === 'missed') s.missed++;
    }
  }
  for (const s of stats.values()) {
    const counted = s.complete + s.missed;
    s.rate = counted === 0 ? null : s.complete / counted;
  }
  return [...stats.values()];
}

export interface HeatCell {
  date: LocalDate;
  /** 'none': not a counted day (unscheduled, before the start, or in the future). */
  outcome: DayOutcome | 'none';
  /** 0 nothing … 4 target reached; from the value for count and duration habits. */
  level: 0 | 1 | 2 | 3 | 4;
  value?: number;
}

function level(p: number): HeatCell['level'] {
  if (p >= 1) return 4;
  if (p >= 2 / 3) return 3;
  if (p >= 1 / 3) return 2;
  return p > 0 ? 1 : 0;
}

/** One cell per day `from`…`to` (future days included, as 'none'), for a calendar heatmap. */
export function heatmap(
  habit: Habit,
  index: ObservationIndex,
  from: LocalDate,
  to: LocalDate,
  today: LocalDate,
  timeZone: string,
): HeatCell[] {
  const counted = new Map(
    habitDays(habit, index, from, to, today, timeZone).map((d) => [d.date, d.outcome]),
  );
  const rows = index.get(habit.id);
  const cells: HeatCell[] = [];
  for (let i = 0; i <= daysBetween(from, to); i++) {
    const date = addDays(from, i);
    const o = date <= today ? rows?.get(date) : undefined;
    const cell: HeatCell = {
      date,
      outcome: counted.get(date) ?? 'none',
      level: level(progress(habit, o)),
    };
    if (o?.value !== undefined) cell.value = o.value;
    cells.push(cell);
  }
  return cells;
}
