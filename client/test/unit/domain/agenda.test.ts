import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  agendaFor,
  checkIn,
  ensureObservationMonths,
  getHabit,
  habitDays,
  indexObservations,
  initialDocument,
  observationId,
  observationsOn,
  todayIn,
  updateHabit,
} from '../../../src/domain';
import { ACTOR_A, NOW, sha256Hex, templatesWith } from './helpers';

const TODAY = '2026-11-02'; // a Monday

const habits = templatesWith([
  {
    id: 'daily',
    name: 'Walk',
    schedule: '0 0 * * *',
    kind: { type: 'yesno' },
    startDate: '2026-10-30',
  },
  {
    id: 'wk',
    name: 'Gym',
    schedule: '0 0 * * 1,3,5',
    kind: { type: 'yesno' },
    startDate: '2026-10-26',
  },
]);

/**
 * What is due on a day follows from the rule in force that day: nothing is
 * materialised, and rows earlier versions' schedulers wrote ("due") are never
 * read, so they cannot change how a day is judged.
 */
describe('no materialised rows', () => {
  it('a legacy due row on a day the schedule did not fire never counts, and changes nothing where it did', () => {
    let obs = ensureObservationMonths(initialDocument('observations', ACTOR_A), [
      '2026-10',
      '2026-11',
    ]);
    // An earlier version, briefly set to "every day", wrote due rows for every day.
    obs = A.change(obs, (d) => {
      for (const date of ['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30']) {
        const bucket = d.months[date.slice(0, 7)];
        if (bucket) {
          bucket.due[observationId('wk', date, sha256Hex)] = {
            templateId: new A.ImmutableString('wk'),
            date: new A.ImmutableString(date),
          };
        }
      }
      checkIn(d, { templateId: 'wk', date: '2026-10-26', status: 'done', now: NOW }, sha256Hex);
    });
    const gym = getHabit(habits, 'wk');
    if (!gym) throw new Error('no habit');
    const days = habitDays(gym, indexObservations(obs), '2026-10-26', TODAY, TODAY, 'UTC');
    expect(days.map((d) => [d.date, d.outcome])).toEqual([
      ['2026-10-26', 'complete'],
      ['2026-10-28', 'missed'],
      ['2026-10-30', 'missed'],
      ['2026-11-02', 'open'],
    ]);
    expect(observationsOn(obs, '2026-10-27')).toEqual([]);
  });

  it('a check-in kept from an earlier schedule shows, marked as not scheduled', () => {
    let obs = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-11']);
    obs = A.change(obs, (d) =>
      checkIn(d, { templateId: 'daily', date: TODAY, status: 'done', now: NOW }, sha256Hex),
    );
    // From today on, only Sundays.
    const t = A.change(habits, (d) =>
      updateHabit(d, 'daily', { schedule: '0 0 * * 0' }, { today: TODAY }),
    );
    const item = agendaFor(t, obs, TODAY, 'UTC', sha256Hex).find((i) => i.habit.id === 'daily');
    expect(item).toMatchObject({ scheduled: false, complete: true });
    // Yesterday (a Sunday, and every day before the edit) keeps its schedule.
    expect(agendaFor(t, obs, '2026-10-31', 'UTC', sha256Hex).map((i) => i.habit.id)).toEqual([
      'daily',
    ]);
  });

  it('a time zone change keeps check-in dates', () => {
    const instant = Date.UTC(2026, 10, 2, 20); // Auckland: 3 Nov; Los Angeles: 2 Nov
    const nz = todayIn('Pacific/Auckland', instant);
    const la = todayIn('America/Los_Angeles', instant);
    expect([nz, la]).toEqual(['2026-11-03', '2026-11-02']);
    let obs = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-11']);
    obs = A.change(obs, (d) =>
      checkIn(d, { templateId: 'daily', date: nz, status: 'done', now: NOW }, sha256Hex),
    );
    // The user moves to Los Angeles: the check-in stays on 3 Nov.
    const on3 = agendaFor(habits, obs, '2026-11-03', 'America/Los_Angeles', sha256Hex);
    expect(on3.find((i) => i.habit.id === 'daily')?.complete).toBe(true);
    expect(agendaFor(habits, obs, la, 'America/Los_Angeles', sha256Hex)[0]?.complete).toBe(false);
  });
});

describe('agendaFor', () => {
  it("lists today's scheduled habits with their check-in, pending when none is stored", () => {
    let obs = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-11']);
    obs = A.change(obs, (d) =>
      checkIn(
        d,
        { templateId: 'wk', date: TODAY, status: 'done', note: 'legs', now: NOW },
        sha256Hex,
      ),
    );
    const items = agendaFor(habits, obs, TODAY, 'UTC', sha256Hex);
    expect(items.map((i) => [i.habit.id, i.observation.status, i.complete, i.scheduled])).toEqual([
      ['daily', 'pending', false, true],
      ['wk', 'done', true, true],
    ]);
    expect(items[0]?.observation.id).toBe(observationId('daily', TODAY, sha256Hex));
    // Tuesday: the Mon/Wed/Fri habit is not due.
    expect(agendaFor(habits, obs, '2026-11-03', 'UTC', sha256Hex).map((i) => i.habit.id)).toEqual([
      'daily',
    ]);
    // Before a habit's start date: not due.
    expect(agendaFor(habits, obs, '2026-10-29', 'UTC', sha256Hex).map((i) => i.habit.id)).toEqual(
      [],
    );
  });
});
