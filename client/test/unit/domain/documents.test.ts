import * as A from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_ACTOR,
  addCategory,
  addHabit,
  archiveHabit,
  checkIn,
  ensureObservationMonths,
  ensureOneOffMonths,
  genesis,
  genesisChange,
  initialDocument,
  isOnboarded,
  listCategories,
  listHabits,
  observationsOn,
  onboard,
  readProfile,
  updateHabit,
  yearChange,
  type ObservationsDoc,
} from '../../../src/domain';
import { ACTOR_A, ACTOR_B, NOW, sha256Hex } from './helpers';

const hash = (c: Uint8Array): string => A.decodeChange(c).hash;

describe('genesis', () => {
  it('is the same change on every device, so two installs share their root objects', () => {
    const a = initialDocument('templates', ACTOR_A);
    const b = initialDocument('templates', ACTOR_B);
    expect(A.getHeads(a)).toEqual(A.getHeads(b));
    expect(A.getActorId(a)).toBe(ACTOR_A);
    expect(hash(genesisChange('templates'))).toBe(A.getHeads(a)[0]);
    expect(A.decodeChange(genesisChange('templates')).actor).toBe(GENESIS_ACTOR);
  });

  it('without an actor, each document gets a random one, never the genesis actor', () => {
    const a = initialDocument('profile');
    const b = initialDocument('profile');
    expect(A.getActorId(a)).not.toBe(GENESIS_ACTOR);
    expect(A.getActorId(a)).not.toBe(A.getActorId(b));
  });

  it('each document kind has its own genesis', () => {
    const heads = (['profile', 'categories', 'templates', 'observations', 'oneOffs'] as const).map(
      (n) => A.getHeads(genesis(n))[0],
    );
    expect(new Set(heads).size).toBe(5);
  });

  it('profile defaults, then onboarding', () => {
    let p = initialDocument('profile', ACTOR_A);
    expect(readProfile(p)).toEqual({ name: '', timezone: 'UTC', createdAt: 0 });
    expect(isOnboarded(p)).toBe(false);
    p = A.change(p, (d) => onboard(d, { name: 'Ada', timezone: 'Europe/London', now: NOW }));
    expect(readProfile(p)).toEqual({ name: 'Ada', timezone: 'Europe/London', createdAt: NOW });
    expect(isOnboarded(p)).toBe(true);
    expect(() =>
      A.change(p, (d) => onboard(d, { name: 'x', timezone: 'Nope/Nope', now: 1 })),
    ).toThrow();
  });

  it('strings are stored as immutable scalars, not per-character text', () => {
    let c = initialDocument('categories', ACTOR_A);
    c = A.change(c, (d) => addCategory(d, { id: 'c1', name: 'Health', colour: '#0a0' }));
    const ops = A.decodeChange(A.getLastLocalChange(c) ?? new Uint8Array()).ops;
    expect(ops.some((op) => op.action === 'makeText')).toBe(false);
    expect(listCategories(c)).toEqual([{ id: 'c1', name: 'Health', colour: '#0a0', order: 0 }]);
  });
});

describe('month buckets', () => {
  it('a year change is deterministic and depends on genesis only', () => {
    const c1 = yearChange('observations', 2026);
    expect(hash(c1)).toBe(hash(yearChange('observations', 2026)));
    expect(A.decodeChange(c1).deps).toEqual(A.getHeads(genesis('observations')));
    expect(hash(c1)).not.toBe(hash(yearChange('observations', 2027)));
    expect(hash(c1)).not.toBe(hash(yearChange('oneOffs', 2026)));
  });

  it('two devices preparing the same month concurrently merge to one bucket', () => {
    let a = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-11']);
    // b has other history first, so its heads differ from genesis when it adds 2026
    let b = ensureObservationMonths(initialDocument('observations', ACTOR_B), ['2025-03']);
    b = ensureObservationMonths(b, ['2026-12']);
    a = A.change(a, (d) =>
      checkIn(d, { templateId: 'h1', date: '2026-11-02', status: 'done', now: NOW }, sha256Hex),
    );
    b = A.change(b, (d) =>
      checkIn(d, { templateId: 'h2', date: '2026-11-02', status: 'skipped', now: NOW }, sha256Hex),
    );
    const m = A.merge(a, b);
    expect(A.getConflicts(m.months, '2026-11')).toBeUndefined();
    expect(observationsOn(m, '2026-11-02').map((o) => [o.templateId, o.status])).toEqual([
      ['h1', 'done'],
      ['h2', 'skipped'],
    ]);
    expect(Object.keys(m.months)).toHaveLength(24);
  });

  it('ensure is a no-op (same object) when the months exist', () => {
    const a = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-01']);
    expect(ensureObservationMonths(a, ['2026-05', '2026-12'])).toBe(a);
    const b = ensureObservationMonths(a, ['2027-01', '2028-06']);
    expect(Object.keys(b.months)).toHaveLength(36);
  });

  it('a mutator on an unprepared month is a bug and throws', () => {
    const a = initialDocument('observations', ACTOR_A);
    expect(() =>
      A.change(a, (d) =>
        checkIn(d, { templateId: 'h', date: '2026-11-02', status: 'done', now: NOW }, sha256Hex),
      ),
    ).toThrow(/ensureObservationMonths/);
  });

  it('a document that did not start from genesis is refused', () => {
    const foreign = A.change(A.init<ObservationsDoc>(), (d) => {
      d.doc = new A.ImmutableString('observations');
      d.schema = 1;
      d.months = {};
    });
    expect(() => ensureObservationMonths(foreign, ['2026-11'])).toThrow(/genesis/);
  });

  it('getChanges(before, after) carries the year change, so a log replays on a fresh install', () => {
    const before = initialDocument('oneOffs', ACTOR_A);
    const after = ensureOneOffMonths(before, ['2026-11']);
    const changes = A.getChanges(before, after);
    expect(changes.map(hash)).toContain(hash(yearChange('oneOffs', 2026)));
    const [replayed] = A.applyChanges(initialDocument('oneOffs', ACTOR_B), changes);
    expect(Object.keys(replayed.months)).toEqual(Object.keys(after.months));
  });
});

describe('merging two documents edited apart', () => {
  function base() {
    return A.change(initialDocument('templates', ACTOR_A), (d) => {
      addHabit(d, {
        id: 'h1',
        name: 'Run',
        schedule: '0 0 * * *',
        kind: { type: 'yesno' },
        startDate: '2026-11-01',
        now: NOW,
      });
      addHabit(d, {
        id: 'h2',
        name: 'Read',
        schedule: '0 0 * * 1-5',
        kind: { type: 'count', target: 10 },
        startDate: '2026-11-01',
        now: NOW,
      });
    });
  }

  it('concurrent edits to different habits both survive', () => {
    const a0 = base();
    const b0 = A.clone(a0, { actor: ACTOR_B });
    const a = A.change(a0, (d) => updateHabit(d, 'h1', { name: 'Run 5k' }));
    const b = A.change(b0, (d) => archiveHabit(d, 'h2'));
    for (const m of [A.merge(A.clone(a), b), A.merge(A.clone(b), a)]) {
      const habits = listHabits(m, { includeArchived: true });
      expect(habits.map((h) => [h.id, h.name, h.archived])).toEqual([
        ['h1', 'Run 5k', false],
        ['h2', 'Read', true],
      ]);
    }
  });

  it('concurrent edits to different fields of one habit both survive', () => {
    const a0 = base();
    const b0 = A.clone(a0, { actor: ACTOR_B });
    const a = A.change(a0, (d) => updateHabit(d, 'h2', { name: 'Read pages' }));
    const b = A.change(b0, (d) =>
      updateHabit(
        d,
        'h2',
        { schedule: '0 0 * * 1,3,5', kind: { type: 'count', target: 20 } },
        { today: '2026-11-02' },
      ),
    );
    const h = listHabits(A.merge(a, b)).find((x) => x.id === 'h2');
    expect(h).toMatchObject({
      name: 'Read pages',
      schedule: '0 0 * * 1,3,5',
      kind: { type: 'count', target: 20 },
    });
  });

  it('the same check-in written on two devices merges to one row, the same on both', () => {
    const start = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-11']);
    const a = A.change(start, (d) =>
      checkIn(d, { templateId: 'h1', date: '2026-11-02', status: 'done', now: NOW }, sha256Hex),
    );
    const b = A.change(A.clone(start, { actor: ACTOR_B }), (d) =>
      checkIn(
        d,
        { templateId: 'h1', date: '2026-11-02', status: 'skipped', now: NOW + 1 },
        sha256Hex,
      ),
    );
    const ab = A.merge(A.clone(a), b);
    const ba = A.merge(A.clone(b), a);
    expect(observationsOn(ab, '2026-11-02')).toHaveLength(1);
    expect(observationsOn(ab, '2026-11-02')).toEqual(observationsOn(ba, '2026-11-02'));
  });

  it('edits of different fields of an existing check-in both survive', () => {
    let start = ensureObservationMonths(initialDocument('observations', ACTOR_A), ['2026-11']);
    start = A.change(start, (d) =>
      checkIn(
        d,
        { templateId: 'h2', date: '2026-11-02', status: 'pending', value: 3, now: NOW },
        sha256Hex,
      ),
    );
    const a = A.change(start, (d) =>
      checkIn(
        d,
        { templateId: 'h2', date: '2026-11-02', status: 'done', value: 10, now: NOW + 5 },
        sha256Hex,
      ),
    );
    const b = A.change(A.clone(start, { actor: ACTOR_B }), (d) =>
      checkIn(
        d,
        {
          templateId: 'h2',
          date: '2026-11-02',
          status: 'pending',
          note: 'on the train',
          now: NOW + 3,
        },
        sha256Hex,
      ),
    );
    const [row] = observationsOn(A.merge(a, b), '2026-11-02');
    expect(row).toMatchObject({ status: 'done', value: 10, note: 'on the train' });
  });
});
