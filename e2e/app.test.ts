/**
 * The app on one device, in Debian's Chromium, against the built app served by the real
 * server: data survives reloads, the app works offline from its service worker, nothing
 * typed reaches OPFS in the clear, and damaged logs are recovered or reported.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addCategory,
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
import {
  appendToOpfsFile,
  containsBytes,
  flipOpfsByte,
  readOpfs,
  withAppClosed,
  type OpfsFile,
} from './support/opfs.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

// One server for the file (it starts an embedded database, which takes seconds); each
// test gets a fresh device. The offline test stops a server of its own.
let server: RelayChild;
let device: Device;

beforeAll(async () => {
  server = await startAppServer();
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  device = await launchDevice();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    console.error(`page logs:\n${device.logs().join('\n')}\nserver output:\n${server.output()}`);
  }
  const seen = device?.cspViolations() ?? [];
  await device?.close();
  // Everything ran under the relay's Content-Security-Policy, with no violation.
  expect(seen).toEqual([]);
});

/** The frames of a log (DESIGN §3.4): offset and length of each record. */
function frames(bytes: Uint8Array): { at: number; length: number }[] {
  const out: { at: number; length: number }[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 4 <= bytes.length) {
    const length = view.getUint32(at, true);
    if (at + 4 + length > bytes.length) break;
    out.push({ at: at + 4, length });
    at += 4 + length;
  }
  return out;
}

/** The log file of a document: the OPFS file whose name mentions it. */
function logOf(files: OpfsFile[], doc: string): OpfsFile {
  const file = files.find((f) =>
    f.path.split('/').pop()?.toLowerCase().includes(doc.toLowerCase()),
  );
  if (file === undefined) {
    throw new Error(`no OPFS log for ${doc}: ${files.map((f) => f.path).join(', ')}`);
  }
  return file;
}

describe('the app on one device', () => {
  it('keeps a category, a habit and a check-in across a reload', async () => {
    const { page } = device;
    await openApp(page, server.url);
    await onboard(page, 'Ada');
    await addCategory(page, 'Health');
    await addHabit(page, 'Drink water', 'Health');
    await checkIn(page, 'Drink water');

    await page.reload();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await waitPressed(doneButton(page, 'Drink water'), true);
    await goTo(page, 'Habits');
    await habitRow(page, 'Drink water').waitFor();
    await page.getByRole('button', { name: 'Edit category Health' }).waitFor();
    await goTo(page, 'Settings');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Ada');
  });

  it('opens and works with the network off after one visit', async () => {
    const { page, context } = device;
    const own = await startAppServer();
    try {
      await openApp(page, own.url);
      await onboard(page);
      await addHabit(page, 'Stretch');
      // The service worker has precached the shell once it controls the page.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        if (navigator.serviceWorker.controller === null) {
          await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r));
        }
      });
    } finally {
      // Network off: the server is gone and the browser is offline.
      await own.stop();
    }
    await context.setOffline(true);
    await page.reload();
    await habitRow(page, 'Stretch').waitFor();
    await checkIn(page, 'Stretch');
    await page.reload();
    await waitPressed(doneButton(page, 'Stretch'), true);
  });

  it('is installable: manifest, icons and a service worker that controls the page', async () => {
    const { page, context } = device;
    await openApp(page, server.url);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.data).toContain('"maskable"');
  });

  it('never writes a habit name to OPFS in the clear', async () => {
    const { page } = device;
    const canary = `canary-${Date.now().toString(36)}-zq7x`;
    await openApp(page, server.url);
    await onboard(page);
    await addHabit(page, canary);
    await checkIn(page, canary);

    const files = await withAppClosed(page, server.url, () => readOpfs(page));
    // The habit was written: its document's log holds records.
    expect(frames(logOf(files, 'templates').bytes).length).toBeGreaterThanOrEqual(2);
    const needles = [
      new TextEncoder().encode(canary),
      new Uint8Array(Buffer.from(canary, 'utf16le')),
    ];
    for (const file of files) {
      for (const needle of needles)
        expect(containsBytes(file.bytes, needle), file.path).toBe(false);
    }
  });

  it('recovers a torn tail with every earlier record intact', async () => {
    const { page } = device;
    await openApp(page, server.url);
    await onboard(page);
    await addHabit(page, 'Read');
    await addHabit(page, 'Walk');
    await checkIn(page, 'Read');

    const before = await withAppClosed(page, server.url, async () => {
      const files = await readOpfs(page);
      const log = logOf(files, 'templates');
      // A frame that announces 300 bytes but was cut after 7: a crash mid-append.
      const torn = new Uint8Array([44, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
      await appendToOpfsFile(page, log.path, torn);
      return log;
    });

    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await waitPressed(doneButton(page, 'Read'), true);
    await doneButton(page, 'Walk').waitFor();
    await goTo(page, 'Habits');
    await habitRow(page, 'Read').waitFor();
    await habitRow(page, 'Walk').waitFor();

    // The tail was cut back; the log's records are the ones it had.
    const after = await withAppClosed(page, server.url, () => readOpfs(page));
    const log = logOf(after, 'templates');
    expect(log.bytes.length).toBeGreaterThanOrEqual(before.bytes.length);
    expect(Buffer.from(log.bytes.subarray(0, before.bytes.length))).toEqual(
      Buffer.from(before.bytes),
    );
    expect(frames(log.bytes).reduce((n, f) => n + 4 + f.length, 0)).toBe(log.bytes.length);
  });

  it('reports and skips a corrupted record, keeping the rest', async () => {
    const { page } = device;
    await openApp(page, server.url);
    await onboard(page);
    await addHabit(page, 'Meditate');
    await addHabit(page, 'Journal');

    await withAppClosed(page, server.url, async () => {
      const log = logOf(await readOpfs(page), 'templates');
      const records = frames(log.bytes);
      expect(records.length).toBeGreaterThanOrEqual(2);
      // The last record holds "Journal": flip a byte in the middle of its ciphertext.
      const last = records[records.length - 1];
      if (last === undefined) throw new Error('no records');
      await flipOpfsByte(page, log.path, last.at + Math.floor(last.length / 2));
    });

    const banner = page.getByRole('alert').filter({ hasText: /could not be read/ });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/1 record could not be read and was skipped/);
    await goTo(page, 'Habits');
    await habitRow(page, 'Meditate').waitFor();
    expect(await habitRow(page, 'Journal').count()).toBe(0);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await banner.count()).toBe(0);
  });
});
