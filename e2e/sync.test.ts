/**
 * Sync between a real browser and a harness device, through the real server
 * (`node relay/dist/main.js`, serving the built app) on a real Postgres.
 *
 * How the harness joins the browser's account without pairing: see
 * e2e/support/harness.ts (`browserAccount`).
 */
import { ed25519KeyPair, fromHex, ready, toBase64, x25519KeyPair } from '@cairn/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openPostgresStore } from '../relay/src/store/postgres.js';
import type { RelayStore } from '../relay/src/store/types.js';
import { startPostgres, type PostgresCluster } from '../test/support/postgres.js';
import { HarnessDevice } from '../test/support/harness-device.js';
import {
  addHabit,
  checkIn,
  doneButton,
  goTo,
  habitRow,
  onboard,
  openApp,
  waitPressed,
} from './support/app.js';
import { launchDevice, type Device } from './support/device.js';
import { browserAccount } from './support/harness.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

await ready();

const TIMEOUT = 60_000;
const HABIT = {
  categoryId: null,
  kind: 'yesno',
  target: null,
  cron: '0 0 * * *',
  notes: '',
} as const;

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
  const seen = device?.cspViolations() ?? [];
  await device?.close();
  // Everything ran under the relay's Content-Security-Policy, with no violation.
  expect(seen).toEqual([]);
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
  pg?.destroy();
});

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');

async function waitStatus(page: Page, text: string | RegExp): Promise<void> {
  await statusOf(page).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });
}

async function browserHabits(page: Page): Promise<string[]> {
  await goTo(page, 'Habits');
  const buttons = page.getByRole('button', { name: /^Edit (?!category )/ });
  const labels = await buttons.evaluateAll((els) =>
    els.map((e) => e.getAttribute('aria-label') ?? ''),
  );
  return labels.map((l) => l.replace(/^Edit /, '')).sort();
}

it('a browser and a harness device both edit offline, reconnect and converge', async () => {
  device = await launchDevice();
  const { page, context } = device;
  await openApp(page, server.url);
  await onboard(page, 'Ada');
  await addHabit(page, 'Read');

  // Sync is off until the user turns it on; the relay defaults to the page's origin.
  await waitStatus(page, 'Local only');
  await goTo(page, 'Settings');
  await page.getByLabel('Sync with a relay').check();
  expect(await page.getByLabel('Relay address').inputValue()).toBe(new URL(server.url).origin);
  await page.getByRole('button', { name: 'Save sync settings' }).click();
  await waitStatus(page, 'Synced');

  const { kMaster, accountId } = await browserAccount(page);
  const identity = {
    accountId,
    deviceId: 'd0e2e000-0000-4000-8000-000000000001',
    signing: ed25519KeyPair(fromHex('e2'.repeat(32))),
    box: x25519KeyPair(fromHex('e3'.repeat(32))),
    label: 'harness',
  };
  expect(
    await store.addDevice(accountId, {
      deviceId: identity.deviceId,
      signingKey: toBase64(identity.signing.publicKey),
      boxKey: toBase64(identity.box.publicKey),
      label: identity.label,
    }),
  ).toBe('created');
  const h = await HarnessDevice.open({
    relayUrl: new URL(server.url).origin,
    kMaster,
    identity,
    registered: true,
  });
  harness = h;
  await h.enableSync();
  // Each stream catches up on its own: wait for the profile and the habit both.
  await h.waitFor(
    "the browser's profile and habit",
    () => h.app.profile()?.name === 'Ada' && h.app.habits().some((x) => x.name === 'Read'),
    TIMEOUT,
  );

  // Both go offline and edit.
  await context.setOffline(true);
  h.goOffline();
  await addHabit(page, 'Stretch');
  await checkIn(page, 'Read');
  await waitStatus(page, /^Offline · [1-9]\d* queued$/);
  expect((await h.app.createHabit({ ...HABIT, name: 'Piano' })).ok).toBe(true);
  expect(h.status).toMatchObject({ kind: 'offline' });

  // Both come back: the queues drain, each side pulls the other's edits.
  await context.setOffline(false);
  h.goOnline();
  await waitStatus(page, 'Synced');
  await h.waitFor(
    'the browser offline edits',
    () =>
      h.app.habits().some((x) => x.name === 'Stretch') &&
      h.app.dueOn(h.app.today()).some((c) => c.habit.name === 'Read' && c.status === 'done'),
    TIMEOUT,
  );
  await goTo(page, 'Habits');
  await habitRow(page, 'Piano').waitFor({ timeout: TIMEOUT });
  await h.waitSynced(TIMEOUT);
  await waitStatus(page, 'Synced');

  // The same state on both devices.
  const names = h.app
    .habits()
    .map((x) => x.name)
    .sort();
  expect(names).toEqual(['Piano', 'Read', 'Stretch']);
  expect(await browserHabits(page)).toEqual(names);
  await goTo(page, 'Today');
  await waitPressed(doneButton(page, 'Read'), true);
  expect(h.problems).toEqual([]);
});
