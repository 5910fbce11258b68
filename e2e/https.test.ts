/**
 * The suite's run over HTTPS: the built relay (`node relay/dist/main.js`)
 * serving TLS itself from a throwaway certificate (RELAY_TLS_CERT and
 * RELAY_TLS_KEY, test/support/certificate.ts), and two Chromium devices that
 * trust exactly that certificate's key (`--ignore-certificate-errors-spki-list`,
 * so there is no certificate error at all, as on a phone that trusts the CA).
 *
 * A onboards over https://, tracks a habit, turns sync on (the relay address
 * is the https origin, the socket wss://) and pairs B; a check-in on A reaches
 * B and a habit added on B reaches A. Along the way: each page is a secure
 * context, OPFS holds the sealed logs, and the service worker installs and
 * controls the page after a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { throwawayCertificate, type Certificate } from '../test/support/certificate.js';
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
import { expectNoCspViolations, launchDevice, type Device } from './support/device.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

const TIMEOUT = 60_000;

let certificate: Certificate;
let server: RelayChild;
const devices: Device[] = [];
const sockets = new Map<Device, string[]>();

beforeAll(async () => {
  certificate = throwawayCertificate();
  server = await startAppServer({}, { tls: certificate });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const d of devices) console.error(`page logs:\n${d.logs().join('\n')}`);
    console.error(`server output:\n${server.output()}`);
  }
  expectNoCspViolations(devices);
});

afterAll(async () => {
  for (const d of devices) await d.close();
  await server?.stop();
  certificate?.remove();
});

async function device(): Promise<Device> {
  const d = await launchDevice({
    args: [`--ignore-certificate-errors-spki-list=${certificate.spki}`],
  });
  devices.push(d);
  const seen: string[] = [];
  sockets.set(d, seen);
  d.page.on('websocket', (ws) => seen.push(ws.url()));
  return d;
}

const waitStatus = (page: Page, text: string | RegExp) =>
  page
    .getByRole('banner')
    .getByRole('status')
    .filter({ hasText: text })
    .waitFor({ timeout: TIMEOUT });

/** Secure context, WebCrypto, and the sealed logs in OPFS. */
async function platform(page: Page) {
  return page.evaluate(async () => {
    const files: string[] = [];
    async function walk(dir: FileSystemDirectoryHandle, prefix: string): Promise<void> {
      const iter = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
      for await (const h of iter) {
        if (h.kind === 'directory')
          await walk(h as FileSystemDirectoryHandle, `${prefix}${h.name}/`);
        else files.push(`${prefix}${h.name}`);
      }
    }
    await walk(await navigator.storage.getDirectory(), '');
    return {
      protocol: location.protocol,
      secure: window.isSecureContext,
      subtle: typeof crypto.subtle?.encrypt,
      opfsFiles: files.length,
    };
  });
}

/** The service worker is installed and, after a reload, controls the page. */
async function expectServiceWorker(page: Page): Promise<void> {
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(new URL(server.url).href);
  await page.reload();
  await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: TIMEOUT });
  const controller = await page.evaluate(
    () => navigator.serviceWorker.controller?.scriptURL ?? null,
  );
  expect(controller).toBe(new URL('/sw.js', server.url).href);
}

it('onboards, pairs, checks in and syncs between two devices over https and wss', async () => {
  expect(server.url).toMatch(/^https:\/\/localhost:\d+\/$/);
  const origin = new URL(server.url).origin;

  // A: onboarding, a habit, sync on.
  const a = await device();
  await openApp(a.page, server.url);
  await onboard(a.page, 'Ada');
  await addHabit(a.page, 'Read');
  expect(await platform(a.page)).toMatchObject({
    protocol: 'https:',
    secure: true,
    subtle: 'function',
  });
  expect((await platform(a.page)).opfsFiles).toBeGreaterThan(0);
  await expectServiceWorker(a.page);
  await goTo(a.page, 'Settings');
  await a.page.getByLabel('Sync with a relay').check();
  expect(await a.page.getByLabel('Relay address').inputValue()).toBe(origin);
  await a.page.getByRole('button', { name: 'Save sync settings' }).click();
  await waitStatus(a.page, 'Synced');

  // A shows a pairing code; B, a fresh install, joins with it and both confirm the digits.
  await goTo(a.page, 'Settings');
  const add = a.page.getByRole('button', { name: 'Add a device' });
  await add.and(a.page.locator(':enabled')).waitFor({ timeout: TIMEOUT });
  await add.click();
  const codeField = a.page.getByLabel('Pairing code');
  await codeField.waitFor({ timeout: TIMEOUT });
  const code = (await codeField.innerText()).trim();

  const b = await device();
  await openApp(b.page, server.url);
  await b.page.getByRole('button', { name: 'I already use Cairn on another device' }).click();
  await b.page.getByLabel('Pairing code').waitFor({ timeout: TIMEOUT });
  await b.page.getByLabel('Name of this device').fill('Phone');
  await b.page.getByLabel('Pairing code').fill(code);
  await b.page.getByRole('button', { name: 'Join', exact: true }).click();
  const sas = async (p: Page) => {
    const s = p.getByTestId('sas');
    await s.waitFor({ timeout: TIMEOUT });
    return (await s.innerText()).trim();
  };
  const [onA, onB] = await Promise.all([sas(a.page), sas(b.page)]);
  expect(onB).toBe(onA);
  await a.page.getByRole('button', { name: 'They match' }).click();
  await a.page.getByRole('heading', { name: 'Device added' }).waitFor({ timeout: TIMEOUT });
  await b.page.getByRole('button', { name: 'They match' }).click();
  await b.page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
  await waitStatus(b.page, 'Synced');

  // A check-in on A reaches B; a habit added on B reaches A.
  await checkIn(a.page, 'Read');
  await goTo(b.page, 'Today');
  await waitPressed(doneButton(b.page, 'Read'), true);
  await addHabit(b.page, 'Run');
  await goTo(a.page, 'Habits');
  await habitRow(a.page, 'Run').waitFor({ timeout: TIMEOUT });

  // B too: a secure context with its logs in OPFS and the service worker in charge.
  expect(await platform(b.page)).toMatchObject({
    protocol: 'https:',
    secure: true,
    subtle: 'function',
  });
  expect((await platform(b.page)).opfsFiles).toBeGreaterThan(0);
  await expectServiceWorker(b.page);

  // Every socket either device opened (pairing and sync) was wss:// to this relay.
  for (const d of [a, b]) {
    const urls = sockets.get(d) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls)
      expect(url.startsWith(`wss://localhost:${server.port}/`), url).toBe(true);
  }
});
