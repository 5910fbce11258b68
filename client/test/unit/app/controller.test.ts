/**
 * The app model over a real document store on memory storage: what the UI does, checked
 * through what the UI reads back (and across a reopen of the same files).
 */
import { fromHex, ready } from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryFiles, MemoryLogStorage, type RecordEvent } from '../../../src/storage';
import { Controller } from '../../../src/app/controller';
import { describeProblems } from '../../../src/app/problems';
import { createStore } from '../../../src/app/store';

const K_MASTER = fromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f0' + '00112233445566778899aabbccddeeff');
// Wednesday 4 March 2026, 12:00 in Paris.
const NOW = Date.UTC(2026, 2, 4, 11, 0);

async function boot(files = new MemoryFiles(), now = NOW): Promise<Controller> {
  const storage = await MemoryLogStorage.open(files);
  const store = createStore(storage, K_MASTER);
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  const c = new Controller({
    store,
    reports: loaded.value,
    wipe: () => Promise.resolve({ ok: true }),
    now: () => now,
  });
  expect(await c.schedule()).toEqual({ ok: true });
  return c;
}

async function onboarded(files?: MemoryFiles): Promise<Controller> {
  const c = await boot(files);
  expect(await c.setProfile({ name: 'Ada', timezone: 'Europe/Paris' })).toEqual({ ok: true });
  return c;
}

const draft = {
  name: 'Drink water',
  categoryId: null,
  kind: 'yesno' as const,
  target: null,
  cron: '0 0 * * *',
  notes: '',
};

beforeAll(async () => {
  await ready();
});

describe('Controller', () => {
  it('onboards once a name and a known timezone are given', async () => {
    const c = await boot();
    expect(c.profile()).toBeNull();
    expect((await c.setProfile({ name: '  ', timezone: 'Europe/Paris' })).ok).toBe(false);
    expect((await c.setProfile({ name: 'Ada', timezone: 'Mars/Olympus' })).ok).toBe(false);
    expect(c.profile()).toBeNull();
    expect(await c.setProfile({ name: 'Ada', timezone: 'Europe/Paris' })).toEqual({ ok: true });
    expect(c.profile()).toEqual({ name: 'Ada', timezone: 'Europe/Paris' });
    expect(c.today()).toBe('2026-03-04');
  });

  it('keeps a category, a habit and a check-in across a reopen', async () => {
    const files = new MemoryFiles();
    const c = await onboarded(files);
    expect(await c.saveCategory({ name: 'Health', color: '#2f7d6d', order: 1 })).toEqual({
      ok: true,
    });
    const category = c.categories()[0];
    expect(category?.name).toBe('Health');
    expect(await c.createHabit({ ...draft, categoryId: category?.id ?? null })).toEqual({
      ok: true,
    });
    const [due] = c.dueOn('2026-03-04');
    expect(due?.habit.name).toBe('Drink water');
    expect(due?.status).toBe('pending');
    expect(await c.checkIn(due?.habit.id ?? '', '2026-03-04', { status: 'done' })).toEqual({
      ok: true,
    });
    expect(c.dueOn('2026-03-04')[0]?.status).toBe('done');

    const again = await boot(files);
    expect(again.problems()).toEqual([]);
    expect(again.categories().map((x) => x.name)).toEqual(['Health']);
    expect(again.habits()[0]?.categoryId).toBe(category?.id);
    expect(again.dueOn('2026-03-04')[0]?.status).toBe('done');
  });

  it('completes a count habit when its value reaches the target', async () => {
    const c = await onboarded();
    await c.createHabit({ ...draft, name: 'Glasses', kind: 'count', target: 8 });
    const id = c.habits()[0]?.id ?? '';
    await c.checkIn(id, '2026-03-04', { value: 3 });
    expect(c.dueOn('2026-03-04')[0]).toMatchObject({ status: 'pending', value: 3 });
    await c.checkIn(id, '2026-03-04', { value: 8 });
    expect(c.dueOn('2026-03-04')[0]).toMatchObject({ status: 'done', value: 8 });
    await c.checkIn(id, '2026-03-04', { note: 'with lemon' });
    expect(c.dueOn('2026-03-04')[0]).toMatchObject({ status: 'done', note: 'with lemon' });
    expect(c.stats(id).currentStreak).toBe(1);
  });

  it('refuses a habit without a name, a valid schedule or a target', async () => {
    const c = await onboarded();
    expect((await c.createHabit({ ...draft, name: ' ' })).ok).toBe(false);
    expect((await c.createHabit({ ...draft, cron: '0 0 31 2 *' })).ok).toBe(false);
    expect((await c.createHabit({ ...draft, kind: 'count', target: 0 })).ok).toBe(false);
    expect(c.habits()).toEqual([]);
  });

  it('reads and writes schedules through the picker model', async () => {
    const c = await onboarded();
    expect(c.readPick({ kind: 'days', days: [5, 1, 3] })).toEqual({
      ok: true,
      cron: '0 0 * * 1,3,5',
      text: 'Mon, Wed and Fri',
      next: ['2026-03-04', '2026-03-06', '2026-03-09', '2026-03-11', '2026-03-13'],
    });
    expect(c.readPick({ kind: 'days', days: [] }).ok).toBe(false);
    expect(c.readPick({ kind: 'monthly', day: 1 }).text).toBe('On the 1st of each month');
    // Custom schedules ask for the day fields only (issue 13).
    expect(c.readPick({ kind: 'custom', days: 'not cron' }).ok).toBe(false);
    expect(c.cronToPick('0 0 1 * *')).toEqual({ kind: 'monthly', day: 1 });
    expect(c.cronToPick('0 0 * * 1-5')).toEqual({ kind: 'weekdays' });
    // The last day of the month is a picker setting now (issue 13).
    expect(c.cronToPick('0 0 L * *')).toEqual({ kind: 'monthly', day: 'last' });
    expect(c.cronToPick('0 0 1,L * *')).toEqual({ kind: 'custom', days: '1,L * *' });
  });

  it('archives, unarchives and deletes a habit with its check-ins', async () => {
    const c = await onboarded();
    await c.createHabit(draft);
    const id = c.habits()[0]?.id ?? '';
    await c.checkIn(id, '2026-03-04', { status: 'done' });
    await c.setArchived(id, true);
    expect(c.dueOn('2026-03-04')).toEqual([]);
    await c.setArchived(id, false);
    expect(c.dueOn('2026-03-04')[0]?.status).toBe('done');
    await c.deleteHabit(id);
    expect(c.habits()).toEqual([]);
    expect(c.dueOn('2026-03-04')).toEqual([]);
  });

  it('deleting a category leaves its habits uncategorised', async () => {
    const c = await onboarded();
    await c.saveCategory({ name: 'Mind', color: '#3f6fb5', order: 0 });
    const cat = c.categories()[0]?.id ?? null;
    await c.createHabit({ ...draft, categoryId: cat });
    await c.deleteCategory(cat ?? '');
    expect(c.categories()).toEqual([]);
    expect(c.habits()[0]?.categoryId).toBeNull();
  });

  it('adds, completes and removes one-offs', async () => {
    const c = await onboarded();
    expect((await c.addOneOff('  ', '2026-03-04')).ok).toBe(false);
    await c.addOneOff('Call the dentist', '2026-03-04');
    const [o] = c.oneOffsOn('2026-03-04');
    expect(o).toMatchObject({ title: 'Call the dentist', done: false });
    await c.setOneOffDone(o?.id ?? '', true);
    expect(c.oneOffsOn('2026-03-04')[0]?.done).toBe(true);
    await c.deleteOneOff(o?.id ?? '');
    expect(c.oneOffsOn('2026-03-04')).toEqual([]);
  });

  it('previews an import without touching the store, then applies it', async () => {
    const source = await onboarded();
    await source.createHabit(draft);
    await source.checkIn(source.habits()[0]?.id ?? '', '2026-03-04', { status: 'done' });
    const json = source.exportJson();

    const target = await onboarded();
    expect(target.previewImport('{"not": "an export"}')).toHaveProperty('error');
    const preview = target.previewImport(json);
    if ('error' in preview) throw new Error(preview.error);
    expect(preview.summary).toEqual(['Add 1 habit', 'Add 1 check-in']);
    expect(target.habits()).toEqual([]);
    // The store's documents are still writable after a preview.
    expect((await target.addOneOff('Still writable', '2026-03-04')).ok).toBe(true);
    expect(await preview.apply()).toEqual({ ok: true });
    expect(target.habits().map((h) => h.name)).toEqual(['Drink water']);
    expect(target.dueOn('2026-03-04')[0]?.status).toBe('done');
    const again = target.previewImport(json);
    expect('summary' in again && again.summary).toEqual([]);
  });

  it('exports CSV tables and notifies subscribers after each change', async () => {
    const c = await onboarded();
    let calls = 0;
    const unsubscribe = c.subscribe(() => (calls += 1));
    const before = c.version();
    await c.createHabit(draft);
    expect(c.version()).toBeGreaterThan(before);
    expect(calls).toBeGreaterThan(0);
    unsubscribe();
    const csv = c.exportCsv();
    expect(csv.length).toBeGreaterThan(0);
    expect(csv.some((f) => f.text.includes('Drink water'))).toBe(true);
  });
});

describe('Controller: one record per user action', () => {
  /** A controller on a named device whose every appended record is counted, by document. */
  async function counted(): Promise<{ c: Controller; since: () => Record<string, number> }> {
    const events: RecordEvent[] = [];
    const store = createStore(await MemoryLogStorage.open(new MemoryFiles()), K_MASTER, undefined, {
      recorded: (e) => events.push(e),
    });
    const loaded = await store.load();
    if (!loaded.ok) throw new Error(loaded.error.message);
    const c = new Controller({
      store,
      reports: loaded.value,
      wipe: () => Promise.resolve({ ok: true }),
      now: () => NOW,
      device: { node: '0123456789abcdef', label: 'Phone' },
    });
    let seen = 0;
    const since = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const e of events.slice(seen)) out[e.doc] = (out[e.doc] ?? 0) + 1;
      seen = events.length;
      return out;
    };
    return { c, since };
  }

  it('writes one record per document an action changes, the new year and the label included', async () => {
    const { c, since } = await counted();
    // Onboarding: the profile's genesis (a fresh log starts with it), then ONE record with
    // the name, the time zone and this device's label.
    expect(await c.setProfile({ name: 'Ada', timezone: 'Europe/Paris' })).toEqual({ ok: true });
    expect(since()).toEqual({ profile: 2 });
    expect(await c.createHabit(draft)).toEqual({ ok: true });
    expect(since()).toEqual({ templates: 2 });
    const id = c.habits()[0]?.id ?? '';
    await c.checkIn(id, '2026-03-04', { status: 'done' });
    expect(since()).toEqual({ observations: 2 });
    // The first check-in of 2027 brings that year's month buckets: one record still.
    expect(await c.checkIn(id, '2027-01-01', { status: 'done' })).toEqual({ ok: true });
    expect(since()).toEqual({ observations: 1 });
    expect(await c.addOneOff('Call the bank', '2028-02-29')).toEqual({ ok: true });
    expect(since()).toEqual({ oneOffs: 2 });
    expect(await c.addOneOff('Post a letter', '2029-06-01')).toEqual({ ok: true });
    expect(since()).toEqual({ oneOffs: 1 });
    // Two documents, one record each.
    expect(await c.deleteHabit(id)).toEqual({ ok: true });
    expect(since()).toEqual({ templates: 1, observations: 1 });
  });

  it('labels this device with its first edit, in the profile, once', async () => {
    const { c, since } = await counted();
    await c.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    since();
    expect(await c.createHabit(draft)).toEqual({ ok: true });
    expect(await c.createHabit({ ...draft, name: 'Read' })).toEqual({ ok: true });
    expect(since()).toEqual({ templates: 3 });
  });

  it('writes nothing for a refused action, and says why', async () => {
    const { c, since } = await counted();
    await c.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await c.createHabit(draft);
    since();
    const id = c.habits()[0]?.id ?? '';
    expect(await c.createHabit({ ...draft, name: '  ' })).toEqual({
      ok: false,
      message: 'A habit needs a name.',
    });
    expect(await c.checkIn(id, '2026-02-30', { status: 'done' })).toEqual({
      ok: false,
      message: 'That is not a day on the calendar.',
    });
    expect(await c.checkIn('gone', '2026-03-04', { status: 'done' })).toEqual({
      ok: false,
      message: 'That habit no longer exists.',
    });
    expect(await c.addOneOff(' ', '2026-03-04')).toEqual({
      ok: false,
      message: 'A task needs a title.',
    });
    expect(await c.restoreCategory('never')).toEqual({
      ok: false,
      message: 'That category is no longer there to restore.',
    });
    expect(since()).toEqual({});
    // And the documents are still writable.
    expect(await c.checkIn(id, '2026-03-04', { status: 'done' })).toEqual({ ok: true });
  });

  it('applies an import as one record per document it changes, as its preview counted', async () => {
    const source = await onboarded();
    await source.createHabit(draft);
    const habit = source.habits()[0]?.id ?? '';
    await source.checkIn(habit, '2025-12-31', { status: 'done' });
    await source.addOneOff('Call', '2026-03-04');
    const { c, since } = await counted();
    await c.setProfile({ name: 'Bea', timezone: 'UTC' });
    await c.checkIn('gone', '2026-03-04', {});
    since();
    const preview = c.previewImport(source.exportJson());
    if ('error' in preview) throw new Error(preview.error);
    expect(preview.summary).toEqual([
      'Set your profile to Ada (Europe/Paris)',
      'Add 1 habit',
      'Add 1 check-in',
      'Add 1 one-off',
    ]);
    expect(since()).toEqual({});
    expect(await preview.apply()).toEqual({ ok: true });
    // Check-ins of 2025 and one-offs of 2026: their months come in the same record.
    expect(since()).toEqual({ profile: 1, templates: 2, observations: 2, oneOffs: 2 });
    expect(c.dueOn('2025-12-31')[0]?.status).toBe('done');
  });
});

describe('describeProblems', () => {
  it('puts skipped records and torn tails in words', () => {
    const problems = describeProblems([
      {
        doc: 'templates',
        records: 3,
        tornBytes: 0,
        problems: [{ doc: 'templates', index: 2, code: 'authentication-failed' }],
      },
      { doc: 'observations', records: 1, tornBytes: 11, problems: [] },
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      '1 record could not be read and was skipped.',
      'An unfinished write (from a crash or a closed tab) was found and discarded; everything saved before it is intact.',
    ]);
    expect(problems[0]?.docs).toEqual(['templates']);
  });
});
