/**
 * Streaks count the schedule's own occurrences and name their unit, across
 * DST changes and month ends; the streak chart agrees with the numbers.
 */
import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  checkIn,
  ensureObservationMonths,
  getHabit,
  habitDays,
  indexObservations,
  initialDocument,
  monthsBetween,
  streakSeries,
  streaks,
} from '../../../src/domain';
import { ACTOR_A, NOW, sha256Hex, templatesWith } from './helpers';

function setup(cron: string, start: string, done: string[], until: string) {
  const t = templatesWith([
    { id: 'h', name: 'Habit', schedule: cron, kind: { type: 'yesno' }, startDate: start },
  ]);
  let obs = ensureObservationMonths(
    initialDocument('observations', ACTOR_A),
    monthsBetween(start, until),
  );
  obs = A.change(obs, (d) => {
    for (const date of done) {
      checkIn(d, { templateId: 'h', date, status: 'done', now: NOW }, sha256Hex);
    }
  });
  const habit = getHabit(t, 'h');
  if (!habit) throw new Error('no habit');
  return { habit, index: indexObservations(obs) };
}

describe('streaks in the schedule’s unit', () => {
  it('monthly on the 1st, in New York across both DST changes: months', () => {
    const days = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'];
    const more = [
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
    ];
    const { habit, index } = setup('0 0 1 * *', '2026-01-01', [...days, ...more], '2026-11-20');
    expect(streaks(habit, index, '2026-11-20', 'America/New_York')).toEqual({
      current: 11,
      best: 11,
      unit: 'month',
    });
    // December 1st not yet here: still 11; missed once it has passed.
    expect(streaks(habit, index, '2026-12-02', 'America/New_York').current).toBe(0);
  });

  it('the 31st skips months without one: Jan, Mar, May in a row is three months', () => {
    const { habit, index } = setup(
      '0 0 31 * *',
      '2026-01-01',
      ['2026-01-31', '2026-03-31', '2026-05-31'],
      '2026-06-15',
    );
    expect(streaks(habit, index, '2026-06-15', 'UTC')).toEqual({
      current: 3,
      best: 3,
      unit: 'month',
    });
    expect(
      habitDays(habit, index, '2026-01-01', '2026-06-15', '2026-06-15', 'UTC').map((d) => d.date),
    ).toEqual(['2026-01-31', '2026-03-31', '2026-05-31']);
  });

  it('the last day of the month is due every month, 28 February included', () => {
    const { habit, index } = setup(
      '0 0 L * *',
      '2026-01-01',
      ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30'],
      '2026-05-10',
    );
    expect(streaks(habit, index, '2026-05-10', 'Europe/London')).toEqual({
      current: 4,
      best: 4,
      unit: 'month',
    });
  });

  it('every Sunday, across London’s clock changes on Sundays: weeks', () => {
    // 2026-03-29 and 2026-10-25 are the Sundays the clocks change.
    const sundays = [
      '2026-03-22',
      '2026-03-29',
      '2026-04-05',
      '2026-10-18',
      '2026-10-25',
      '2026-11-01',
    ];
    const { habit, index } = setup('0 0 * * 0', '2026-10-18', sundays.slice(3), '2026-11-03');
    expect(streaks(habit, index, '2026-11-03', 'Europe/London')).toEqual({
      current: 3,
      best: 3,
      unit: 'week',
    });
    const spring = setup('0 0 * * 0', '2026-03-22', sundays.slice(0, 3), '2026-04-06');
    expect(streaks(spring.habit, spring.index, '2026-04-06', 'Europe/London').current).toBe(3);
  });

  it('Mon/Wed/Fri in Santiago, where midnight is skipped on 6 Sep 2026: sessions', () => {
    const done = ['2026-09-02', '2026-09-04', '2026-09-07', '2026-09-09'];
    const { habit, index } = setup('0 0 * * 1,3,5', '2026-09-01', done, '2026-09-10');
    expect(streaks(habit, index, '2026-09-10', 'America/Santiago')).toEqual({
      current: 4,
      best: 4,
      unit: 'session',
    });
  });

  it('a cron at 02:30 in New York is still due on 8 Mar 2026, when 02:30 is skipped: days', () => {
    const done = ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'];
    const { habit, index } = setup('30 2 * * *', '2026-03-06', done, '2026-03-10');
    expect(streaks(habit, index, '2026-03-10', 'America/New_York')).toEqual({
      current: 4,
      best: 4,
      unit: 'day',
    });
  });

  it('the chart starts with the run as it stood, and ends at the current streak', () => {
    const paid = [
      '2025-06-01',
      '2025-07-01',
      '2025-08-01',
      '2025-09-01',
      '2025-10-01',
      '2025-11-01',
    ];
    const { habit, index } = setup('0 0 1 * *', '2025-06-01', paid, '2025-11-20');
    // A 90-day window from 22 Aug: before the fix it started at 0 until 1 September.
    const points = streakSeries(habit, index, '2025-08-22', '2025-11-20', 'UTC');
    expect(points).toEqual([
      { date: '2025-08-22', length: 3 },
      { date: '2025-09-01', length: 4 },
      { date: '2025-10-01', length: 5 },
      { date: '2025-11-01', length: 6 },
    ]);
    expect(points[points.length - 1]?.length).toBe(
      streaks(habit, index, '2025-11-20', 'UTC').current,
    );
  });
});
