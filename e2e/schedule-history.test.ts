/**
 * Issue 13, defect 1, in Chromium with two devices: a browser and a harness device in
 * one account, through the real server on a real Postgres. The harness imports half a
 * year of Gym (Mon/Wed/Fri) check-ins; both show the same History. The browser edits Gym
 * to "Every day", saves, and back to Mon/Wed/Fri, saves: every figure of History is
 * what it was, on both devices, and no Tuesday of the past became "missed".
 */
import { ready } from '@cairn/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  addDays,
  getHabit,
  scheduledDays,
  startOfWeek,
  weekday,
} from '../client/src/domain/index.js';
import { openPostgresStore } from '../relay/src/store/postgres.js';
import type { RelayStore } from '../relay/src/store/types.js';
import type { HarnessDevice } from '../test/support/harness-device.js';
import { startPostgres, type PostgresCluster } from '../test/support/postgres.js';
import { goTo, habitRow, onboard, openApp } from './support/app.js';
import { launchDevice, type Device } from './support/device.js';
import { joinHarness } from './support/harness.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

await ready();

const TIMEOUT = 60_000;
const GYM = 'a5e1c0de-0000-4000-8000-000000000001';

let pg: PostgresCluster;
let server: RelayChild;
let store: RelayStore;
let device: Device | undefined;
let harness: HarnessDevice | undefined;

beforeAll(async () => {
  pg = await startPostgres();
  server = await startAppServer({ DATABASE_URL: pg.url });
  store = await openPostgresStore(pg.url, { max: 2 });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    console.error(`page logs:\n${device?.logs().join('\n')}\nserver output:\n${server.output()}`);
  }
  await harness?.close();
  await device?.close();
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
  pg?.destroy();
});

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');

/**
 * Half a year of Mon/Wed/Fri, as an export file: every session done but one in eight,
 * a best run of 14 sessions, and the last two sessions done after a missed one.
 */
function gymExport(today: string): string {
  const start = startOfWeek(addDays(today, -7 * 25));
  const days = scheduledDays('0 0 * * 1,3,5', start, addDays(today, -1), 'Europe/Paris');
  const missed = new Set<number>([days.length - 3, days.length - 18]);
  for (let i = days.length - 19 - 8; i >= 0; i -= 8) missed.add(i);
  const checkIns = days
    .filter((_, i) => !missed.has(i))
    .map((date) => ({ templateId: GYM, date, status: 'done', updatedAt: Date.now() }));
  return JSON.stringify({
    format: 'cairn-export',
    version: 1,
    exportedAt: new Date().toISOString(),
    profile: { name: '', timezone: 'Europe/Paris', createdAt: 0 },
    categories: [],
    habits: [
      {
        id: GYM,
        name: 'Gym',
        categoryId: null,
        schedule: '0 0 * * 1,3,5',
        kind: { type: 'yesno' },
        notes: '',
        archived: false,
        createdAt: Date.now(),
        startDate: start,
        order: 0,
      },
    ],
    checkIns,
    oneOffs: [],
  });
}

/** What the browser's History says of Gym: the figures, the sentence, the calendar. */
async function history(page: Page): Promise<{ text: string; streak: string; calendar: string }> {
  await goTo(page, 'History');
  await page.getByLabel('Habit').selectOption({ label: 'Gym' });
  const calendar = page.getByRole('img', { name: /^Calendar of Gym/ });
  await calendar.waitFor({ timeout: TIMEOUT });
  return {
    text: await page.getByRole('main').innerText(),
    streak: (await page.getByText(/^Current streak /).textContent()) ?? '',
    calendar: (await calendar.getAttribute('aria-label')) ?? '',
  };
}

async function setSchedule(page: Page, choice: 'Every day' | 'Specific days'): Promise<void> {
  await goTo(page, 'Habits');
  await habitRow(page, 'Gym').click();
  const form = page.getByRole('form', { name: 'Edit Gym' });
  await form.getByRole('radiogroup', { name: 'Repeat' }).getByText(choice, { exact: true }).click();
  if (choice === 'Specific days') {
    await form.getByText('Mon, Wed and Fri').waitFor({ timeout: TIMEOUT });
  }
  await form.getByRole('button', { name: 'Save habit' }).click();
  await habitRow(page, 'Gym').waitFor({ timeout: TIMEOUT });
}

it('Gym: Mon/Wed/Fri → every day → Mon/Wed/Fri leaves History as it was on both devices', async () => {
  device = await launchDevice();
  const { page } = device;
  await openApp(page, server.url);
  await onboard(page, 'Ada');
  await goTo(page, 'Settings');
  await page.getByLabel('Sync with a relay').check();
  await page.getByRole('button', { name: 'Save sync settings' }).click();
  await statusOf(page).filter({ hasText: 'Synced' }).waitFor({ timeout: TIMEOUT });

  const h = await joinHarness(page, store, new URL(server.url).origin, 'Phone');
  harness = h;
  await h.waitFor('the profile', () => h.app.profile()?.name === 'Ada', TIMEOUT);
  const preview = h.app.previewImport(gymExport(h.app.today()));
  if ('error' in preview) throw new Error(preview.error);
  expect(preview.warnings).toEqual([]);
  expect(await preview.apply()).toEqual({ ok: true });
  const before = h.app.stats(GYM);
  expect(before.bestStreak).toBe(14);
  expect(before.currentStreak).toBe(2);
  await h.waitSynced(TIMEOUT);

  // The browser receives the import and shows the same figures.
  await goTo(page, 'Habits');
  await habitRow(page, 'Gym').waitFor({ timeout: TIMEOUT });
  const done = before.heatmap.filter((c) => c.outcome === 'complete').length;
  const due = done + before.heatmap.filter((c) => c.outcome === 'missed').length;
  await expect
    .poll(async () => (await history(page)).calendar, { timeout: TIMEOUT })
    .toBe(`Calendar of Gym: ${done} of ${due} sessions done`);
  const shown = await history(page);
  expect(shown.streak).toBe('Current streak 2 sessions, best 14 sessions.');

  // Try "every day", think better of it, go back: the same day.
  await setSchedule(page, 'Every day');
  await setSchedule(page, 'Specific days');
  const after = await history(page);
  expect(after).toEqual(shown);
  // The other device gets both edits (the history now has an entry dated today) and
  // still judges every day as before: no Tuesday of the past became due.
  const today = h.app.today();
  await h.waitFor(
    'the schedule edits',
    () =>
      getHabit(h.store.doc('templates'), GYM)?.scheduleHistory.some((e) => e.from === today) ===
      true,
    TIMEOUT,
  );
  expect(getHabit(h.store.doc('templates'), GYM)?.scheduleHistory.map((e) => e.rule)).toEqual([
    { kind: 'cron', cron: '0 0 * * 1,3,5' },
    { kind: 'cron', cron: '0 0 * * 1,3,5' },
  ]);
  const again = h.app.stats(GYM);
  expect(again).toEqual(before);
  const tuesdays = again.heatmap.filter((c) => weekday(c.date) === 2 && c.date < today);
  expect(tuesdays.length).toBeGreaterThan(20);
  expect(tuesdays.every((c) => c.outcome === 'none')).toBe(true);
  console.info(
    `Gym on both devices, before and after the edits: ${shown.calendar}; ${shown.streak}`,
  );
  expect(h.problems).toEqual([]);
});
