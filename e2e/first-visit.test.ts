/**
 * A first visit does not wait for the app to open: onboarding shows from the
 * page's first chunk while the app's code, Automerge's WASM and the crypto
 * core load behind it, and Start pressed sooner waits for them (saying so),
 * then lands on Today with what was typed. A returning device never shows
 * onboarding on its way to Today.
 *
 * The WASM is held back by the test (Playwright routing) until released, so
 * "before the app has opened" is a state the test controls, not a race.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { goTo, onboard, openApp } from './support/app.js';
import { launchDevice, type Device } from './support/device.js';
import { look, VIEWPORTS } from './support/look.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

const TIMEOUT = 30_000;
const DOCUMENTS_LOADED = 'cairn:documents-loaded';

let server: RelayChild;
let device: Device | undefined;

beforeAll(async () => {
  server = await startAppServer();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && device !== undefined) {
    console.error(`page logs:\n${device.logs().join('\n')}\nserver output:\n${server.output()}`);
  }
  const seen = device?.cspViolations() ?? [];
  await device?.close();
  device = undefined;
  expect(seen).toEqual([]);
});

/** Holds back Automerge's WASM until `release()`; `asked` is set once the page asked for it. */
async function holdWasm(page: Page): Promise<{ asked: () => boolean; release: () => void }> {
  let release = (): void => undefined;
  const released = new Promise<void>((r) => (release = r));
  let asked = false;
  await page.route(/\/assets\/automerge-[^/]+\.wasm$/, async (route) => {
    asked = true;
    await released;
    await route.continue();
  });
  return { asked: () => asked, release };
}

/** From the page's first node on, every load: were onboarding or "Opening Cairn…" ever shown? */
async function recordScreens(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { screensSeen?: { onboarding: boolean; opening: boolean } };
    const seen = { onboarding: false, opening: false };
    w.screensSeen = seen;
    new MutationObserver(() => {
      if (document.getElementById('onboarding-name') !== null) seen.onboarding = true;
      if (document.querySelector('main.boot[aria-busy="true"]') !== null) seen.opening = true;
    }).observe(document, { childList: true, subtree: true });
  });
}

const screensSeen = (page: Page): Promise<unknown> =>
  page.evaluate(() => (window as unknown as { screensSeen?: unknown }).screensSeen);

const appOpened = (page: Page): Promise<boolean> =>
  page.evaluate((mark) => performance.getEntriesByName(mark, 'mark').length > 0, DOCUMENTS_LOADED);

describe('a first visit', () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    it(`shows onboarding before the app has loaded; Start waits for it (${size})`, async () => {
      device = await launchDevice({ viewport });
      const { page } = device;
      const wasm = await holdWasm(page);
      await page.goto(server.url);

      const name = page.getByLabel('Your name');
      await name.waitFor({ timeout: TIMEOUT });
      expect(await name.isEnabled()).toBe(true);
      // The app is loading behind the form, and has not opened.
      await expect.poll(wasm.asked, { timeout: TIMEOUT }).toBe(true);
      expect(await appOpened(page)).toBe(false);

      await name.fill('Grace');
      await page.getByRole('button', { name: 'Start' }).click();
      const note = page.getByText('Getting Cairn ready on this device…');
      await note.waitFor({ timeout: TIMEOUT });
      for (const scheme of ['light', 'dark'] as const) {
        expect(await look(page, `first-visit-waiting-${size}`, scheme)).toEqual([]);
      }
      expect(await page.getByRole('heading', { name: 'Today', level: 1 }).count()).toBe(0);

      wasm.release();
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
      await goTo(page, 'Settings');
      expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Grace');
    });
  }

  it('a returning device opens to Today without showing onboarding on the way', async () => {
    device = await launchDevice();
    const { page } = device;
    await openApp(page, server.url);
    await onboard(page, 'Ada');
    await recordScreens(page);
    for (let k = 0; k < 3; k++) {
      await page.reload();
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
      expect(await screensSeen(page)).toEqual({ onboarding: false, opening: true });
    }
  });

  it('after a wipe, is a first visit again', async () => {
    device = await launchDevice();
    const { page } = device;
    await openApp(page, server.url);
    await onboard(page, 'Ada');
    await goTo(page, 'Settings');
    await recordScreens(page);
    await page.getByRole('button', { name: 'Wipe local data…' }).click();
    await page.getByLabel('Type delete everything to confirm').fill('delete everything');
    await page.getByRole('button', { name: 'Wipe local data', exact: true }).click();
    // The page restarts on its own: straight to onboarding, with no wait for the app.
    await page.waitForURL((url) => url.hash === '', { timeout: TIMEOUT });
    await page.getByLabel('Your name').waitFor({ timeout: TIMEOUT });
    expect(await screensSeen(page)).toEqual({ onboarding: true, opening: false });
  });
});
