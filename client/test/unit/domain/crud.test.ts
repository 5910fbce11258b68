import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  addCategory,
  addHabit,
  addOneOff,
  allObservations,
  checkIn,
  clearCategory,
  deleteCategory,
  deleteHabit,
  deleteObservationsOf,
  deleteOneOff,
  ensureOneOffMonths,
  getHabit,
  getOneOff,
  initialDocument,
  isoWeek,
  isLocalDate,
  listCategories,
  listHabits,
  monthsBetween,
  oneOffsBetween,
  oneOffsOn,
  parseTimeZone,
  startOfWeek,
  todayIn,
  toggleOneOff,
  undoCheckIn,
  updateCategory,
  updateHabit,
  updateOneOff,
  observationsOn,
} from '../../../src/domain';
import { ACTOR_A, NOW, observationsFor, sha256Hex } from './helpers';

describe('categories', () => {
  it('add, order, update, delete', () => {
    let c = initialDocument('categories', ACTOR_A);
    c = A.change(c, (d) => {
      addCategory(d, { id: 'b', name: 'Mind', colour: '#00f' });
      addCategory(d, { id: 'a', name: 'Body', colour: '#0f0' });
      addCategory(d, { id: 'z', name: 'First', colour: '#f00', order: -1 });
    });
    expect(listCategories(c).map((x) => [x.id, x.order])).toEqual([
      ['z', -1],
      ['b', 0],
      ['a', 1],
    ]);
    c = A.change(c, (d) => {
      expect(updateCategory(d, 'a', { name: 'Body & health', order: -2 })).toBe(true);
      expect(updateCategory(d, 'missing', { name: 'x' })).toBe(false);
    });
    expect(listCategories(c)[0]).toEqual({
      id: 'a',
      name: 'Body & health',
      colour: '#0f0',
      order: -2,
    });
    const unchanged = A.change(c, (d) => updateCategory(d, 'a', { name: 'Body & health' }));
    expect(A.getHeads(unchanged)).toEqual(A.getHeads(c)); // no-op writes make no change
    c = A.change(c, (d) => expect(deleteCategory(d, 'b')).toBe(true));
    expect(listCategories(c).map((x) => x.id)).toEqual(['a', 'z']);
    expect(() => A.change(c, (d) => addCategory(d, { id: 'a', name: 'dup', colour: '' }))).toThrow(
      /exists/,
    );
  });
});

describe('habits', () => {
  const base = () =>
    A.change(initialDocument('templates', ACTOR_A), (d) => {
      addHabit(d, {
        id: 'h1',
        name: 'Run',
        categoryId: 'cat',
        schedule: ' 0 0 * * 1,3,5 ',
        kind: { type: 'yesno' },
        startDate: '2026-11-01',
        now: NOW,
      });
      addHabit(d, {
        id: 'h2',
        name: 'Water',
        schedule: '0 0 * * *',
        kind: { type: 'count', target: 8 },
        startDate: '2026-11-01',
        now: NOW,
        notes: 'big glass',
      });
    });

  it('add and read back, schedule normalised', () => {
    expect(getHabit(base(), 'h1')).toEqual({
      id: 'h1',
      name: 'Run',
      categoryId: 'cat',
      schedule: '0 0 * * 1,3,5',
      scheduleHistory: [{ from: '2026-11-01', rule: { kind: 'cron', cron: '0 0 * * 1,3,5' } }],
      kind: { type: 'yesno' },
      notes: '',
      archived: false,
      createdAt: NOW,
      startDate: '2026-11-01',
      order: 0,
    });
    expect(getHabit(base(), 'h2')?.kind).toEqual({ type: 'count', target: 8 });
  });

  it('refuses invalid input (the UI validates first)', () => {
    const t = base();
    expect(() =>
      A.change(t, (d) =>
        addHabit(d, {
          id: 'x',
          name: 'x',
          schedule: '0 0 31 2 *',
          kind: { type: 'yesno' },
          startDate: '2026-11-01',
          now: NOW,
        }),
      ),
    ).toThrow(/schedule/);
    expect(() =>
      A.change(t, (d) =>
        addHabit(d, {
          id: 'x',
          name: 'x',
          schedule: '0 0 * * *',
          kind: { type: 'count', target: 0 },
          startDate: '2026-11-01',
          now: NOW,
        }),
      ),
    ).toThrow(/target/);
    expect(() =>
      A.change(t, (d) =>
        addHabit(d, {
          id: 'x',
          name: 'x',
          schedule: '0 0 * * *',
          kind: { type: 'yesno' },
          startDate: '2026-13-01',
          now: NOW,
        }),
      ),
    ).toThrow(/startDate/);
  });

  it('update, archive, category cleared, real delete', () => {
    let t = A.change(base(), (d) => {
      updateHabit(d, 'h2', {
        kind: { type: 'duration', target: 20 },
        categoryId: 'cat',
        order: -1,
      });
      updateHabit(d, 'h1', { archived: true });
    });
    expect(listHabits(t).map((h) => h.id)).toEqual(['h2']);
    expect(listHabits(t, { includeArchived: true }).map((h) => h.id)).toEqual(['h2', 'h1']);
    expect(getHabit(t, 'h2')?.kind).toEqual({ type: 'duration', target: 20 });
    t = A.change(t, (d) => expect(clearCategory(d, 'cat')).toBe(2));
    expect(listHabits(t, { includeArchived: true }).every((h) => h.categoryId === null)).toBe(true);
    t = A.change(t, (d) => {
      expect(deleteHabit(d, 'h1')).toBe(true);
      expect(deleteHabit(d, 'h1')).toBe(false);
    });
    expect(getHabit(t, 'h1')).toBeUndefined();
  });
});

describe('check-ins', () => {
  it("undo goes back to pending and keeps the note; deleting a habit's rows", () => {
    let o = observationsFor(['2026-11']);
    o = A.change(o, (d) => {
      checkIn(
        d,
        { templateId: 'h1', date: '2026-11-02', status: 'done', value: 3, note: 'ok', now: NOW },
        sha256Hex,
      );
      checkIn(d, { templateId: 'h2', date: '2026-11-02', status: 'done', now: NOW }, sha256Hex);
    });
    o = A.change(o, (d) =>
      undoCheckIn(d, { templateId: 'h1', date: '2026-11-02', now: NOW + 1 }, sha256Hex),
    );
    expect(observationsOn(o, '2026-11-02')[0]).toMatchObject({
      templateId: 'h1',
      status: 'pending',
      note: 'ok',
      updatedAt: NOW + 1,
    });
    expect(observationsOn(o, '2026-11-02')[0]?.value).toBeUndefined();
    o = A.change(o, (d) =>
      checkIn(
        d,
        { templateId: 'h1', date: '2026-11-02', status: 'done', note: null, now: NOW + 2 },
        sha256Hex,
      ),
    );
    expect(observationsOn(o, '2026-11-02')[0]?.note).toBeUndefined();
    o = A.change(o, (d) => expect(deleteObservationsOf(d, 'h1')).toBe(1));
    expect(allObservations(o).map((x) => x.templateId)).toEqual(['h2']);
    expect(() =>
      A.change(o, (d) =>
        checkIn(
          d,
          { templateId: 'h', date: '2026-11-02', status: 'done', value: -1, now: NOW },
          sha256Hex,
        ),
      ),
    ).toThrow();
  });
});

describe('one-offs', () => {
  it('add, toggle, edit, move across months, delete', () => {
    let o = ensureOneOffMonths(initialDocument('oneOffs', ACTOR_A), ['2026-11']);
    o = A.change(o, (d) => {
      addOneOff(d, { id: 't1', title: 'Dentist', date: '2026-11-05', now: NOW });
      addOneOff(d, { id: 't2', title: 'Taxes', date: '2026-11-30', note: 'forms', now: NOW });
    });
    o = A.change(o, (d) => expect(toggleOneOff(d, 't1', NOW + 1)).toBe(true));
    expect(oneOffsOn(o, '2026-11-05')).toEqual([
      {
        id: 't1',
        title: 'Dentist',
        date: '2026-11-05',
        done: true,
        note: '',
        createdAt: NOW,
        updatedAt: NOW + 1,
      },
    ]);
    o = ensureOneOffMonths(o, ['2026-12']);
    o = A.change(o, (d) => updateOneOff(d, 't2', { date: '2026-12-01', title: 'Taxes!' }, NOW + 2));
    expect(oneOffsBetween(o, '2026-11-01', '2026-11-30').map((x) => x.id)).toEqual(['t1']);
    expect(getOneOff(o, 't2')).toMatchObject({
      date: '2026-12-01',
      title: 'Taxes!',
      note: 'forms',
      updatedAt: NOW + 2,
    });
    expect(Object.keys(o.months['2026-12'] ?? {})).toEqual(['t2']);
    o = A.change(o, (d) => {
      expect(deleteOneOff(d, 't1')).toBe(true);
      expect(toggleOneOff(d, 't1', NOW)).toBe(false);
    });
    expect(oneOffsBetween(o, '2026-01-01', '2026-12-31').map((x) => x.id)).toEqual(['t2']);
  });
});

describe('dates', () => {
  it('calendar helpers', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
    expect(monthsBetween('2026-11-15', '2027-02-01')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(startOfWeek('2026-11-08')).toBe('2026-11-02');
    expect(todayIn('Pacific/Kiritimati', Date.UTC(2026, 10, 2, 12))).toBe('2026-11-03');
    expect(todayIn('Pacific/Pago_Pago', Date.UTC(2026, 10, 2, 9))).toBe('2026-11-01');
    expect(parseTimeZone('Europe/London').ok).toBe(true);
    expect(parseTimeZone('Europe/Nowhere')).toMatchObject({
      ok: false,
      error: { code: 'bad-time-zone' },
    });
  });
});
