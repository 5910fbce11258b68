/**
 * The app opened over plain HTTP on an address that is not this computer's own
 * (as a phone reaches `HOST=0.0.0.0` at `http://<LAN address>:8080`): the page
 * is not a secure context, so the browser withholds OPFS, the service worker
 * and WebCrypto. Cairn says exactly that, with the fix, instead of failing to
 * open its storage. The name `cairn.test` is mapped to 127.0.0.1 inside
 * Chromium (`--host-resolver-rules`), so the page reaches the real server on
 * loopback while the browser judges the origin by its name, as it would a LAN
 * address. The same server on `localhost` opens the app as usual.
 *
 * Screenshots at phone and desktop size, light and dark, go to
 * test-results/screens/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

const TIMEOUT = 30_000;
const SCREENS = resolve(import.meta.dirname, '../test-results/screens');
const RESOLVE_RULES = '--host-resolver-rules=MAP cairn.test 127.0.0.1';

let server: RelayChild;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startAppServer();
  mkdirSync(SCREENS, { recursive: true });
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

const insecureUrl = (): string => `http://cairn.test:${server.port}/`;

for (const [size, viewport] of [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 800 }],
] as const) {
  it(`over plain HTTP off this computer, says a secure connection is needed and how (${size})`, async () => {
    const d = await launchDevice({ viewport, args: [RESOLVE_RULES] });
    devices.push(d);
    const { page } = d;
    await page.goto(insecureUrl());
    const heading = page.getByRole('heading', {
      name: 'Cairn needs a secure connection',
      level: 1,
    });
    await heading.waitFor({ timeout: TIMEOUT });

    // The browser's own verdict, and what it withholds.
    const context = await page.evaluate(() => ({
      secure: window.isSecureContext,
      serviceWorker: 'serviceWorker' in navigator,
      subtle: typeof crypto.subtle,
    }));
    expect(context).toEqual({ secure: false, serviceWorker: false, subtle: 'undefined' });

    // Says where it was opened, why it cannot start, and both ways out.
    const text = await page.getByRole('main').innerText();
    expect(text).toContain(`http://cairn.test:${server.port}`);
    expect(text).toContain('over plain HTTP');
    expect(text).toContain('Nothing was stored or changed');
    expect(text).toContain('RELAY_TLS_CERT');
    expect(text).toContain('Reaching Cairn from a phone');
    const local = page.getByRole('link', { name: `http://localhost:${server.port}/` });
    expect(await local.getAttribute('href')).toBe(`http://localhost:${server.port}/`);
    // Not the storage failure it used to be.
    expect(await page.getByText('could not open its storage').count()).toBe(0);
    expect(await page.getByText('close other', { exact: false }).count()).toBe(0);

    // Keyboard: the one control is reached with Tab and shows its focus.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      `http://localhost:${server.port}/`,
    );

    // Nothing overflows sideways at this size.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({
        path: join(SCREENS, `insecure-context-${size}-${scheme}.png`),
        fullPage: true,
      });
    }

    // The same server on this computer's own name is a secure context: the app opens.
    await local.click();
    await page
      .getByRole('heading', { name: 'Welcome to Cairn', level: 1 })
      .waitFor({ timeout: TIMEOUT });
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  });
}
