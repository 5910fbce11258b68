/**
 * Properties of schedule history (rules.ts): an edit changes how days are
 * judged from the day it is made on, never before; any sequence of edits
 * made on one day and then undone by restoring the original schedule leaves
 * every day's status, every rate and every streak as they were, also for a
 * habit written before schedule history and with rows earlier schedulers
 * left behind.
 */
import * as A from '@automerge/automerge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  checkIn,
  completionRates,
  ensureObservationMonths,
  getHabit,
  habitDays,
  heatmap,
  indexObservations,
  initialDocument,
  monthsBetween,
  observationId,
  scheduledDays,
  streakSeries,
  streaks,
  updateHabit,
  type CheckInStatus,
  type ObservationsDoc,
  type TemplatesDoc,
} from '../../../src/domain';
import { ACTOR_A, NOW, sha256Hex, templatesWith } from './helpers';

const TODAY = '2026-11-02';
const START = '2026-06-01';
const CRONS = [
  '0 0 * * *',
  '0 0 * * 1-5',
  '0 0 * * 1,3,5',
  '0 0 * * 0',
  '0 0 1 * *',
  '0 0 31 * *',
  '0 0 L * *',
  '0 0 1,15 * *',
  '30 2 * * *',
  '0 0 29 2 *',
];
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'America/Santiago', 'Pacific/Auckland'];

const checkInArb = fc.record({
  day: fc.integer({ min: 0, max: 154 }), // START … TODAY
  status: fc.constantFrom<CheckInStatus>('done', 'skipped', 'pending'),
  value: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
});

function setup(
  cron: string,
  legacy: boolean,
  rows: { day: number; status: CheckInStatus; value: number | undefined }[],
  count: boolean,
) {
  let templates = templatesWith([
    {
      id: 'h',
      name: 'Habit',
      schedule: cron,
      kind: count ? { type: 'count', target: 5 } : { type: 'yesno' },
      startDate: START,
    },
  ]);
  // A habit as a version before schedule history wrote it.
  if (legacy) templates = A.change(templates, (d) => void delete d.habits['h']?.schedules);
  let obs = ensureObservationMonths(
    initialDocument('observations', ACTOR_A),
    monthsBetween(START, TODAY),
  );
  obs = A.change(obs, (d) => {
    for (const r of rows) {
      const date = addDays(START, r.day);
      checkIn(
        d,
        {
          templateId: 'h',
          date,
          status: r.status,
          ...(r.value === undefined ? {} : { value: r.value }),
          now: NOW,
        },
        sha256Hex,
      );
    }
  });
  return { templates, obs };
}

/** Everything the History screen and the CSV show about the habit. */
function judge(templates: TemplatesDoc, obs: ObservationsDoc, tz: string, today = TODAY) {
  const habit = getHabit(templates, 'h');
  if (!habit) throw new Error('no habit');
  const index = indexObservations(obs);
  const { unit: _unit, ...streak } = streaks(habit, index, today, tz);
  return {
    days: habitDays(habit, index, START, today, today, tz).map((d) => [d.date, d.outcome]),
    streak,
    weeks: completionRates([habit], index, 'week', START, today, today, tz),
    months: completionRates([habit], index, 'month', START, today, today, tz),
    heat: heatmap(habit, index, START, today, today, tz),
    chart: streakSeries(habit, index, addDays(today, -60), today, tz),
  };
}

/** Rows an earlier version's scheduler wrote for every day ("due, pending"). */
function withLegacyDueRows(obs: A.Doc<ObservationsDoc>, days: number[]): A.Doc<ObservationsDoc> {
  return A.change(obs, (d) => {
    for (const n of days) {
      const date = addDays(START, n);
      const bucket = d.months[date.slice(0, 7)];
      const id = observationId('h', date, sha256Hex);
      if (bucket && !(id in bucket.entries)) {
        bucket.due[id] = {
          templateId: new A.ImmutableString('h'),
          date: new A.ImmutableString(date),
        };
      }
    }
  });
}

describe('schedule history (property)', () => {
  it('any edits made today, then the original restored, leave every statistic as it was', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CRONS),
        fc.array(fc.constantFrom(...CRONS), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...ZONES),
        fc.boolean(),
        fc.boolean(),
        fc.array(checkInArb, { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 154 }), { maxLength: 40 }),
        (original, edits, tz, legacy, count, rows, dueDays) => {
          const { templates, obs } = setup(original, legacy, rows, count);
          const before = judge(templates, obs, tz);
          let t = templates;
          for (const cron of [...edits, original]) {
            t = A.change(t, (d) => {
              updateHabit(d, 'h', { schedule: cron }, { today: TODAY });
            });
          }
          expect(judge(t, withLegacyDueRows(obs, dueDays), tz)).toEqual(before);
          // And tomorrow, the original rule still rules.
          expect(getHabit(t, 'h')?.schedule).toBe(original);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('edits made on later days never change the days before the first of them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CRONS),
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 40 }), cron: fc.constantFrom(...CRONS) }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.constantFrom(...ZONES),
        fc.boolean(),
        fc.array(checkInArb, { maxLength: 60 }),
        (original, edits, tz, legacy, rows) => {
          const { templates, obs } = setup(original, legacy, rows, false);
          let t = templates;
          let day = addDays(START, 10);
          const first = addDays(day, edits[0]?.gap ?? 0);
          const before = judge(templates, obs, tz, addDays(first, -1));
          let last = original;
          for (const e of edits) {
            day = addDays(day, e.gap);
            if (day > TODAY) break;
            const on = day;
            t = A.change(t, (d) => {
              updateHabit(d, 'h', { schedule: e.cron }, { today: on });
            });
            last = e.cron;
          }
          // The days before the first edit: judged exactly as before it.
          expect(judge(t, obs, tz, addDays(first, -1))).toEqual(before);
          // The days from the last edit on: due exactly when the last rule fires.
          const habit = getHabit(t, 'h');
          if (!habit) throw new Error('no habit');
          const from = day > TODAY ? TODAY : day;
          const counted = habitDays(habit, indexObservations(obs), from, TODAY, TODAY, tz)
            .filter((d) => d.observation === undefined || d.observation.status === 'pending')
            .filter((d) => d.observation?.value === undefined)
            .map((d) => d.date);
          const fired = new Set(scheduledDays(last, from, TODAY, tz));
          for (const d of counted) expect(fired.has(d)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });
});
