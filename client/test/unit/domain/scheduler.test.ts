import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  MATERIALISE_WINDOW_DAYS,
  agendaFor,
  allObservations,
  archiveHabit,
  checkIn,
  dueCheckIns,
  ensureObservationMonths,
  initialDocument,
  materialise,
  observationId,
  observationsOn,
  runScheduler,
  todayIn,
  updateHabit,
} from '../../../src/domain';
import { ACTOR_A, ACTOR_B, NOW, sha256Hex, templatesWith } from './helpers';

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

describe('dueCheckIns', () => {
  it('lists scheduled days from the start date to today, none in the future', () => {
    const due = dueCheckIns(habits, initialDocument('observations'), TODAY, 'UTC', sha256Hex);
    expect(due.map((d) => `${d.templateId}@${d.date}`)).toEqual([
      'wk@2026-10-26',
      'wk@2026-10-28',
      'daily@2026-10-30',
      'wk@2026-10-30',
      'daily@2026-10-31',
      'daily@2026-11-01',
      'daily@2026-11-02',
      'wk@2026-11-02',
    ]);
    expect(due[0]?.id).toBe(observationId('wk', '2026-10-26', sha256Hex));
  });

  it('skips archived habits and caps the window', () => {
    const old = templatesWith([
      {
        id: 'old',
        name: 'Old',
        schedule: '0 0 * * *',
        kind: { type: 'yesno' },
        startDate: '2020-01-01',
      },
      {
        id: 'arch',
        name: 'Arch',
        schedule: '0 0 * * *',
        kind: { type: 'yesno' },
        startDate: '2026-11-01',
      },
    ]);
    const t = A.change(old, (d) => archiveHabit(d, 'arch'));
    const due = dueCheckIns(t, initialDocument('observations'), TODAY, 'UTC', sha256Hex);
    expect(due).toHaveLength(MATERIALISE_WINDOW_DAYS);
    expect(due.every((d) => d.templateId === 'old')).toBe(true);
    expect(due[0]?.date).toBe('2026-09-04');
  });
});

describe('materialise', () => {
  it('writes pending rows once; running again finds nothing', () => {
    const obs = runScheduler(
      initialDocument('observations', ACTOR_A),
      habits,
      TODAY,
      'UTC',
      sha256Hex,
    );
    expect(allObservations(obs)).toHaveLength(8);
    expect(allObservations(obs).every((o) => o.status === 'pending' && o.updatedAt === 0)).toBe(
      true,
    );
    expect(dueCheckIns(habits, obs, TODAY, 'UTC', sha256Hex)).toEqual([]);
    expect(runScheduler(obs, habits, TODAY, 'UTC', sha256Hex)).toBe(obs);
  });

  it('refuses a future day', () => {
    const obs = ensureObservationMonths(initialDocument('observations'), ['2026-11']);
    expect(() =>
      A.change(obs, (d) =>
        materialise(d, [{ id: 'x', templateId: 'daily', date: '2026-11-03' }], TODAY),
      ),
    ).toThrow(/future/);
  });

  it('two devices materialising the same days merge to one row per habit and day', () => {
    const start = initialDocument('observations', ACTOR_A);
    const a = runScheduler(start, habits, TODAY, 'UTC', sha256Hex);
    const b = runScheduler(A.clone(start, { actor: ACTOR_B }), habits, TODAY, 'UTC', sha256Hex);
    const merged = A.merge(A.clone(a), b);
    const rows = allObservations(merged);
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.id)).size).toBe(8);
    expect(rows).toEqual(allObservations(A.merge(A.clone(b), a)));
    expect(dueCheckIns(habits, merged, TODAY, 'UTC', sha256Hex)).toEqual([]);
  });

  it("a device materialising 'pending' never hides another device's 'done'", () => {
    const start = ensureObservationMonths(initialDocument('observations', ACTOR_A), [
      '2026-10',
      '2026-11',
    ]);
    // Device A checks in (no scheduler run); device B runs the scheduler at the same time.
    const a = A.change(start, (d) =>
      checkIn(d, { templateId: 'daily', date: TODAY, status: 'done', now: NOW }, sha256Hex),
    );
    const b = runScheduler(A.clone(start, { actor: ACTOR_B }), habits, TODAY, 'UTC', sha256Hex);
    for (const m of [A.merge(A.clone(a), b), A.merge(A.clone(b), a)]) {
      const today = observationsOn(m, TODAY).find((o) => o.templateId === 'daily');
      expect(today?.status).toBe('done');
      expect(observationsOn(m, TODAY)).toHaveLength(2);
    }
    // And sequentially: a scheduler that already sees 'done' writes nothing for it.
    const after = runScheduler(a, habits, TODAY, 'UTC', sha256Hex);
    expect(observationsOn(after, TODAY).find((o) => o.templateId === 'daily')?.status).toBe('done');
  });

  it('a changed schedule does not move days already materialised', () => {
    const obs = runScheduler(
      initialDocument('observations', ACTOR_A),
      habits,
      TODAY,
      'UTC',
      sha256Hex,
    );
    const t = A.change(habits, (d) => updateHabit(d, 'daily', { schedule: '0 0 * * 0' }));
    expect(runScheduler(obs, t, TODAY, 'UTC', sha256Hex)).toBe(obs);
    expect(allObservations(obs).filter((o) => o.templateId === 'daily')).toHaveLength(4);
    // Today's agenda still shows the kept row, marked as no longer scheduled.
    const item = agendaFor(t, obs, TODAY, 'UTC', sha256Hex).find((i) => i.habit.id === 'daily');
    expect(item).toMatchObject({ scheduled: false, complete: false });
  });

  it('a time zone change keeps materialised dates and adds no duplicates', () => {
    const instant = Date.UTC(2026, 10, 2, 20); // Auckland: 3 Nov; Los Angeles: 2 Nov
    const nz = todayIn('Pacific/Auckland', instant);
    const la = todayIn('America/Los_Angeles', instant);
    expect([nz, la]).toEqual(['2026-11-03', '2026-11-02']);
    const obs = runScheduler(
      initialDocument('observations', ACTOR_A),
      habits,
      nz,
      'Pacific/Auckland',
      sha256Hex,
    );
    const before = allObservations(obs);
    expect(before.some((o) => o.date === '2026-11-03')).toBe(true);
    // The user moves to Los Angeles: "today" is now a day earlier.
    const after = runScheduler(obs, habits, la, 'America/Los_Angeles', sha256Hex);
    expect(after).toBe(obs);
    expect(allObservations(after)).toEqual(before);
    // The next day in LA finds 3 Nov already there.
    const next = runScheduler(after, habits, '2026-11-03', 'America/Los_Angeles', sha256Hex);
    expect(allObservations(next)).toEqual(before);
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
