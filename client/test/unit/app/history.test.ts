/**
 * The repros of "your history stays true" through the app model, as the UI drives it:
 * a schedule edit and its revert leave the past alone (Gym), the later of two concurrent
 * edits wins whichever device made more changes offline (Drink water), streaks count in
 * the schedule's own unit (Pay rent), and the smaller truths (last day of the month, our
 * own cron errors and next dates, the check-ins CSV, category delete and undo, imports of
 * check-ins for unknown habits).
 */
import { fromHex, ready } from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOC_NAMES, addDays, eachDay, weekday, type DocName } from '../../../src/domain';
import { MemoryFiles, MemoryLogStorage, type RecordEvent } from '../../../src/storage';
import { Controller } from '../../../src/app/controller';
import { createStore } from '../../../src/app/store';
import type { HabitDraft, HabitStats } from '../../../src/app/types';

const K_MASTER = fromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f0' + '00112233445566778899aabbccddeeff');
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A device: the app model over its own memory storage, with a clock the test moves. */
interface Device {
  app: Controller;
  store: ReturnType<typeof createStore>;
  clock: { now: number };
  /** Every sealed record this device wrote, as its outbox would push them. */
  sent: RecordEvent<DocName>[];
}

async function device(now: number, label: string, node: string): Promise<Device> {
  const storage = await MemoryLogStorage.open(new MemoryFiles());
  const sent: RecordEvent<DocName>[] = [];
  const store = createStore(storage, K_MASTER, undefined, { recorded: (e) => sent.push(e) });
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(loaded.error.message);
  const clock = { now };
  const app = new Controller({
    store,
    reports: loaded.value,
    wipe: () => Promise.resolve({ ok: true }),
    now: () => clock.now,
    device: { node, label },
  });
  return { app, store, clock, sent };
}

/** Delivers every record `from` wrote to `to` (what the relay would carry; repeats are no-ops). */
async function deliver(from: Device, to: Device): Promise<void> {
  for (const name of DOC_NAMES) {
    const records = from.sent.filter((e) => e.doc === name).map((e) => e.record);
    if (records.length === 0) continue;
    const r = await to.store.receiveRecords(name, records);
    if (!r.ok) throw new Error(r.error.message);
  }
}

const yesno = (name: string, cron: string): HabitDraft => ({
  name,
  categoryId: null,
  kind: 'yesno',
  target: null,
  cron,
  notes: '',
});

const at = (day: string, hour = 9): number =>
  Date.parse(`${day}T${String(hour - 1).padStart(2, '0')}:00:00Z`); // Paris is UTC+1 in winter

const idOf = (app: Controller, name: string): string => {
  const h = app.habits().find((x) => x.name === name);
  if (h === undefined) throw new Error(`no habit ${name}`);
  return h.id;
};

function totals(s: HabitStats): { done: number; due: number } {
  const done = s.heatmap.filter((c) => c.outcome === 'complete').length;
  const missed = s.heatmap.filter((c) => c.outcome === 'missed').length;
  return { done, due: done + missed };
}

beforeAll(async () => {
  await ready();
});

describe('1. a schedule edit keeps the past', () => {
  it('Gym: Mon/Wed/Fri → every day → Mon/Wed/Fri leaves every statistic as it was', async () => {
    const a = await device(at('2026-01-05'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    expect(await a.app.createHabit(yesno('Gym', '0 0 * * 1,3,5'))).toEqual({ ok: true });
    const gym = idOf(a.app, 'Gym');
    const missed = new Set(['2026-02-04', '2026-02-27']);
    for (const day of eachDay('2026-01-05', '2026-03-02')) {
      if (![1, 3, 5].includes(weekday(day))) continue;
      a.clock.now = at(day, 20);
      await a.app.tick();
      if (!missed.has(day)) await a.app.checkIn(gym, day, { status: 'done' });
    }
    a.clock.now = at('2026-03-04', 10); // a Wednesday, not yet done
    await a.app.tick();
    const before = a.app.stats(gym);
    expect(totals(before)).toEqual({ done: 23, due: 25 });
    expect([before.currentStreak, before.bestStreak]).toEqual([1, 13]);

    const b = await device(a.clock.now, 'Phone', '0b'.repeat(8));
    await deliver(a, b);
    expect(b.app.stats(gym)).toEqual(before);

    await a.app.updateHabit(gym, yesno('Gym', '0 0 * * *'));
    a.clock.now += MINUTE;
    await a.app.updateHabit(gym, yesno('Gym', '0 0 * * 1,3,5'));
    await deliver(a, b);
    for (const d of [a, b]) {
      const after = d.app.stats(gym);
      expect(after).toEqual(before);
      expect(after.heatmap.filter((c) => c.date === '2026-02-24')[0]?.outcome).toBe('none');
    }
  });

  it('an edit takes effect from today: earlier days keep the schedule they had', async () => {
    const a = await device(at('2026-02-02'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await a.app.createHabit(yesno('Gym', '0 0 * * 1,3,5'));
    const gym = idOf(a.app, 'Gym');
    a.clock.now = at('2026-02-16');
    await a.app.tick();
    await a.app.updateHabit(gym, yesno('Gym', '0 0 * * *'));
    a.clock.now = at('2026-02-19');
    await a.app.tick();
    const cells = new Map(a.app.stats(gym).heatmap.map((c) => [c.date, c.outcome]));
    // Before the edit: Tuesdays were not due. From the edit on: every day is.
    expect(cells.get('2026-02-10')).toBe('none');
    expect(cells.get('2026-02-11')).toBe('missed');
    expect(cells.get('2026-02-17')).toBe('missed');
    expect(cells.get('2026-02-19')).toBe('open');
  });
});

describe('2. the later edit wins', () => {
  async function twoDevices() {
    const a = await device(at('2026-03-04', 8), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await a.app.createHabit({ ...yesno('Drink water', '0 0 * * *'), kind: 'count', target: 8 });
    await a.app.createHabit(yesno('Read', '0 0 * * *'));
    await a.app.createHabit(yesno('Stretch', '0 0 * * *'));
    const b = await device(a.clock.now, 'Phone', '0b'.repeat(8));
    await deliver(a, b);
    return { a, b };
  }

  /** The offline device makes more changes, earlier; the online one edits later. */
  async function scenario(offline: Device, online: Device) {
    const day = '2026-03-04';
    const water = idOf(offline.app, 'Drink water');
    const read = idOf(offline.app, 'Read');
    offline.clock.now = at(day, 9);
    await offline.app.checkIn(idOf(offline.app, 'Stretch'), day, { status: 'done' });
    await offline.app.checkIn(idOf(offline.app, 'Stretch'), day, { note: 'before breakfast' });
    await offline.app.checkIn(water, day, { value: 8 });
    await offline.app.checkIn(water, day, { note: 'offline note' });
    await offline.app.updateHabit(read, { ...yesno('Read books', '0 0 * * *'), notes: 'fiction' });
    await offline.app.updateHabit(read, { ...yesno('Read books', '0 0 * * *'), notes: 'novels' });
    online.clock.now = at(day, 9) + 14 * MINUTE;
    await online.app.checkIn(water, day, { value: 6 });
    await online.app.checkIn(water, day, { note: 'online note' });
    await online.app.updateHabit(read, yesno('Reading', '0 0 * * *'));
    await deliver(offline, online);
    await deliver(online, offline);
    for (const d of [offline, online]) {
      const row = d.app.dueOn(day).find((c) => c.habit.id === water);
      expect(row).toMatchObject({ value: 6, note: 'online note', status: 'pending' });
      const habit = d.app.habits().find((h) => h.id === read);
      // Different fields both survive: the name from the later edit, the notes from the other.
      expect(habit).toMatchObject({ name: 'Reading', notes: 'novels' });
    }
    return { day, water, read };
  }

  it('B offline first, A online later: A wins on both, and B is told', async () => {
    const { a, b } = await twoDevices();
    const { day, water } = await scenario(b, a);
    const notice = b.app.dueOn(day).find((c) => c.habit.id === water)?.conflict;
    expect(notice).toMatchObject({ by: 'Laptop', at: '09:14' });
    expect(notice?.fields).toEqual(['value', 'note']);
    expect(a.app.dueOn(day).find((c) => c.habit.id === water)?.conflict).toBeUndefined();
  });

  it('A offline first, B online later: B wins on both; restoring brings the earlier value back', async () => {
    const { a, b } = await twoDevices();
    const { day, water } = await scenario(a, b);
    const row = a.app.dueOn(day).find((c) => c.habit.id === water);
    expect(row?.conflict).toMatchObject({ by: 'Phone', at: '09:14' });
    a.clock.now += MINUTE;
    expect(await a.app.restoreMine({ kind: 'checkIn', habitId: water, date: day })).toEqual({
      ok: true,
    });
    await deliver(a, b);
    for (const d of [a, b]) {
      expect(d.app.dueOn(day).find((c) => c.habit.id === water)).toMatchObject({
        value: 8,
        note: 'offline note',
        status: 'done',
      });
      expect(d.app.dueOn(day).find((c) => c.habit.id === water)?.conflict).toBeUndefined();
    }
  });

  it('a device whose clock is minutes behind still wins with an edit made after it saw the other', async () => {
    const { a, b } = await twoDevices();
    const water = idOf(a.app, 'Drink water');
    a.clock.now = at('2026-03-04', 10);
    b.clock.now = a.clock.now - 7 * MINUTE; // B's clock is 7 minutes slow
    await a.app.checkIn(water, '2026-03-04', { value: 3 });
    await deliver(a, b);
    b.clock.now += MINUTE;
    await b.app.checkIn(water, '2026-03-04', { value: 4 });
    await deliver(b, a);
    for (const d of [a, b]) {
      expect(d.app.dueOn('2026-03-04').find((c) => c.habit.id === water)?.value).toBe(4);
    }
  });
});

describe('3. streaks in the schedule’s own unit', () => {
  it('Pay rent (1st of the month): months, and the chart agrees', async () => {
    const a = await device(at('2025-06-01'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await a.app.createHabit(yesno('Pay rent', '0 0 1 * *'));
    const rent = idOf(a.app, 'Pay rent');
    for (let m = 0; m < 10; m++) {
      const day = `${2025 + Math.floor((5 + m) / 12)}-${String(((5 + m) % 12) + 1).padStart(2, '0')}-01`;
      a.clock.now = at(day, 12);
      await a.app.checkIn(rent, day, { status: 'done' });
    }
    a.clock.now = at('2026-03-20');
    const s = a.app.stats(rent);
    expect([s.currentStreak, s.bestStreak]).toEqual([10, 10]);
    expect(s.unit).toEqual({ one: 'month', many: 'months' });
    expect(s.streaks.length).toBeGreaterThan(0);
    expect(s.streaks.every((p) => p.length > 0)).toBe(true);
    expect(s.streaks[s.streaks.length - 1]?.length).toBe(s.currentStreak);
    expect(Math.max(...s.streaks.map((p) => p.length))).toBe(s.bestStreak);
    expect(s.period).toBe('month');
  });

  it('Gym (Mon/Wed/Fri) counts sessions; every day counts days; one weekday counts weeks', async () => {
    const a = await device(at('2026-03-02'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await a.app.createHabit(yesno('Gym', '0 0 * * 1,3,5'));
    await a.app.createHabit(yesno('Walk', '0 0 * * *'));
    await a.app.createHabit(yesno('Call mum', '0 0 * * 0'));
    expect(a.app.stats(idOf(a.app, 'Gym')).unit.many).toBe('sessions');
    expect(a.app.stats(idOf(a.app, 'Walk')).unit.many).toBe('days');
    expect(a.app.stats(idOf(a.app, 'Call mum')).unit.many).toBe('weeks');
  });
});

describe('4. smaller truths', () => {
  it('offers the last day of the month and says what day 31 does', async () => {
    const a = await device(at('2026-03-04'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    const last = a.app.readPick({ kind: 'monthly', day: 'last' });
    expect(last).toMatchObject({
      ok: true,
      cron: '0 0 L * *',
      text: 'On the last day of each month',
    });
    expect(last.next).toEqual([
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
    ]);
    const d31 = a.app.readPick({ kind: 'monthly', day: 31 });
    expect(d31.text).toBe('On the 31st of each month (months without a 31st are skipped)');
    expect(d31.next).toEqual([
      '2026-03-31',
      '2026-05-31',
      '2026-07-31',
      '2026-08-31',
      '2026-10-31',
    ]);
    expect(a.app.cronToPick('0 0 L * *')).toEqual({ kind: 'monthly', day: 'last' });
  });

  it('custom schedules: day fields only, the next five dates, errors in our own words', async () => {
    const a = await device(at('2026-03-04'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    const ok = a.app.readPick({ kind: 'custom', days: '1,15 * *' });
    expect(ok).toMatchObject({ ok: true, cron: '0 0 1,15 * *' });
    expect(ok.next).toEqual(['2026-03-15', '2026-04-01', '2026-04-15', '2026-05-01', '2026-05-15']);
    for (const days of ['32 * *', '* 13 *', '* * 8', '* * funday', '0 25 * * *', '']) {
      const bad = a.app.readPick({ kind: 'custom', days });
      expect(bad.ok, days).toBe(false);
      expect(bad.text, days).not.toMatch(/CronPattern|Invalid value/);
    }
    expect(a.app.readPick({ kind: 'custom', days: '32 * *' }).text).toMatch(
      /day of the month “32”/,
    );
    expect(a.app.readPick({ kind: 'custom', days: '31 2 *' }).text).toMatch(/never/);
    expect(a.app.cronToPick('30 7 1 * 1')).toEqual({ kind: 'custom', days: '1 * 1' });
  });

  it('the check-ins CSV has one row per scheduled day with its outcome, target and unit', async () => {
    const a = await device(at('2026-03-01'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await a.app.createHabit({ ...yesno('Water 💧', '0 0 * * *'), kind: 'count', target: 8 });
    const water = idOf(a.app, 'Water 💧');
    await a.app.checkIn(water, '2026-03-01', { value: 8 });
    a.clock.now = at('2026-03-04');
    await a.app.checkIn(water, '2026-03-02', { value: 5 });
    await a.app.checkIn(water, '2026-03-03', { status: 'skipped' });
    const csv = a.app.exportCsv().find((f) => f.name === 'cairn-check-ins.csv')?.text ?? '';
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'date,habit,category,outcome,value,target,unit,note',
      '2026-03-01,Water 💧,,done,8,8,times,',
      '2026-03-02,Water 💧,,partly,5,8,times,',
      '2026-03-03,Water 💧,,skipped,,8,times,',
      '2026-03-04,Water 💧,,open,,8,times,',
      '',
    ]);
  });

  it('deleting a category asks first (in the UI), and undo gives its habits their colour back', async () => {
    const a = await device(at('2026-03-04'), 'Laptop', '0a'.repeat(8));
    await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await a.app.saveCategory({ name: 'Health', color: '#2f7d6d', order: 0 });
    const cat = a.app.categories()[0]?.id ?? '';
    await a.app.createHabit({ ...yesno('Gym', '0 0 * * 1,3,5'), categoryId: cat });
    await a.app.deleteCategory(cat);
    expect(a.app.categories()).toEqual([]);
    expect(a.app.habits()[0]?.categoryId).toBeNull();
    expect(await a.app.restoreCategory(cat)).toEqual({ ok: true });
    expect(a.app.categories().map((c) => [c.name, c.color])).toEqual([['Health', '#2f7d6d']]);
    expect(a.app.habits()[0]?.categoryId).toBe(cat);
  });

  it('an import with check-ins for unknown habits says so in the preview and leaves them out', async () => {
    const source = await device(at('2026-03-04'), 'Laptop', '0a'.repeat(8));
    await source.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    await source.app.createHabit(yesno('Gym', '0 0 * * *'));
    await source.app.checkIn(idOf(source.app, 'Gym'), '2026-03-04', { status: 'done' });
    const data = JSON.parse(source.app.exportJson()) as { checkIns: { templateId: string }[] };
    data.checkIns.push({ ...data.checkIns[0], templateId: 'ghost' }, {
      ...data.checkIns[0],
      templateId: 'ghost',
      date: '2026-03-03',
    } as never);
    const target = await device(at('2026-03-04'), 'Phone', '0b'.repeat(8));
    await target.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' });
    const preview = target.app.previewImport(JSON.stringify(data));
    if ('error' in preview) throw new Error(preview.error);
    expect(preview.summary).toEqual(['Add 1 habit', 'Add 1 check-in']);
    expect(preview.warnings).toEqual([
      '2 check-ins belong to a habit that is neither in this file nor on this device; they will not be imported.',
    ]);
    expect(await preview.apply()).toEqual({ ok: true });
    expect(JSON.parse(target.app.exportJson()).checkIns).toHaveLength(1);
  });
});

// Keep the helpers honest: the fixtures above rely on these dates.
it('fixtures: 2026-03-04 is a Wednesday; Paris is UTC+1 then', () => {
  expect(weekday('2026-03-04')).toBe(3);
  expect(addDays('2026-03-04', 1)).toBe('2026-03-05');
  expect(new Date(at('2026-03-04', 9)).toISOString()).toBe('2026-03-04T08:00:00.000Z');
  expect(DAY).toBe(86_400_000);
});
