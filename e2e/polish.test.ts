/**
 * Status and input polish, in Chromium at phone (390×844) and desktop (1280×800) size:
 *
 * - The habit form takes the focus when it opens (what is typed lands in the name),
 *   and gives it back to the button that opened it when it is saved or cancelled.
 * - Limited text fields show "n / max", announce reaching the limit, and never cut
 *   typed or pasted text: past the limit the text stays, with an error, and saving waits.
 * - Timezone search finds Kolkata/Calcutta, Kyiv/Kiev, Ho Chi Minh City/Saigon.
 * - A message never covers the button just pressed, nor any other control of the page.
 * - The navigation: a sidebar on the left on a desktop, a bottom tab bar on a phone.
 * - The sync pill reads "Connecting…" while the first attempt is under way, "Offline"
 *   only once it failed.
 * - The pairing digits are one image named by the digits, read one by one.
 *
 * Every screen touched is looked at (`look`: screenshot, axe finds nothing serious).
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';
import { addHabit, goTo, habitRow, onboard, openApp } from './support/app.js';
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { look, VIEWPORTS, type Scheme } from './support/look.js';

const TIMEOUT = 60_000;
const SIZES = ['phone', 'desktop'] as const;
type Size = (typeof SIZES)[number];

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

async function device(size: Size): Promise<Device> {
  const d = await launchDevice({ viewport: VIEWPORTS[size] });
  devices.push(d);
  return d;
}

/** A device at the given size with a profile (and the habits named), on Today. */
async function started(size: Size, habits: string[] = []): Promise<Page> {
  const { page } = await device(size);
  await openApp(page, server.url);
  await onboard(page);
  for (const h of habits) await addHabit(page, h);
  return page;
}

/** Screenshots in light and dark; axe's serious findings of both. */
async function looked(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as Scheme[]) {
    found.push(...(await look(page, name, scheme)).map((s) => `${name} ${scheme}: ${s}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/** What has the focus, as a person would name it: role and accessible name. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return 'body';
    const labelled = el.getAttribute('aria-label');
    const label =
      labelled ??
      (el.id === '' ? null : document.querySelector(`label[for="${el.id}"]`)?.textContent) ??
      el.textContent;
    return `${el.tagName.toLowerCase()}: ${(label ?? '').trim()}`;
  });
}

type Box = { x: number; y: number; width: number; height: number };

const overlap = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (b === null) throw new Error('not visible');
  return b;
}

/** The visible message (toast) and its box, once it shows `text`. */
async function toastBox(page: Page, text: string | RegExp): Promise<Box> {
  const toast = page.locator('.announcer .toast').filter({ hasText: text });
  await toast.waitFor({ timeout: TIMEOUT });
  return box(toast);
}

/**
 * The boxes of every control a person can see: the page's (the part of each not
 * already under the header or the phone's tab bar, which the page scrolls under) and
 * the navigation's. The message itself is left out.
 */
async function controlBoxes(page: Page): Promise<{ name: string; box: Box }[]> {
  return page.evaluate(() => {
    const out: { name: string; box: { x: number; y: number; width: number; height: number } }[] =
      [];
    const header = document.querySelector('header')?.getBoundingClientRect();
    const nav = document.querySelector('nav')?.getBoundingClientRect();
    const top = header?.bottom ?? 0;
    // The tab bar across the bottom (phone); a sidebar leaves the page's bottom free.
    const bottom =
      nav !== undefined && nav.left === 0 && nav.width === innerWidth ? nav.top : innerHeight;
    const controls = document.querySelectorAll(
      'main a, main button, main input, main select, main textarea, nav a',
    );
    for (const el of Array.from(controls)) {
      if (el.closest('.announcer') !== null) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const inPage = el.closest('main') !== null;
      const y0 = inPage ? Math.max(r.top, top) : r.top;
      const y1 = inPage ? Math.min(r.bottom, bottom) : r.bottom;
      if (y1 <= y0) continue;
      const name = el.getAttribute('aria-label') ?? el.textContent ?? el.tagName;
      out.push({ name: name.trim(), box: { x: r.x, y: y0, width: r.width, height: y1 - y0 } });
    }
    return out;
  });
}

/**
 * Presses `button` (scrolled to where it is given, top or bottom of the window) and
 * checks the message it brings covers neither it nor any other control.
 */
async function pressAndCompare(
  page: Page,
  button: Locator,
  message: string | RegExp,
  where: 'top' | 'bottom',
): Promise<void> {
  // An earlier message with the same words has gone: the one measured is this press's.
  await page
    .locator('.announcer .toast')
    .filter({ hasText: message })
    .waitFor({ state: 'hidden', timeout: TIMEOUT });
  await button.waitFor({ timeout: TIMEOUT });
  // At the very top or bottom of the page's visible part: just under the header, or
  // just above the phone's tab bar (the window's bottom on a desktop).
  await button.evaluate((el, atTop) => {
    el.scrollIntoView({ block: atTop ? 'start' : 'end' });
    window.scrollBy(0, atTop ? -80 : 80);
  }, where === 'top');
  const pressed = await box(button);
  await button.click();
  const toast = await toastBox(page, message);
  expect(overlap(toast, pressed), `the message over the button pressed (${String(message)})`).toBe(
    false,
  );
  const covered = (await controlBoxes(page)).filter((c) => overlap(toast, c.box));
  expect(covered.map((c) => c.name)).toEqual([]);
}

for (const size of SIZES) {
  it(`${size}: the habit form keeps the focus while typing, opened, saved or cancelled`, async () => {
    const page = await started(size);
    await goTo(page, 'Habits');
    // Keyboard only: reach "New habit", open the form, type straight away.
    await page.getByRole('button', { name: 'New habit' }).focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'New habit' });
    await form.waitFor();
    expect(await focused(page)).toBe('input: Name');
    await page.keyboard.type('Walk');
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('Walk');
    const found = await looked(page, `polish-habit-form-${size}`);
    // Saved with Enter: the focus returns to "New habit", and typing goes nowhere else.
    await page.keyboard.press('Enter');
    await habitRow(page, 'Walk').waitFor({ timeout: TIMEOUT });
    expect(await focused(page)).toBe('button: New habit');

    // Editing: the form opens with the name focused; typed text is added to it.
    await habitRow(page, 'Walk').focus();
    await page.keyboard.press('Enter');
    const edit = page.getByRole('form', { name: 'Edit Walk' });
    await edit.waitFor();
    expect(await focused(page)).toBe('input: Name');
    await page.keyboard.press('End');
    await page.keyboard.type(' daily');
    expect(await edit.getByLabel('Name', { exact: true }).inputValue()).toBe('Walk daily');
    await page.keyboard.press('Enter');
    await habitRow(page, 'Walk daily').waitFor({ timeout: TIMEOUT });
    expect(await focused(page)).toBe('button: Edit Walk daily');

    // Escape cancels, and the focus goes back to the button that opened the form.
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Edit Walk daily' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('form', { name: 'Edit Walk daily' }).waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('button: Edit Walk daily');

    // The whole form by keyboard: Tab walks it without leaving it, the arrows pick a
    // kind, and Enter on "Save habit" saves.
    await page.getByRole('button', { name: 'New habit' }).focus();
    await page.keyboard.press('Enter');
    await form.waitFor();
    await page.keyboard.type('Pages');
    const inForm = () =>
      page.evaluate(
        () => document.activeElement?.closest('form')?.getAttribute('aria-label') ?? null,
      );
    const kind = form.getByRole('radio', { name: 'Yes / no' });
    for (let i = 0; i < 10 && !(await kind.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
      expect(await inForm()).toBe('New habit');
    }
    await page.keyboard.press('ArrowRight');
    expect(await form.getByRole('radio', { name: 'Count' }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input: Target count');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    for (let i = 0; i < 30 && (await focused(page)) !== 'button: Save habit'; i++) {
      await page.keyboard.press('Tab');
      expect(await inForm()).toBe('New habit');
    }
    expect(await focused(page)).toBe('button: Save habit');
    await page.keyboard.press('Enter');
    await habitRow(page, 'Pages').waitFor({ timeout: TIMEOUT });
    expect(await focused(page)).toBe('button: New habit');
    expect(found).toEqual([]);
  });

  it(`${size}: limited text fields count, announce the limit and keep pasted text`, async () => {
    const { page } = await device(size);
    await openApp(page, server.url);
    const found: string[] = [];

    /** `field`'s counter, its live announcement and its error, read from the page. */
    const read = async (field: Locator) => {
      const id = await field.getAttribute('aria-describedby');
      if (id === null) throw new Error('the field has no counter');
      const note = page.locator(`[id="${id}"]`);
      return {
        counter: (await note.locator('.limit-count').innerText()).trim(),
        note: (await note.innerText()).trim(),
        invalid: await field.getAttribute('aria-invalid'),
        announced: (
          await note.locator('xpath=following-sibling::*[@role="status"][1]').innerText()
        ).trim(),
      };
    };

    /** The whole walk on one field: under, at, over (pasted) and back under the limit. */
    const check = async (field: Locator, max: number, save: Locator) => {
      await field.fill('a'.repeat(max - 1));
      expect(await read(field)).toMatchObject({
        counter: `${(max - 1).toLocaleString('en')} / ${max.toLocaleString('en')}`,
        invalid: 'false',
        announced: '',
      });
      await field.press('End');
      await page.keyboard.type('b');
      expect(await read(field)).toMatchObject({
        invalid: 'false',
        announced: `Limit reached: ${max.toLocaleString('en')} characters.`,
      });
      // Pasted past the limit: every character stays, the error says by how much.
      const pasted = 'p'.repeat(max + 25);
      await field.fill('');
      await field.focus();
      await page.keyboard.insertText(pasted);
      expect(await field.inputValue()).toBe(pasted);
      const over = await read(field);
      expect(over.invalid).toBe('true');
      expect(over.note).toContain('25 characters too many: shorten it to save.');
      expect(over.announced).toBe(`Too long: at most ${max.toLocaleString('en')} characters.`);
      expect(await save.isDisabled()).toBe(true);
      await field.fill('Fine');
      expect((await read(field)).invalid).toBe('false');
      expect(await save.isDisabled()).toBe(false);
    };

    // Onboarding: the name (80).
    await check(page.getByLabel('Your name'), 80, page.getByRole('button', { name: 'Start' }));
    await page.getByLabel('Your name').fill('x'.repeat(100));
    found.push(...(await looked(page, `polish-limit-onboarding-${size}`)));
    await page.getByLabel('Your name').fill('Ada');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });

    // The habit form: name (120) and notes (2,000).
    await goTo(page, 'Habits');
    await page.getByRole('button', { name: 'New habit' }).click();
    const form = page.getByRole('form', { name: 'New habit' });
    const saveHabit = form.getByRole('button', { name: 'Save habit' });
    await check(form.getByLabel('Name', { exact: true }), 120, saveHabit);
    await check(form.getByLabel('Notes'), 2000, saveHabit);
    await form.getByLabel('Name', { exact: true }).fill('n'.repeat(130));
    found.push(...(await looked(page, `polish-limit-habit-${size}`)));
    await form.getByLabel('Name', { exact: true }).fill('Read');
    await saveHabit.click();
    await habitRow(page, 'Read').waitFor({ timeout: TIMEOUT });

    // A category's name (60).
    await page.getByRole('button', { name: 'New category' }).click();
    await check(
      page.getByLabel('Category name'),
      60,
      page.getByRole('button', { name: 'Save category' }),
    );
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Today: a one-off (200) and a check-in's note (2,000).
    await goTo(page, 'Today');
    await check(
      page.getByLabel('New one-off for today'),
      200,
      page.getByRole('button', { name: 'Add', exact: true }),
    );
    await page.getByRole('button', { name: 'Note: Read' }).click();
    await check(
      page.getByLabel('Note for Read'),
      2000,
      page.getByRole('button', { name: 'Save note' }),
    );
    await page.getByLabel('Note for Read').fill('w'.repeat(2010));
    found.push(...(await looked(page, `polish-limit-today-${size}`)));

    // Settings → Profile: the name (80).
    await goTo(page, 'Settings');
    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
    await check(
      profile.getByLabel('Name', { exact: true }),
      80,
      profile.getByRole('button', { name: 'Save profile' }),
    );
    expect(found).toEqual([]);
  });

  it(`${size}: timezone search finds the names people use, old and new`, async () => {
    const { page } = await device(size);
    await openApp(page, server.url);
    const search = page.getByLabel('Search timezones');
    const list = page.getByLabel(/^Choose a timezone/);
    const options = async () => (await list.locator('option').allInnerTexts()).map((t) => t.trim());
    const pairs: [query: string, zone: RegExp][] = [
      ['Kolkata', /^Asia\/(Calcutta \(Kolkata\)|Kolkata \(Calcutta\))$/],
      ['Calcutta', /^Asia\/(Calcutta \(Kolkata\)|Kolkata \(Calcutta\))$/],
      ['Kyiv', /^Europe\/(Kiev \(Kyiv\)|Kyiv \(Kiev\))$/],
      ['Kiev', /^Europe\/(Kiev \(Kyiv\)|Kyiv \(Kiev\))$/],
      ['Ho Chi Minh City', /^Asia\/(Saigon \(Ho Chi Minh\)|Ho Chi Minh \(Saigon\))$/],
      ['Saigon', /^Asia\/(Saigon \(Ho Chi Minh\)|Ho Chi Minh \(Saigon\))$/],
    ];
    for (const [query, zone] of pairs) {
      await search.fill(query);
      // The zone picked before (Europe/Paris) stays listed first; the hit follows.
      const shown = await options();
      expect(
        shown.filter((o) => zone.test(o)),
        `${query} in ${shown.join(', ')}`,
      ).toHaveLength(1);
    }
    // Picked with the keyboard, the zone is saved with the profile.
    await search.fill('Kyiv');
    await list.focus();
    await page.keyboard.press('ArrowDown');
    const picked = await list.inputValue();
    expect(picked).toMatch(/^Europe\/(Kiev|Kyiv)$/);
    const found = await looked(page, `polish-timezone-${size}`);
    await page.getByLabel('Your name').fill('Ada');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Settings');
    const profile = page.getByRole('form', { name: 'Profile' });
    expect(await profile.getByLabel(/^Choose a timezone/).inputValue()).toBe(picked);
    // Settings' picker searches the same way.
    await profile.getByLabel('Search timezones').fill('Calcutta');
    expect(
      (
        await profile
          .getByLabel(/^Choose a timezone/)
          .locator('option')
          .allInnerTexts()
      ).some((o) => /Kolkata|Calcutta/.test(o)),
    ).toBe(true);
    expect(found).toEqual([]);
  });

  it(`${size}: a message never covers the button just pressed`, async () => {
    // A name long enough to wrap the message onto two lines on a phone.
    const long = 'Stretch the hamstrings and calves after the evening run';
    const habits = ['Read', 'Walk', 'Stretch', 'Journal', 'Water', 'Piano', 'Sleep early', 'Tea'];
    const page = await started(size, [long, ...habits]);
    await goTo(page, 'Habits');
    const found: string[] = [];
    await pressAndCompare(
      page,
      page.getByRole('button', { name: `Archive ${long}` }),
      `Archived ${long}`,
      'top',
    );
    found.push(...(await looked(page, `polish-toast-long-${size}`)));
    // Buttons at the top and at the bottom of the window.
    await pressAndCompare(
      page,
      page.getByRole('button', { name: 'Archive Read' }),
      'Archived Read',
      'top',
    );
    await pressAndCompare(
      page,
      page.getByRole('button', { name: 'Archive Tea' }),
      'Archived Tea',
      'bottom',
    );
    await pressAndCompare(
      page,
      page.getByRole('button', { name: 'Archive Walk' }),
      'Archived Walk',
      'bottom',
    );
    found.push(...(await looked(page, `polish-toast-habits-${size}`)));
    // A message with an action (Undo) takes the focus and covers nothing either.
    await page.getByRole('button', { name: 'New category' }).click();
    await page.getByLabel('Category name').fill('Health');
    await pressAndCompare(
      page,
      page.getByRole('button', { name: 'Save category' }),
      'Saved category Health',
      'bottom',
    );
    await page.getByRole('button', { name: 'Delete category Health' }).click();
    await pressAndCompare(
      page,
      page
        .getByRole('group', { name: 'Delete category Health?' })
        .getByRole('button', { name: 'Delete' }),
      'Deleted category Health',
      'bottom',
    );
    expect(await focused(page)).toBe('button: Undo');
    found.push(...(await looked(page, `polish-toast-undo-${size}`)));

    // Today: saving a note, at the bottom of the window and at the top.
    await goTo(page, 'Today');
    for (const [habit, where] of [
      ['Sleep early', 'bottom'],
      ['Stretch', 'top'],
    ] as const) {
      await page.getByRole('button', { name: `Note: ${habit}` }).click();
      await page.getByLabel(`Note for ${habit}`).fill('with lemon');
      await pressAndCompare(
        page,
        page
          .locator('form')
          .filter({ has: page.getByLabel(`Note for ${habit}`) })
          .getByRole('button', { name: 'Save note' }),
        'Note saved',
        where,
      );
    }
    found.push(...(await looked(page, `polish-toast-today-${size}`)));

    // Settings: saving the profile.
    await goTo(page, 'Settings');
    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('Name', { exact: true }).fill('Ada L');
    await pressAndCompare(
      page,
      profile.getByRole('button', { name: 'Save profile' }),
      'Profile saved',
      'bottom',
    );
    expect(found).toEqual([]);
  });

  it(`${size}: the navigation sits where ${size} users look for it, and the keyboard reaches it`, async () => {
    const page = await started(size);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const view = VIEWPORTS[size];
    const navBox = await box(nav);
    const mainBox = await box(page.locator('main'));
    if (size === 'desktop') {
      // A sidebar on the left, from under the top bar to the bottom; the content to its right.
      const header = await box(page.getByRole('banner'));
      expect(header.x).toBe(0);
      expect(header.width).toBe(view.width);
      expect(navBox.x).toBe(0);
      expect(navBox.y).toBeCloseTo(header.y + header.height, 0);
      expect(navBox.y + navBox.height).toBe(view.height);
      expect(navBox.width).toBeLessThan(view.width / 4);
      expect(mainBox.x).toBeGreaterThanOrEqual(navBox.x + navBox.width);
      // The links are stacked at the top of the sidebar; the brand is above them.
      const links = await nav.getByRole('link').all();
      const boxes = await Promise.all(links.map(box));
      for (let i = 1; i < boxes.length; i++) {
        expect(boxes[i]!.x).toBe(boxes[0]!.x);
        expect(boxes[i]!.y).toBeGreaterThan(boxes[i - 1]!.y);
      }
      expect(boxes[0]!.y).toBeLessThan(view.height / 3);
      const brand = await box(page.getByRole('link', { name: 'Cairn' }));
      expect(brand.x + brand.width).toBeLessThanOrEqual(navBox.width);
      expect(brand.y + brand.height).toBeLessThanOrEqual(navBox.y);
    } else {
      // A tab bar across the bottom of the window.
      expect(navBox.x).toBe(0);
      expect(navBox.width).toBe(view.width);
      expect(navBox.y + navBox.height).toBe(view.height);
      expect(navBox.height).toBeLessThan(100);
    }
    // Keyboard only: after the skip link and the brand, Tab reaches the four tabs in order.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a: Skip to content');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a: Cairn');
    for (const name of ['Today', 'Habits', 'History', 'Settings']) {
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe(`a: ${name}`);
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const found = await looked(page, `polish-nav-${size}`);
    expect(found).toEqual([]);
  });

  it(`${size}: the sync pill says Connecting… while connecting, Offline once it failed`, async () => {
    const { page } = await device(size);
    // The relay's socket is held: opened, never answered (a slow or stalled relay).
    let hold = true;
    const held: { close(): Promise<void> }[] = [];
    await page.routeWebSocket(/\/v1\//, (ws) => {
      if (hold) held.push(ws);
      else ws.connectToServer();
    });
    await openApp(page, server.url);
    await onboard(page);
    const pill = page.getByRole('banner').getByRole('status');
    expect((await pill.innerText()).trim()).toBe('Local only');
    await goTo(page, 'Settings');
    await page.getByLabel('Sync with a relay').check();
    await page.getByRole('button', { name: 'Save sync settings' }).click();
    await pill.filter({ hasText: 'Connecting…' }).waitFor({ timeout: TIMEOUT });
    await expect.poll(() => held.length, { timeout: TIMEOUT }).toBeGreaterThan(0);
    // Still connecting a while later: it never reads Offline while the attempt is under way.
    await page.waitForTimeout(1500);
    expect((await pill.innerText()).trim()).toBe('Connecting…');
    const found = await looked(page, `polish-connecting-${size}`);
    // The attempt fails: now it is Offline; the next attempt goes through and syncs.
    hold = false;
    await held[0]!.close();
    await pill.filter({ hasText: /^Offline · \d+ queued$/ }).waitFor({ timeout: TIMEOUT });
    await pill.filter({ hasText: 'Synced' }).waitFor({ timeout: TIMEOUT });
    expect(found).toEqual([]);
  });
}

it('the pairing digits are one accessible name, read digit by digit (desktop adds a phone)', async () => {
  // A, at desktop size, with sync on, shows a pairing code.
  const a = (await device('desktop')).page;
  await openApp(a, server.url);
  await onboard(a);
  await goTo(a, 'Settings');
  await a.getByLabel('Sync with a relay').check();
  await a.getByRole('button', { name: 'Save sync settings' }).click();
  await a
    .getByRole('banner')
    .getByRole('status')
    .filter({ hasText: 'Synced' })
    .waitFor({ timeout: TIMEOUT });
  const add = a.getByRole('button', { name: 'Add a device' });
  await add.and(a.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  await add.click();
  const code = (await a.getByLabel('Pairing code').innerText()).trim();

  // B, a phone, joins with it.
  const b = (await device('phone')).page;
  await openApp(b, server.url);
  await b.getByRole('button', { name: 'I already use Cairn on another device' }).click();
  await b.getByLabel('Pairing code').fill(code);
  await b.getByRole('button', { name: 'Join', exact: true }).click();

  const digitsOf = async (page: Page) => {
    const image = page.getByRole('img', { name: /^Digits: \d \d \d \d \d \d$/ });
    await image.waitFor({ timeout: TIMEOUT });
    const shown = (await page.getByTestId('sas').innerText()).trim();
    return {
      name: await image.getAttribute('aria-label'),
      shown,
      tree: await image.ariaSnapshot(),
    };
  };
  const [onA, onB] = await Promise.all([digitsOf(a), digitsOf(b)]);
  // The six digits as seen (two groups) and as read (one name, digit by digit) agree.
  expect(onA.shown).toMatch(/^\d{3} \d{3}$/);
  expect(onA.name).toBe(`Digits: ${onA.shown.replace(' ', '').split('').join(' ')}`);
  expect(onB).toEqual(onA);
  // The accessibility tree has one image with that name, and nothing else inside it.
  expect(onA.tree.trim().replace(/^- '(.*)'$/, '- $1')).toBe(`- img "${onA.name}"`);
  const found = [
    ...(await looked(a, 'polish-digits-desktop')),
    ...(await looked(b, 'polish-digits-phone')),
  ];
  await b.getByRole('button', { name: 'They don’t match' }).click();
  expect(found).toEqual([]);
});
