/**
 * Pairing through the real server (`node relay/dist/main.js`, serving the
 * built app, on its embedded storage) with two separate Chromium profiles as
 * the two devices:
 *
 * 1. A onboards, tracks a habit, turns sync on, and opens Settings → Devices →
 *    "Add a device". B, a fresh install, chooses "I already use Cairn on
 *    another device" and types the code. Both show the same six digits; A
 *    confirms, and B holds the key until its own user confirms too. B reloads
 *    into A's account and bootstraps A's data.
 * 2. An edit on each device appears on the other; both edit offline, come
 *    back, and converge.
 * 3. A removes B: B's sync stops at once with a clear message; A carries on.
 * 4. "They don't match" ends the pairing on both screens and burns the code;
 *    a used code, a cancelled code and (on a relay with a 4-second TTL) an
 *    expired code each get a clear error.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { addHabit, goTo, habitRow, onboard, openApp } from './support/app.js';
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

const TIMEOUT = 60_000;

let server: RelayChild;
const servers: RelayChild[] = [];
const devices: Device[] = [];
/** The code of the first, successful pairing: used, so it must not work again. */
let usedCode = '';

beforeAll(async () => {
  server = await startAppServer();
  servers.push(server);
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const d of devices) console.error(`page logs:\n${d.logs().join('\n')}`);
    for (const s of servers) console.error(`server output:\n${s.output()}`);
  }
  // Everything ran under the relay's Content-Security-Policy, with no violation.
  expectNoCspViolations(devices);
});

afterAll(async () => {
  for (const d of devices) await d.close();
  for (const s of servers) await s.stop();
});

async function device(): Promise<Device> {
  const d = await launchDevice();
  devices.push(d);
  return d;
}

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');
const waitStatus = (page: Page, text: string | RegExp) =>
  statusOf(page).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });

async function habitNames(page: Page): Promise<string[]> {
  await goTo(page, 'Habits');
  const labels = await page
    .getByRole('button', { name: /^Edit (?!category )/ })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Edit /, '')).sort();
}

async function waitHabit(page: Page, name: string): Promise<void> {
  await goTo(page, 'Habits');
  await habitRow(page, name).waitFor({ timeout: TIMEOUT });
}

/** A device with a profile, a habit and sync on, ready to add another device. */
async function deviceA(url: string, habit: string): Promise<Device> {
  const a = await device();
  await openApp(a.page, url);
  await onboard(a.page, 'Ada');
  await addHabit(a.page, habit);
  await goTo(a.page, 'Settings');
  await a.page.getByLabel('Sync with a relay').check();
  await a.page.getByRole('button', { name: 'Save sync settings' }).click();
  await waitStatus(a.page, 'Synced');
  return a;
}

/** A: Settings → Devices → Add a device; returns the code shown. */
async function showCode(a: Page): Promise<string> {
  await goTo(a, 'Settings');
  const add = a.getByRole('button', { name: 'Add a device' });
  await add.and(a.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  await add.click();
  const code = a.getByLabel('Pairing code');
  await code.waitFor({ timeout: TIMEOUT });
  await a.getByRole('img', { name: 'QR code for pairing a new device' }).waitFor();
  await a
    .getByRole('timer')
    .filter({ hasText: /Expires in \d+:\d\d/ })
    .waitFor();
  return (await code.innerText()).trim();
}

/** B: a fresh install at the join form. */
async function joinForm(url: string): Promise<Device> {
  const b = await device();
  await openApp(b.page, url);
  await b.page.getByRole('button', { name: 'I already use Cairn on another device' }).click();
  await b.page.getByLabel('Pairing code').waitFor({ timeout: TIMEOUT });
  return b;
}

async function typeCode(b: Page, code: string): Promise<void> {
  await b.getByLabel('Pairing code').fill(code);
  await b.getByRole('button', { name: 'Join', exact: true }).click();
}

const sasOf = async (page: Page): Promise<string> => {
  const sas = page.getByTestId('sas');
  await sas.waitFor({ timeout: TIMEOUT });
  return (await sas.innerText()).trim();
};

it('pairs by typed code, syncs both ways and offline, and revokes', async () => {
  const a = await deviceA(server.url, 'Read');
  const code = await showCode(a.page);
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

  const b = await joinForm(server.url);
  const label = b.page.getByLabel('Name of this device');
  expect(await label.inputValue()).toMatch(/^Chromium on Linux$/);
  await label.fill('Test phone');
  await typeCode(b.page, code.toLowerCase());

  // Both screens show the same six digits; each user confirms on their device.
  const [onA, onB] = await Promise.all([sasOf(a.page), sasOf(b.page)]);
  expect(onA).toMatch(/^\d{3} \d{3}$/);
  expect(onB).toBe(onA);
  await a.page.getByText('Test phone').first().waitFor();
  await a.page.getByRole('button', { name: 'They match' }).click();
  await a.page.getByRole('heading', { name: 'Device added' }).waitFor({ timeout: TIMEOUT });
  usedCode = code;
  // The key is on B by now, held: B has not joined until its user confirms.
  await b.page.getByRole('heading', { name: 'Compare the digits' }).waitFor();
  expect(await b.page.getByRole('heading', { name: 'Today', level: 1 }).count()).toBe(0);
  await b.page.getByRole('button', { name: 'They match' }).click();

  // B reloads into the account and bootstraps A's data: onboarding is skipped.
  await b.page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
  await waitHabit(b.page, 'Read');
  await waitStatus(b.page, 'Synced');

  // A's device list shows both, B's own list marks itself.
  await a.page.getByRole('button', { name: 'Done' }).click();
  const listA = a.page.getByRole('list', { name: 'Your devices' });
  await listA.getByText('Test phone').waitFor({ timeout: TIMEOUT });
  await listA.getByText('This device').waitFor();
  await goTo(b.page, 'Settings');
  const listB = b.page.getByRole('list', { name: 'Your devices' });
  await listB
    .getByRole('listitem')
    .filter({ hasText: 'Test phone' })
    .getByText('This device')
    .waitFor({
      timeout: TIMEOUT,
    });

  // An edit on each appears on the other.
  await addHabit(a.page, 'Run');
  await waitHabit(b.page, 'Run');
  await addHabit(b.page, 'Swim');
  await waitHabit(a.page, 'Swim');

  // Both edit offline, come back, converge.
  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await waitStatus(a.page, /Offline/);
  await waitStatus(b.page, /Offline/);
  await addHabit(a.page, 'Walk');
  await addHabit(b.page, 'Yoga');
  await waitStatus(a.page, /Offline · [1-9]/);
  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await waitHabit(a.page, 'Yoga');
  await waitHabit(b.page, 'Walk');
  await waitStatus(a.page, 'Synced');
  await waitStatus(b.page, 'Synced');
  const all = ['Read', 'Run', 'Swim', 'Walk', 'Yoga'];
  expect(await habitNames(a.page)).toEqual(all);
  expect(await habitNames(b.page)).toEqual(all);

  // A removes B, after a confirmation that says what removal cannot do.
  await goTo(a.page, 'Settings');
  await a.page.getByRole('button', { name: 'Remove Test phone' }).click();
  const dialog = a.page.getByRole('alertdialog', { name: 'Remove Test phone?' });
  await dialog.getByText('cannot take back').waitFor();
  await dialog.getByRole('button', { name: 'Remove device' }).click();
  await a.page
    .getByRole('list', { name: 'Your devices' })
    .getByRole('listitem')
    .filter({ hasText: 'Test phone' })
    .getByText(/Removed/)
    .waitFor({ timeout: TIMEOUT });

  // B is refused at once, and says so; A keeps working.
  await waitStatus(b.page, 'device removed');
  expect(await statusOf(b.page).getAttribute('title')).toMatch(/removed from your account/);
  await addHabit(b.page, 'Orphan');
  await addHabit(a.page, 'Stretch');
  await waitStatus(a.page, 'Synced');
  expect(await habitNames(a.page)).toEqual([...all, 'Stretch'].sort());
});

it("ends on both screens when the digits don't match, and refuses used and cancelled codes", async () => {
  const a = await deviceA(server.url, 'Draw');
  const code = await showCode(a.page);
  const b = await joinForm(server.url);

  // A code that already paired a device.
  await typeCode(b.page, usedCode);
  await b.page
    .getByRole('alert')
    .filter({ hasText: 'already been used' })
    .waitFor({ timeout: TIMEOUT });

  await typeCode(b.page, code);
  const [onA, onB] = await Promise.all([sasOf(a.page), sasOf(b.page)]);
  expect(onB).toBe(onA);
  await a.page.getByRole('button', { name: 'They don’t match' }).click();
  await a.page.getByRole('heading', { name: 'The device was not added' }).waitFor();
  await a.page.getByRole('alert').filter({ hasText: 'nothing was shared' }).waitFor();
  await b.page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor({ timeout: TIMEOUT });
  // B is back at the form, still a fresh install; the code is burned.
  await typeCode(b.page, code);
  await b.page
    .getByRole('alert')
    .filter({ hasText: 'was cancelled' })
    .waitFor({ timeout: TIMEOUT });
  expect(await b.page.getByRole('heading', { name: 'Today' }).count()).toBe(0);

  // "They don't match" on B ends A's screen too.
  await a.page.getByRole('button', { name: 'Close' }).click();
  const code2 = await showCode(a.page);
  await typeCode(b.page, code2);
  await sasOf(b.page);
  await b.page.getByRole('button', { name: 'They don’t match' }).click();
  await a.page
    .getByRole('alert')
    .filter({ hasText: 'other device says the digits do not match' })
    .waitFor({ timeout: TIMEOUT });
});

it('refuses an expired code with a clear error', async () => {
  const short = await startAppServer({ RELAY_PAIRING_TTL_MS: '4000' });
  servers.push(short);
  const a = await deviceA(short.url, 'Knit');
  const code = await showCode(a.page);
  await a.page.getByRole('alert').filter({ hasText: 'code expired' }).waitFor({ timeout: TIMEOUT });
  const b = await joinForm(short.url);
  await typeCode(b.page, code);
  await b.page.getByRole('alert').filter({ hasText: 'has expired' }).waitFor({ timeout: TIMEOUT });
});
