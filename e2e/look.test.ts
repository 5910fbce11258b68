/**
 * Every main screen, looked at: onboarding, Today, Habits (with the habit form
 * open), History and Settings, at phone and desktop size, in light and dark.
 * axe finds nothing serious or critical on any of them; the screenshots are kept
 * in test-results/screens for a person to open.
 */
import { afterEach, expect, it } from 'vitest';
import { afterAll, beforeAll } from 'vitest';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';
import { addHabit, goTo, onboard, openApp } from './support/app.js';
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { look, VIEWPORTS, type Scheme } from './support/look.js';

let server: RelayChild;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startAppServer();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const d of devices) console.error(`page logs:\n${d.logs().join('\n')}`);
  }
  expectNoCspViolations(devices);
  for (const d of devices.splice(0)) await d.close();
});

afterAll(async () => {
  await server?.stop();
});

for (const size of ['phone', 'desktop'] as const) {
  it(`every main screen at ${size} size, light and dark: axe finds nothing serious`, async () => {
    const d = await launchDevice({ viewport: VIEWPORTS[size] });
    devices.push(d);
    const { page } = d;
    const found: string[] = [];
    const both = async (name: string): Promise<void> => {
      for (const scheme of ['light', 'dark'] as Scheme[]) {
        const seen = await look(page, `${name}-${size}`, scheme);
        found.push(...seen.map((s) => `${name} ${scheme}: ${s}`));
      }
      await page.emulateMedia({ colorScheme: 'light' });
    };
    await openApp(page, server.url);
    await both('onboarding');
    await onboard(page);
    await addHabit(page, 'Read');
    await goTo(page, 'Today');
    await both('today');
    await goTo(page, 'Habits');
    await page.getByRole('button', { name: 'New habit' }).click();
    await page.getByRole('form', { name: 'New habit' }).waitFor();
    await both('habit-form');
    await goTo(page, 'History');
    await both('history');
    await goTo(page, 'Settings');
    await both('settings');
    expect(found).toEqual([]);
  });
}
