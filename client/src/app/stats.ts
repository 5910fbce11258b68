/** A habit's statistics for the History screen, from the domain's summaries. */
import {
  addDays,
  completionRates,
  getHabit,
  habitDays,
  heatmap,
  indexObservations,
  startOfWeek,
  streaks,
  type LocalDate,
  type ObservationsDoc,
  type PeriodStats,
  type TemplatesDoc,
} from '../domain';
import type { HabitStats, RatePoint, StreakPoint } from './types';

const HEATMAP_WEEKS = 26;
const STREAK_DAYS = 90;
const RATE_PERIODS = 12;

const empty: HabitStats = {
  currentStreak: 0,
  bestStreak: 0,
  heatmap: [],
  streaks: [],
  weekly: [],
  monthly: [],
};

function monthLabel(month: string): string {
  return new Date(`${month}-15T12:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    timeZone: 'UTC',
  });
}

function dayLabel(day: LocalDate): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

function ratePoints(
  stats: PeriodStats[],
  start: (s: PeriodStats, i: number) => LocalDate,
  label: (start: LocalDate) => string,
): RatePoint[] {
  return stats.map((s, i) => {
    const first = start(s, i);
    return { label: label(first), start: first, done: s.complete, due: s.complete + s.missed };
  });
}

export function computeStats(
  templates: TemplatesDoc,
  observations: ObservationsDoc,
  habitId: string,
  today: LocalDate,
  timeZone: string,
): HabitStats {
  const habit = getHabit(templates, habitId);
  if (habit === undefined) return empty;
  const index = indexObservations(observations);

  const heatFrom = startOfWeek(addDays(today, -7 * (HEATMAP_WEEKS - 1)));
  const cells = heatmap(habit, index, heatFrom, today, today, timeZone).map((c) => ({
    date: c.date,
    outcome: c.outcome,
    level: c.level,
  }));

  // The run as of each day needs the whole history; only the last days are drawn.
  const chartFrom = addDays(today, -(STREAK_DAYS - 1));
  const outcomes = new Map<LocalDate, number>();
  let run = 0;
  for (const day of habitDays(habit, index, '0001-01-01', today, today, timeZone)) {
    if (day.outcome === 'complete') run += 1;
    else if (day.outcome === 'missed') run = 0;
    if (day.date >= chartFrom) outcomes.set(day.date, run);
  }
  const points: StreakPoint[] = [];
  let last = 0;
  for (let i = 0; i < STREAK_DAYS; i++) {
    const date = addDays(chartFrom, i);
    if (date < habit.startDate) continue;
    last = outcomes.get(date) ?? last;
    points.push({ date, length: last });
  }

  const weekFrom = startOfWeek(addDays(today, -7 * (RATE_PERIODS - 1)));
  const weekly = ratePoints(
    completionRates([habit], index, 'week', weekFrom, today, today, timeZone),
    (_s, i) => addDays(weekFrom, 7 * i),
    dayLabel,
  );
  const monthFrom = monthStart(today, RATE_PERIODS - 1);
  const monthly = ratePoints(
    completionRates([habit], index, 'month', monthFrom, today, today, timeZone),
    (s) => `${s.period}-01`,
    (start) => monthLabel(start.slice(0, 7)),
  );

  const s = streaks(habit, index, today, timeZone);
  return {
    currentStreak: s.current,
    bestStreak: s.best,
    heatmap: cells,
    streaks: points,
    weekly,
    monthly,
  };
}

/** The first day of the month `back` months before `today`'s. */
function monthStart(today: LocalDate, back: number): LocalDate {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1 - back;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-01`;
}
