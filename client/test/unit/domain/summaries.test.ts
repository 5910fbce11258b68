import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  checkIn,
  completionRates,
  eachDay,
  getHabit,
  habitDays,
  heatmap,
  indexObservations,
  streaks,
  type CheckInStatus,
  type Habit,
} from '../../../src/domain';
import { NOW, observationsFor, sha256Hex, templatesWith } from './helpers';

type Row = [date: string, status: CheckInStatus, value?: number];

function setup(
  habit: Omit<
    Habit,
    'createdAt' | 'archived' | 'notes' | 'order' | 'categoryId' | 'scheduleHistory'
  >,
  rows: Row[],
) {
  const t = templatesWith([habit]);
  let obs = observationsFor(['2026-10', '2026-11']);
  obs = A.change(obs, (d) => {
    for (const [date, status, value] of rows) {
      checkIn(
        d,
        { templateId: habit.id, date, status, ...(value === undefined ? {} : { value }), now: NOW },
        sha256Hex,
      );
    }
  });
  const h = getHabit(t, habit.id);
  if (!h) throw new Error('no habit');
  return { habit: h, index: indexObservations(obs) };
}

const done = (from: string, to: string): Row[] => eachDay(from, to).map((d) => [d, 'done']);

describe('streaks', () => {
  const daily = {
    id: 'd',
    name: 'Walk',
    schedule: '0 0 * * *',
    kind: { type: 'yesno' as const },
    startDate: '2026-10-01',
  };
  const rows: Row[] = [
    ...done('2026-10-01', '2026-10-05'),
    // 10-06: nothing (missed)
    ...done('2026-10-07', '2026-10-10'),
    ['2026-10-11', 'skipped'],
    ...done('2026-10-12', '2026-10-19'),
  ];

  it('skipped days neither break nor extend; today not yet done does not break', () => {
    const { habit, index } = setup(daily, rows);
    expect(streaks(habit, index, '2026-10-20', 'UTC')).toEqual({
      current: 12,
      best: 12,
      unit: 'day',
    });
  });

  it('today done extends; a missed yesterday ends the current streak', () => {
    const { habit, index } = setup(daily, [...rows, ['2026-10-20', 'done']]);
    expect(streaks(habit, index, '2026-10-20', 'UTC')).toEqual({
      current: 13,
      best: 13,
      unit: 'day',
    });
    expect(streaks(habit, index, '2026-10-22', 'UTC')).toEqual({
      current: 0,
      best: 13,
      unit: 'day',
    });
  });

  it('a pending row (or an undone check-in) on a past scheduled day breaks it', () => {
    const { habit, index } = setup(daily, [
      ...done('2026-10-01', '2026-10-03'),
      ['2026-10-04', 'pending'],
      ['2026-10-05', 'done'],
    ]);
    expect(streaks(habit, index, '2026-10-05', 'UTC')).toEqual({
      current: 1,
      best: 3,
      unit: 'day',
    });
  });

  it('only scheduled days count: Mon/Wed/Fri done is a streak across the gaps', () => {
    const mwf = { ...daily, id: 'm', schedule: '0 0 * * 1,3,5', startDate: '2026-10-05' };
    const { habit, index } = setup(mwf, [
      ['2026-10-05', 'done'],
      ['2026-10-07', 'done'],
      ['2026-10-09', 'done'],
      ['2026-10-12', 'done'],
    ]);
    expect(streaks(habit, index, '2026-10-13', 'UTC')).toEqual({
      current: 4,
      best: 4,
      unit: 'session',
    });
    expect(streaks(habit, index, '2026-10-15', 'UTC')).toEqual({
      current: 0,
      best: 4,
      unit: 'session',
    }); // Wed 14th missed
  });

  it('an extra check-in on an unscheduled day counts; an undone one does not', () => {
    const mwf = { ...daily, id: 'm', schedule: '0 0 * * 1,3,5', startDate: '2026-10-05' };
    const { habit, index } = setup(mwf, [
      ['2026-10-05', 'done'],
      ['2026-10-06', 'done'], // Tuesday, extra
      ['2026-10-07', 'done'],
      ['2026-10-08', 'pending'], // Thursday, undone
    ]);
    expect(streaks(habit, index, '2026-10-08', 'UTC')).toEqual({
      current: 3,
      best: 3,
      unit: 'session',
    });
  });

  it('count and duration habits are done when the value reaches the target', () => {
    const count = { ...daily, id: 'c', kind: { type: 'count' as const, target: 8 } };
    const { habit, index } = setup(count, [
      ['2026-10-01', 'done', 8],
      ['2026-10-02', 'pending', 9], // reached, status left pending: complete
      ['2026-10-03', 'done'], // done without a value: complete
      ['2026-10-04', 'done', 5], // below target: not complete
      ['2026-10-05', 'done', 8],
    ]);
    expect(streaks(habit, index, '2026-10-05', 'UTC')).toEqual({
      current: 1,
      best: 3,
      unit: 'day',
    });
    const days = habitDays(habit, index, '2026-10-01', '2026-10-05', '2026-10-05', 'UTC');
    expect(days.map((d) => d.outcome)).toEqual([
      'complete',
      'complete',
      'complete',
      'missed',
      'complete',
    ]);
    const duration = { ...daily, id: 'u', kind: { type: 'duration' as const, target: 30 } };
    const u = setup(duration, [
      ['2026-10-01', 'done', 29],
      ['2026-10-02', 'done', 30],
    ]);
    expect(streaks(u.habit, u.index, '2026-10-02', 'UTC')).toEqual({
      current: 1,
      best: 1,
      unit: 'day',
    });
  });

  it('no history: zero', () => {
    const { habit, index } = setup(daily, []);
    expect(streaks(habit, index, '2026-10-01', 'UTC')).toEqual({
      current: 0,
      best: 0,
      unit: 'day',
    });
  });
});

describe('completion rates', () => {
  it('per ISO week and per month; skipped and open days are left out', () => {
    const daily = {
      id: 'd',
      name: 'Walk',
      schedule: '0 0 * * *',
      kind: { type: 'yesno' as const },
      startDate: '2026-10-26',
    };
    // Week 2026-W44 is Mon 26 Oct – Sun 1 Nov.
    const { habit, index } = setup(daily, [
      ...done('2026-10-26', '2026-10-29'),
      ['2026-10-30', 'skipped'],
      // 31 Oct, 1 Nov missed
      ['2026-11-02', 'done'],
    ]);
    const weeks = completionRates(
      [habit],
      index,
      'week',
      '2026-10-19',
      '2026-11-08',
      '2026-11-03',
      'UTC',
    );
    expect(weeks).toEqual([
      { period: '2026-W43', complete: 0, skipped: 0, missed: 0, rate: null },
      { period: '2026-W44', complete: 4, skipped: 1, missed: 2, rate: 4 / 6 },
      { period: '2026-W45', complete: 1, skipped: 0, missed: 0, rate: 1 }, // 3 Nov (today) is open
    ]);
    const months = completionRates(
      [habit],
      index,
      'month',
      '2026-10-01',
      '2026-11-30',
      '2026-11-03',
      'UTC',
    );
    expect(months).toEqual([
      { period: '2026-10', complete: 4, skipped: 1, missed: 1, rate: 0.8 },
      { period: '2026-11', complete: 1, skipped: 0, missed: 1, rate: 0.5 },
    ]);
  });
});

describe('heatmap', () => {
  it('one cell per day with a level 0..4 from the value', () => {
    const count = {
      id: 'c',
      name: 'Water',
      schedule: '0 0 * * *',
      kind: { type: 'count' as const, target: 8 },
      startDate: '2026-10-02',
    };
    const { habit, index } = setup(count, [
      ['2026-10-02', 'done', 8],
      ['2026-10-03', 'pending', 6],
      ['2026-10-04', 'pending', 3],
      ['2026-10-05', 'pending', 1],
      ['2026-10-06', 'skipped'],
    ]);
    const cells = heatmap(habit, index, '2026-10-01', '2026-10-09', '2026-10-08', 'UTC');
    expect(cells.map((c) => [c.date.slice(8), c.outcome, c.level, c.value])).toEqual([
      ['01', 'none', 0, undefined], // before the start
      ['02', 'complete', 4, 8],
      ['03', 'missed', 3, 6],
      ['04', 'missed', 2, 3],
      ['05', 'missed', 1, 1],
      ['06', 'skipped', 0, undefined],
      ['07', 'missed', 0, undefined],
      ['08', 'open', 0, undefined], // today
      ['09', 'none', 0, undefined], // future
    ]);
  });
});
