/** A habit's statistics for the History screen, from the domain's summaries. */
import {
  UNIT_WORDS,
  addDays,
  completionRates,
  getHabit,
  heatmap,
  indexObservations,
  startOfWeek,
  streakSeries,
  streaks,
  type LocalDate,
  type ObservationsDoc,
  type PeriodStats,
  type ScheduleUnit,
  type TemplatesDoc,
} from '../domain';
import type { HabitStats, RatePoint } from './types';

const HEATMAP_WEEKS = 26;
const RATE_PERIODS = 12;

/** How far back the streak chart looks: about thirty occurrences of the unit, at least 90 days. */
const CHART_DAYS: Readonly<Record<ScheduleUnit, number>> = {
  day: 90,
  weekday: 90,
  session: 90,
  week: 7 * 30,
  month: 2 * 365,
  year: 10 * 365,
};

const empty: HabitStats = {
  currentStreak: 0,
  bestStreak: 0,
  unit: UNIT_WORDS.day,
  heatmap: [],
  streaks: [],
  weekly: [],
  monthly: [],
  period: 'week',
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

  const s = streaks(habit, index, today, timeZone);
  const chartFrom = addDays(today, -(CHART_DAYS[s.unit] - 1));
  const points = streakSeries(habit, index, chartFrom, today, timeZone);

  const weekFrom = startOfWeek(addDays(today, -7 * (RATE_PERIODS - 1)));
  const weekly = ratePoints(
    completionRates([habit], index, 'week', weekFrom, today, today, timeZone),
    (_s, i) => addDays(weekFrom, 7 * i),
    dayLabel,
  );
  const monthFrom = monthStart(today, RATE_PERIODS - 1);
  const monthly = ratePoints(
    completionRates([habit], index, 'month', monthFrom, today, today, timeZone),
    (p) => `${p.period}-01`,
    (start) => monthLabel(start.slice(0, 7)),
  );

  return {
    currentStreak: s.current,
    bestStreak: s.best,
    unit: UNIT_WORDS[s.unit],
    heatmap: cells,
    streaks: points,
    weekly,
    monthly,
    period: s.unit === 'month' || s.unit === 'year' ? 'month' : 'week',
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
