/**
 * Statistics over the documents: pure functions of habits, an
 * ObservationIndex (checkins.ts) and today's date.
 *
 * Which days count for a habit: from its start date (or its earliest
 * check-in, if older, e.g. after an import) up to today, the days its current
 * schedule fires, plus days that have a row the schedule no longer fires on
 * but that mattered then: a materialised due row, or a done/skipped check-in.
 * A check-in the user undid on a day that is not scheduled does not count.
 *
 * Outcome of a counted day:
 * - complete: status done; for count and duration habits the value must
 *   reach the target (a done without a value counts as reaching it), and a
 *   value that reaches the target counts even if the status was left pending;
 * - skipped: status skipped;
 * - open: today, not complete yet — it neither breaks nor extends anything;
 * - missed: any other day up to today (no row, pending, or below target).
 *
 * Streaks count complete days in a row. Skipped days neither break nor
 * extend a streak. Completion rate is complete / (complete + missed):
 * skipped and open days are left out of both.
 */
import { addDays, daysBetween, isoWeek, type LocalDate } from './dates';
import type { ObservationIndex } from './checkins';
import { scheduledDays } from './schedule';
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

function countsWithoutSchedule(o: Observation): boolean {
  return o.status !== 'pending' || o.updatedAt === 0;
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
  const days = new Set(scheduledDays(habit.schedule, start, end, timeZone));
  for (const [date, o] of rows ?? []) {
    if (date >= start && date <= end && countsWithoutSchedule(o)) days.add(date);
  }
  return [...days].sort().map((date) => {
    const observation = rows?.get(date);
    const day: HabitDay = { date, outcome: dayOutcome(habit, observation, date, today) };
    if (observation) day.observation = observation;
    return day;
  });
}

export interface Streaks {
  /** Complete days in a row ending today (or yesterday, while today is open). */
  current: number;
  best: number;
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
  return { current: run, best };
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
