/**
 * Devices people can tell apart, and a way forward after removal, through the
 * real server (`node relay/dist/main.js` serving the built app) with two
 * Chromium profiles, at phone and at desktop size:
 *
 * 1. A (the first device, never named until now) renames itself from the
 *    device list with the keyboard only; a name over the relay's limit stays
 *    as typed, with a counter and the reason, and is not saved. B pairs in, A
 *    renames B; B's list shows both names, A "Online now" while connected
 *    and "Last seen …" once it has gone.
 * 2. A removes B. B says so on every screen, refuses a recovery phrase before
 *    showing any word, and offers three choices, each walked: keep using it
 *    on its own (sync off, works offline, data kept); pair again (B rejoins,
 *    keeps what it wrote alone, and A receives it); restore from the phrase.
 *
 * Every screen touched is looked at (light and dark) and checked by axe.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';
import { addHabit, goTo, habitRow, onboard, openApp } from './support/app.js';
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { look, VIEWPORTS, type Scheme } from './support/look.js';

const TIMEOUT = 60_000;
const LIMIT = 64;

let server: RelayChild;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startAppServer();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const d of devices) console.error(`page logs:\n${d.logs().join('\n')}`);
    console.error(`server output:\n${server.output()}`);
  }
  expectNoCspViolations(devices);
  for (const d of devices.splice(0)) await d.close();
});

afterAll(async () => {
  await server?.stop();
});

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');
const waitStatus = (page: Page, text: string | RegExp) =>
  statusOf(page).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });
const deviceList = (page: Page) => page.getByRole('list', { name: 'Your devices' });
const rowOf = (page: Page, name: string) =>
  deviceList(page).getByRole('listitem').filter({ hasText: name });

async function habitNames(page: Page): Promise<string[]> {
  await goTo(page, 'Habits');
  const labels = await page
    .getByRole('button', { name: /^Edit (?!category )/ })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Edit /, '')).sort();
}

/** Settings again: the device list is asked afresh. */
async function reopenSettings(page: Page): Promise<void> {
  await goTo(page, 'Today');
  await goTo(page, 'Settings');
}

/** After the reload into the account: the screen the app was on (its hash) or Today. */
const waitOpened = (page: Page) =>
  page.getByRole('heading', { name: /^(Today|Settings)$/, level: 1 }).waitFor({ timeout: TIMEOUT });

/** A: Settings → Devices → Add a device; returns the code shown. */
async function showCode(a: Page): Promise<string> {
  await goTo(a, 'Settings');
  const add = a.getByRole('button', { name: 'Add a device' });
  await add.and(a.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  await add.click();
  const code = a.getByLabel('Pairing code');
  await code.waitFor({ timeout: TIMEOUT });
  return (await code.innerText()).trim();
}

/** B at a join form (fresh or removed): types A's code; both confirm the digits. */
async function pair(a: Page, b: Page, code: string): Promise<void> {
  await b.getByLabel('Pairing code').fill(code);
  await b.getByRole('button', { name: 'Join', exact: true }).click();
  const sas = (p: Page) => p.getByTestId('sas').waitFor({ timeout: TIMEOUT });
  await Promise.all([sas(a), sas(b)]);
  await a.getByRole('button', { name: 'They match' }).click();
  await a.getByRole('heading', { name: 'Device added' }).waitFor({ timeout: TIMEOUT });
  await b.getByRole('button', { name: 'They match' }).click();
  await waitOpened(b);
  await a.getByRole('button', { name: 'Done' }).click();
}

/** A removes `name` from Settings → Devices, after the confirmation. */
async function removeDevice(a: Page, name: string): Promise<void> {
  await reopenSettings(a);
  await a.getByRole('button', { name: `Remove ${name}` }).click();
  await a.getByRole('alertdialog').getByRole('button', { name: 'Remove device' }).click();
  await rowOf(a, name)
    .getByText(/Removed/)
    .waitFor({ timeout: TIMEOUT });
}

/** A: Settings → Recovery, through the sheet and the quiz; returns the 12 words. */
async function setUpRecovery(a: Page): Promise<string[]> {
  await goTo(a, 'Settings');
  const panel = a.getByTestId('recovery-settings');
  await panel.getByRole('button', { name: 'Set up a recovery phrase' }).click();
  const sheet = panel.getByTestId('recovery-phrase');
  await sheet.waitFor({ timeout: TIMEOUT });
  const words = await sheet.getByRole('listitem').allInnerTexts();
  await panel.getByRole('button', { name: 'I have written them down' }).click();
  const quiz = panel.locator('input[id^="quiz-"]');
  for (const id of await quiz.evaluateAll((els) => els.map((e) => e.id))) {
    await panel.locator(`#${id}`).fill(words[Number(id.replace('quiz-', ''))] ?? '');
  }
  await panel.getByRole('button', { name: 'Turn on recovery' }).click();
  await panel.getByText('Recovery is on').waitFor({ timeout: TIMEOUT });
  return words;
}

for (const size of ['phone', 'desktop'] as const) {
  it(`renames any device and shows who is online; a removed device has three ways forward (${size})`, async () => {
    const found: string[] = [];
    const both = async (page: Page, name: string): Promise<void> => {
      for (const scheme of ['light', 'dark'] as Scheme[]) {
        const seen = await look(page, `${name}-${size}`, scheme);
        found.push(...seen.map((s) => `${name} ${scheme}: ${s}`));
      }
      await page.emulateMedia({ colorScheme: 'light' });
    };
    const launch = async (): Promise<Device> => {
      const d = await launchDevice({ viewport: VIEWPORTS[size] });
      devices.push(d);
      return d;
    };

    // ── A: the first device, sync on ────────────────────────────────────────
    const { page: a } = await launch();
    await openApp(a, server.url);
    await onboard(a, 'Ada');
    await addHabit(a, 'Read');
    await goTo(a, 'Settings');
    await a.getByLabel('Sync with a relay').check();
    await a.getByRole('button', { name: 'Save sync settings' }).click();
    await waitStatus(a, 'Synced');
    const me = rowOf(a, 'This device');
    await me.getByText('Online now').waitFor({ timeout: TIMEOUT });
    const defaultName = (await me.locator('.device-name').innerText()).trim();
    expect(defaultName).toBe('Chromium on Linux');

    // ── Item 4: rename this device, keyboard only ───────────────────────────
    await a.getByRole('button', { name: `Rename ${defaultName}` }).focus();
    await a.keyboard.press('Enter');
    const field = a.getByLabel('Name of this device');
    await field.waitFor();
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    // One over the limit: kept as typed, counted, refused with the reason.
    await a.keyboard.press('ControlOrMeta+a');
    await a.keyboard.type('x'.repeat(LIMIT + 1));
    expect(await field.inputValue()).toHaveLength(LIMIT + 1);
    await me.getByText(`${LIMIT + 1} / ${LIMIT} characters`).waitFor();
    await me
      .getByRole('alert')
      .filter({ hasText: `at most ${LIMIT} characters` })
      .waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await both(a, 'device-rename-over-limit');
    await a.keyboard.press('Enter');
    expect(await field.inputValue()).toHaveLength(LIMIT + 1);
    // Escape leaves it as it was, focus back on Rename.
    await a.keyboard.press('Escape');
    const renameMe = a.getByRole('button', { name: `Rename ${defaultName}` });
    await renameMe.waitFor();
    expect(await renameMe.evaluate((el) => el === document.activeElement)).toBe(true);
    // At the limit exactly: saved.
    await a.keyboard.press('Enter');
    await a.keyboard.press('ControlOrMeta+a');
    await a.keyboard.type(`Ada’s laptop ${'.'.repeat(LIMIT - 13)}`);
    await me.getByText(`${LIMIT} / ${LIMIT} characters`).waitFor();
    await a.keyboard.press('Enter');
    const atLimit = `Ada’s laptop ${'.'.repeat(LIMIT - 13)}`;
    await deviceList(a).getByText(atLimit).waitFor({ timeout: TIMEOUT });
    // And a short name, as a person would keep it.
    await a.getByRole('button', { name: `Rename ${atLimit}` }).click();
    await a.getByLabel('Name of this device').fill('Ada’s laptop');
    await a.getByRole('button', { name: 'Save name' }).click();
    await deviceList(a).getByText('Ada’s laptop', { exact: true }).waitFor({ timeout: TIMEOUT });

    // ── B pairs in; A renames it; B sees both names ─────────────────────────
    const code = await showCode(a);
    const { page: b, context: bContext } = await launch();
    await openApp(b, server.url);
    await b.getByRole('button', { name: 'I already use Cairn on another device' }).click();
    await b.getByLabel('Pairing code').waitFor({ timeout: TIMEOUT });
    await b.getByText(`17 / ${LIMIT} characters`).waitFor(); // "Chromium on Linux", suggested
    await both(b, 'join-with-name');
    await pair(a, b, code);
    await waitStatus(b, 'Synced');

    await rowOf(a, 'Chromium on Linux').waitFor({ timeout: TIMEOUT });
    await a.getByRole('button', { name: 'Rename Chromium on Linux' }).click();
    await a.getByLabel('New name for Chromium on Linux').fill('Kitchen tablet');
    await a.getByRole('button', { name: 'Save name' }).click();
    await rowOf(a, 'Kitchen tablet').waitFor({ timeout: TIMEOUT });

    await goTo(b, 'Settings');
    await rowOf(b, 'Kitchen tablet').getByText('This device').waitFor({ timeout: TIMEOUT });
    // Live: A is connected, so it is online now on B's list too.
    await rowOf(b, 'Ada’s laptop').getByText('Online now').waitFor({ timeout: TIMEOUT });
    await both(a, 'devices-list');
    // A goes away: its last-seen becomes a time on B's list.
    await a.context().setOffline(true);
    await waitStatus(a, /Offline/);
    await expect
      .poll(
        async () => {
          await reopenSettings(b);
          await rowOf(b, 'Ada’s laptop').waitFor({ timeout: TIMEOUT });
          return rowOf(b, 'Ada’s laptop').innerText();
        },
        { timeout: TIMEOUT, interval: 1000 },
      )
      .toMatch(/Last seen just now/);
    await a.context().setOffline(false);
    await waitStatus(a, 'Synced');

    // ── Item 5: A removes B ─────────────────────────────────────────────────
    const words = await setUpRecovery(a);
    await removeDevice(a, 'Kitchen tablet');
    await waitStatus(b, 'device removed');
    await goTo(b, 'Today');
    const banner = b.getByRole('complementary', { name: 'Device removed' });
    await banner.waitFor({ timeout: TIMEOUT });
    await both(b, 'removed-banner');
    await banner.getByRole('link', { name: 'See your choices' }).click();
    await b.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const choices = b.getByTestId('removed');
    await choices.waitFor({ timeout: TIMEOUT });
    // Refused before effort: no phrase is shown to a device the relay would refuse.
    const recovery = b.getByTestId('recovery-settings');
    await recovery.getByTestId('recovery-removed').waitFor({ timeout: TIMEOUT });
    for (const name of ['Set up a recovery phrase', 'Make a new phrase', 'Turn off…']) {
      const button = recovery.getByRole('button', { name });
      if ((await button.count()) > 0) expect(await button.isDisabled()).toBe(true);
    }
    expect(await recovery.getByTestId('recovery-phrase').count()).toBe(0);
    await both(b, 'removed-choices');

    // Choice: keep using it alone. Sync off, works offline, everything kept.
    await choices.getByRole('button', { name: 'Keep using it locally' }).click();
    await waitStatus(b, 'Local only');
    await bContext.setOffline(true);
    await addHabit(b, 'Alone');
    expect(await habitNames(b)).toEqual(['Alone', 'Read']);
    await b.reload();
    await b.getByRole('heading', { level: 1 }).first().waitFor({ timeout: TIMEOUT });
    expect(await habitNames(b)).toEqual(['Alone', 'Read']);
    await habitRow(b, 'Alone').waitFor();
    await bContext.setOffline(false);

    // Sync on again: still removed, the same choices. Pair again, keyboard only.
    await goTo(b, 'Settings');
    await b.getByLabel('Sync with a relay').check();
    await b.getByRole('button', { name: 'Save sync settings' }).click();
    await waitStatus(b, 'device removed');
    await choices.getByRole('button', { name: 'Pair with another device' }).focus();
    await b.keyboard.press('Enter');
    await b.getByLabel('Pairing code').waitFor({ timeout: TIMEOUT });
    await b.getByLabel('Name of this device').fill('Kitchen tablet (again)');
    await pair(a, b, await showCode(a));
    await waitStatus(b, 'Synced');
    // What B wrote on its own went up with it; A has it.
    await expect.poll(() => habitNames(a), { timeout: TIMEOUT }).toEqual(['Alone', 'Read']);
    expect(await habitNames(b)).toEqual(['Alone', 'Read']);
    await reopenSettings(a);
    await rowOf(a, 'Kitchen tablet (again)').getByText('Online now').waitFor({ timeout: TIMEOUT });

    // Removed once more: restore from the phrase, under a name of its choosing.
    await removeDevice(a, 'Kitchen tablet (again)');
    await waitStatus(b, 'device removed');
    await goTo(b, 'Settings');
    await choices.getByRole('button', { name: 'Restore from recovery phrase' }).click();
    await b.getByRole('heading', { name: 'Restore from a recovery phrase' }).waitFor();
    for (const [i, w] of words.entries()) {
      await b.getByLabel(`Word ${i + 1}`, { exact: true }).fill(w);
    }
    await b.getByLabel('Name of this device').fill('Tablet, restored');
    await both(b, 'removed-restore');
    await b.getByRole('button', { name: 'Restore', exact: true }).click();
    await waitOpened(b);
    await waitStatus(b, 'Synced');
    await addHabit(b, 'Back');
    await expect.poll(() => habitNames(a), { timeout: TIMEOUT }).toEqual(['Alone', 'Back', 'Read']);
    await reopenSettings(a);
    await rowOf(a, 'Tablet, restored').waitFor({ timeout: TIMEOUT });

    expect(found).toEqual([]);
  }, 480_000);
}
