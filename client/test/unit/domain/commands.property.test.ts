/**
 * Properties of the commands (commands.ts):
 * - whatever the input, a command either returns the next document, or refuses
 *   with a code and leaves the document it was given as it was and still
 *   writable. (Automerge refuses to change a document once a newer version was
 *   made from it: a command that changed the document before it refused would
 *   fail this.) Commands that cannot refuse never do.
 * - run through `DocumentStore.transact`, as the app runs them, a command that
 *   succeeds appends exactly one record to the log of the document it changed
 *   (a new year's month buckets included) and none elsewhere; one that refuses
 *   appends nothing.
 */
import * as A from '@automerge/automerge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bringBackCategory,
  clockAt,
  createCategory,
  createHabit,
  createOneOff,
  editCategory,
  editHabit,
  getHabit,
  initialDocument,
  labelDevice,
  markOneOff,
  recordCheckIn,
  removeCategory,
  removeCheckInsOf,
  removeHabit,
  removeOneOff,
  saveProfile,
  setArchived,
  type DocName,
  type DocTypes,
  type DomainErrorCode,
  type HabitKind,
  type Result,
} from '../../../src/domain';
import { DocumentStore, MemoryLogStorage, logFileName } from '../../../src/storage';
import { parseFrames } from '@cairn/shared';
import { ACTOR_A, NOW, sha256Hex } from './helpers';

const clock = clockAt(NOW);

const text = fc.oneof(fc.constantFrom('', '   ', 'Read', ' Walk '), fc.string({ maxLength: 12 }));
const date = fc.oneof(
  fc.constantFrom('2026-03-04', '2027-01-01', '2026-02-30', '2026-3-4', '', 'today'),
  fc
    .date({
      min: new Date(Date.UTC(1990, 0, 1)),
      max: new Date(Date.UTC(2090, 0, 1)),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
);
const number = fc.oneof(
  fc.constantFrom(0, -1, 8, Number.NaN, Number.POSITIVE_INFINITY),
  fc.double(),
  fc.integer({ min: -5, max: 100 }),
);
const cron = fc.constantFrom(
  '0 0 * * *',
  '0 0 * * 1,3,5',
  '0 0 31 2 *',
  '0 0 ? * *',
  'x y z a b',
  '',
  '0 0 L * *',
);
const kind: fc.Arbitrary<HabitKind> = fc.oneof(
  fc.constant({ type: 'yesno' as const }),
  fc.record({ type: fc.constantFrom('count' as const, 'duration' as const), target: number }),
);
const colour = fc.oneof(fc.constantFrom('#2f7d6d', '#ABCDEF', 'red', '#12345', ''), fc.string());

function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`seeding failed: ${r.error.code}`);
  return r.value;
}

/** Each document with something in it: habit h1, category c1 and deleted c2, one-off o1. */
const SEEDED = (() => {
  const categories = must(
    removeCategory(
      must(
        createCategory(
          must(
            createCategory(initialDocument('categories', ACTOR_A), {
              id: 'c1',
              name: 'Mind',
              colour: '#3f6fb5',
            }),
          ),
          { id: 'c2', name: 'Gone', colour: '#3f6fb5' },
        ),
      ),
      'c2',
    ),
  );
  const templates = must(
    createHabit(initialDocument('templates', ACTOR_A), {
      id: 'h1',
      name: 'Read',
      schedule: '0 0 * * *',
      kind: { type: 'count', target: 8 },
      startDate: '2026-01-01',
      now: NOW,
    }),
  );
  const oneOffs = must(
    createOneOff(initialDocument('oneOffs', ACTOR_A), {
      id: 'o1',
      title: 'Call',
      date: '2026-03-04',
      now: NOW,
    }),
  );
  const docs: { [K in DocName]: A.Doc<DocTypes[K]> } = {
    profile: initialDocument('profile', ACTOR_A),
    categories,
    templates,
    observations: initialDocument('observations', ACTOR_A),
    oneOffs,
  };
  return docs;
})();

/**
 * Runs `command` on a fresh copy of `name`'s seeded document and checks the
 * property; returns the code it refused with, if it did.
 */
function check<K extends DocName>(
  name: K,
  command: (doc: A.Doc<DocTypes[K]>) => Result<A.Doc<DocTypes[K]>>,
): DomainErrorCode | undefined {
  const doc = A.clone(SEEDED[name]);
  const heads = A.getHeads(doc);
  const r = command(doc);
  if (r.ok) return undefined;
  expect(A.getHeads(doc)).toEqual(heads);
  // Still writable: this throws on a document a newer version was made from.
  const written = A.change(doc as A.Doc<Record<string, unknown>>, (d) => {
    d['probe'] = 1;
  });
  expect(written['probe']).toBe(1);
  return r.error.code;
}

const RUNS = { numRuns: 150 };

describe('commands refuse before they write (property)', () => {
  it('saveProfile', () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(text, fc.constantFrom('Europe/Paris', 'UTC', 'Mars/Olympus', ''), (n, tz) => {
        const code = check('profile', (d) =>
          saveProfile(d, { name: n, timezone: tz, now: NOW, clock }),
        );
        if (code !== undefined) codes.add(code);
      }),
      RUNS,
    );
    expect([...codes].sort()).toEqual(['bad-time-zone', 'empty-profile-name']);
  });

  it('createCategory and editCategory', () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(text, colour, number, fc.constantFrom('c1', 'c2', 'c9'), (n, c, order, id) => {
        for (const code of [
          check('categories', (d) =>
            createCategory(d, { id: 'new', name: n, colour: c, order }, clock),
          ),
          check('categories', (d) => editCategory(d, id, { name: n, colour: c, order }, clock)),
        ]) {
          if (code !== undefined) codes.add(code);
        }
      }),
      RUNS,
    );
    expect([...codes].sort()).toEqual(['bad-colour', 'empty-category-name']);
  });

  it('bringBackCategory', () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom('c1', 'c2', 'c9'), (id) => {
        const code = check('categories', (d) => bringBackCategory(d, id, clock));
        if (code !== undefined) codes.add(code);
        expect(code === undefined).toBe(id === 'c2');
      }),
    );
    expect([...codes]).toEqual(['nothing-to-restore']);
  });

  it('createHabit and editHabit', () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(
        text,
        cron,
        kind,
        date,
        fc.constantFrom('h1', 'h9'),
        fc.boolean(),
        (n, schedule, k, start, id, withSchedule) => {
          const created = check('templates', (d) =>
            createHabit(d, {
              id: 'new',
              name: n,
              schedule,
              kind: k,
              startDate: start,
              now: NOW,
              clock,
            }),
          );
          const edited = check('templates', (d) =>
            editHabit(
              d,
              id,
              { name: n, kind: k, ...(withSchedule ? { schedule } : {}) },
              { clock, today: '2026-03-04' },
            ),
          );
          for (const code of [created, edited]) if (code !== undefined) codes.add(code);
        },
      ),
      RUNS,
    );
    expect([...codes].sort()).toEqual([
      'bad-cron',
      'bad-date',
      'bad-target',
      'cron-never-fires',
      'empty-habit-name',
      'unknown-habit',
    ]);
  });

  it('recordCheckIn', () => {
    const codes = new Set<string>();
    const habit = getHabit(SEEDED.templates, 'h1');
    fc.assert(
      fc.property(
        fc.boolean(),
        date,
        fc.constantFrom('done', 'skipped', 'pending', 'maybe', undefined),
        fc.oneof(fc.constant(undefined), fc.constant(null), number),
        fc.option(text, { nil: undefined }),
        (known, day, status, value, note) => {
          const code = check('observations', (d) =>
            recordCheckIn(
              d,
              known ? habit : undefined,
              day,
              {
                ...(status === undefined ? {} : { status: status as 'done' }),
                ...(value === undefined ? {} : { value }),
                ...(note === undefined ? {} : { note }),
              },
              { now: NOW, clock, sha256Hex },
            ),
          );
          if (code !== undefined) codes.add(code);
        },
      ),
      RUNS,
    );
    expect([...codes].sort()).toEqual(['bad-date', 'bad-status', 'bad-value', 'unknown-habit']);
  });

  it('createOneOff', () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(text, date, (title, day) => {
        const code = check('oneOffs', (d) =>
          createOneOff(d, { id: 'new', title, date: day, now: NOW, clock }),
        );
        if (code !== undefined) codes.add(code);
      }),
      RUNS,
    );
    expect([...codes].sort()).toEqual(['bad-date', 'empty-title']);
  });

  it('the commands that cannot refuse never do', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('h1', 'h9', 'c1', 'c2', 'o1', ''),
        fc.boolean(),
        text,
        (id, flag, label) => {
          const none = [
            check('profile', (d) => labelDevice(d, '0123456789abcdef', label)),
            check('categories', (d) => removeCategory(d, id, clock)),
            check('templates', (d) => setArchived(d, id, flag, { clock })),
            check('templates', (d) => removeHabit(d, id)),
            check('observations', (d) => removeCheckInsOf(d, id)),
            check('oneOffs', (d) => markOneOff(d, id, flag, { now: NOW, clock })),
            check('oneOffs', (d) => removeOneOff(d, id)),
          ];
          expect(none.filter((c) => c !== undefined)).toEqual([]);
        },
      ),
      RUNS,
    );
  });
});

type Docs = { [K in DocName]: DocTypes[K] };
/** One action on one document (the document type erased, so steps of all five mix). */
interface Step {
  doc: DocName;
  run: (d: A.Doc<DocTypes[DocName]>) => Result<A.Doc<DocTypes[DocName]>>;
}

const NAMES: readonly DocName[] = ['profile', 'categories', 'templates', 'observations', 'oneOffs'];
const ids = fc.constantFrom('h1', 'h9', 'c1', 'c2', 'o1', '');
const step = <K extends DocName>(
  doc: K,
  run: (d: A.Doc<DocTypes[K]>) => Result<A.Doc<DocTypes[K]>>,
): Step => ({ doc, run }) as unknown as Step;

/** One user action, any input: the commands with the inputs the first property uses. */
const action: fc.Arbitrary<Step> = fc.oneof(
  fc
    .tuple(text, fc.constantFrom('Europe/Paris', 'Mars/Olympus'))
    .map(([n, tz]) =>
      step('profile', (d) => saveProfile(d, { name: n, timezone: tz, now: NOW, clock })),
    ),
  text.map((label) => step('profile', (d) => labelDevice(d, '0123456789abcdef', label))),
  fc
    .tuple(fc.uuid(), text, colour, number)
    .map(([id, n, c, order]) =>
      step('categories', (d) => createCategory(d, { id, name: n, colour: c, order }, clock)),
    ),
  fc
    .tuple(ids, text, colour)
    .map(([id, n, c]) =>
      step('categories', (d) => editCategory(d, id, { name: n, colour: c }, clock)),
    ),
  ids.map((id) => step('categories', (d) => removeCategory(d, id, clock))),
  ids.map((id) => step('categories', (d) => bringBackCategory(d, id, clock))),
  fc
    .tuple(fc.uuid(), text, cron, kind, date)
    .map(([id, n, schedule, k, start]) =>
      step('templates', (d) =>
        createHabit(d, { id, name: n, schedule, kind: k, startDate: start, now: NOW, clock }),
      ),
    ),
  fc
    .tuple(ids, text, cron)
    .map(([id, n, schedule]) =>
      step('templates', (d) =>
        editHabit(d, id, { name: n, schedule }, { clock, today: '2026-03-04' }),
      ),
    ),
  fc
    .tuple(ids, fc.boolean())
    .map(([id, flag]) => step('templates', (d) => setArchived(d, id, flag, { clock }))),
  fc
    .tuple(
      date,
      fc.constantFrom('done', 'skipped', 'maybe', undefined),
      fc.option(number, { nil: undefined }),
    )
    .map(([day, status, value]) =>
      step('observations', (d) =>
        recordCheckIn(
          d,
          getHabit(SEEDED.templates, 'h1'),
          day,
          {
            ...(status === undefined ? {} : { status: status as 'done' }),
            ...(value === undefined ? {} : { value }),
          },
          { now: NOW, clock, sha256Hex },
        ),
      ),
    ),
  ids.map((id) => step('observations', (d) => removeCheckInsOf(d, id))),
  fc
    .tuple(fc.uuid(), text, date)
    .map(([id, title, day]) =>
      step('oneOffs', (d) => createOneOff(d, { id, title, date: day, now: NOW, clock })),
    ),
  fc
    .tuple(ids, fc.boolean())
    .map(([id, flag]) => step('oneOffs', (d) => markOneOff(d, id, flag, { now: NOW, clock }))),
  ids.map((id) => step('oneOffs', (d) => removeOneOff(d, id))),
);

describe('one record per document an action changes (property)', () => {
  const K_MASTER = new Uint8Array(32).fill(7);

  it('transact appends one record for a command that changes its document, none otherwise', async () => {
    const storage = new MemoryLogStorage();
    const store = new DocumentStore<Docs>({
      storage,
      kMaster: K_MASTER,
      documents: {
        profile: () => A.clone(SEEDED.profile),
        categories: () => A.clone(SEEDED.categories),
        templates: () => A.clone(SEEDED.templates),
        observations: () => A.clone(SEEDED.observations),
        oneOffs: () => A.clone(SEEDED.oneOffs),
      },
      compaction: { maxBytes: Number.MAX_SAFE_INTEGER, maxRecords: Number.MAX_SAFE_INTEGER },
    });
    const loaded = await store.load();
    expect(loaded.ok).toBe(true);
    // A fresh log also gets the initial state as its first record: write it up front.
    for (const name of NAMES) {
      await store.change(name, (d) => {
        (d as unknown as Record<string, unknown>)['opened'] = 1;
      });
    }
    const records = (name: DocName): number =>
      parseFrames(storage.memory.bytes(logFileName(name)) ?? new Uint8Array(0)).records.length;
    let refused = 0;
    let written = 0;
    await fc.assert(
      fc.asyncProperty(action, async ({ doc, run }) => {
        const before = Object.fromEntries(NAMES.map((n) => [n, records(n)]));
        const heads = store.heads(doc);
        const r = await store.transact(doc, run);
        const changed = r.ok && A.getHeads(r.value).join() !== heads.join();
        for (const name of NAMES) {
          expect(records(name) - (before[name] ?? 0)).toBe(name === doc && changed ? 1 : 0);
        }
        if (!r.ok) refused += 1;
        else if (changed) written += 1;
      }),
      { numRuns: 200 },
    );
    // Both sides of the property were exercised.
    expect(refused).toBeGreaterThan(0);
    expect(written).toBeGreaterThan(0);
    // And the logs load back to the documents in memory.
    const again = new DocumentStore<Docs>({
      storage: await storage.reopen(),
      kMaster: K_MASTER,
      documents: {
        profile: () => initialDocument('profile', ACTOR_A),
        categories: () => initialDocument('categories', ACTOR_A),
        templates: () => initialDocument('templates', ACTOR_A),
        observations: () => initialDocument('observations', ACTOR_A),
        oneOffs: () => initialDocument('oneOffs', ACTOR_A),
      },
    });
    expect((await again.load()).ok).toBe(true);
    for (const name of NAMES) expect(again.heads(name).sort()).toEqual(store.heads(name).sort());
  });
});
