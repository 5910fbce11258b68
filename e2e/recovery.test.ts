/**
 * Recovery through the real server (`node relay/dist/main.js`, serving the
 * built app, on its embedded storage) and two real Chromium devices:
 *
 * 1. Device A onboards, tracks a habit, turns sync on, then turns recovery on
 *    in Settings: it reads the 12 words off the screen, as a user would write
 *    them down, and answers the 3-word check.
 * 2. A fresh device B chooses "Restore from a recovery phrase". A mistyped
 *    word shows "A word is mistyped" without a single request; a valid phrase
 *    that is not A's shows "No backup for this phrase"; neither changes
 *    anything on B.
 * 3. Pasting A's phrase into one box fills all twelve; restoring registers B
 *    on A's account, reloads, and bootstraps: B shows A's habit and check-in.
 *    Then each device's new habit reaches the other.
 * 4. Turning recovery off on B waits (the relay's delay, 4 s here): A is told
 *    at once, in a banner, and cancels it; turned off again and left alone, it
 *    takes effect and both devices follow.
 * Along the way: the phrase is never in localStorage, sessionStorage or a URL.
 */
import { bip39Wordlist, checkPhrase, generatePhrase, ready } from '@cairn/shared';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
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

await ready();

const TIMEOUT = 60_000;
/** How long the relay holds a removal of the backup for a cancel (3 days in production). */
const DELAY_MS = 4000;

let server: RelayChild;
const devices: Device[] = [];

beforeAll(async () => {
  server = await startAppServer({ RELAY_RECOVERY_DELAY_MS: String(DELAY_MS) });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const d of devices) console.error(`page logs:\n${d.logs().join('\n')}`);
    console.error(`server output:\n${server.output()}`);
  }
  // Everything ran under the relay's Content-Security-Policy, with no violation.
  expectNoCspViolations(devices);
});

afterAll(async () => {
  for (const d of devices) await d.close();
  await server?.stop();
});

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');
const waitStatus = (page: Page, text: string | RegExp) =>
  statusOf(page).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });

/** Everything the page keeps in Web Storage, and its URL: places a phrase must never be. */
async function exposed(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (s: Storage): string =>
      Array.from({ length: s.length }, (_, i) => {
        const k = s.key(i) ?? '';
        return `${k}=${s.getItem(k) ?? ''}`;
      }).join('\n');
    return `${dump(localStorage)}\n${dump(sessionStorage)}\n${location.href}`;
  });
}

/** What B has stored so far: sync settings and recovery state (both absent on a fresh install). */
async function storedState(page: Page): Promise<{ sync: unknown; backup: unknown }> {
  return page.evaluate(async () => {
    const get = (db: string, store: string, key: string): Promise<unknown> =>
      new Promise((resolve) => {
        const open = indexedDB.open(db);
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = () => resolve(undefined);
        open.onsuccess = () => {
          const d = open.result;
          if (!d.objectStoreNames.contains(store)) {
            d.close();
            resolve(undefined);
            return;
          }
          const req = d.transaction(store).objectStore(store).get(key);
          req.onsuccess = () => {
            d.close();
            resolve(req.result);
          };
          req.onerror = () => {
            d.close();
            resolve(undefined);
          };
        };
      });
    return {
      sync: await get('cairn-sync', 'settings', 'settings'),
      backup: await get('cairn-recovery', 'state', 'backup'),
    };
  });
}

async function fillWords(page: Page, words: readonly string[]): Promise<void> {
  for (const [i, w] of words.entries())
    await page.getByLabel(`Word ${i + 1}`, { exact: true }).fill(w);
}

async function habitNames(page: Page): Promise<string[]> {
  await goTo(page, 'Habits');
  const labels = await page
    .getByRole('button', { name: /^Edit (?!category )/ })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Edit /, '')).sort();
}

it('a fresh device restores everything from the 12 words, and syncs both ways', async () => {
  // ── Device A: data, sync, recovery ──────────────────────────────────────
  const a = await launchDevice();
  devices.push(a);
  await openApp(a.page, server.url);
  await onboard(a.page, 'Ada');
  await addHabit(a.page, 'Read');
  await checkIn(a.page, 'Read');
  await goTo(a.page, 'Settings');
  await a.page.getByLabel('Sync with a relay').check();
  await a.page.getByRole('button', { name: 'Save sync settings' }).click();
  await waitStatus(a.page, 'Synced');
  // Sync is on and recovery is off: the gentle reminder shows.
  const reminder = a.page.getByRole('complementary', { name: 'Recovery reminder' });
  await reminder.waitFor({ timeout: TIMEOUT });

  const panel = a.page.getByTestId('recovery-settings');
  await panel.getByRole('button', { name: 'Set up a recovery phrase' }).click();
  const sheet = panel.getByTestId('recovery-phrase');
  await sheet.waitFor({ timeout: TIMEOUT });
  const words = await sheet.getByRole('listitem').allInnerTexts();
  expect(words).toHaveLength(12);
  expect(words.every((w) => /^[a-z]+$/.test(w))).toBe(true);
  await panel.getByRole('button', { name: 'Copy' }).waitFor();
  await panel.getByRole('button', { name: 'Print' }).waitFor();
  await panel.getByRole('button', { name: 'I have written them down' }).click();

  // The check: 3 words at random positions. A wrong answer does not turn it on.
  const quiz = panel.locator('input[id^="quiz-"]');
  expect(await quiz.count()).toBe(3);
  const ids = await quiz.evaluateAll((els) => els.map((e) => e.id));
  for (const id of ids) await panel.locator(`#${id}`).fill('wrong');
  await panel.getByRole('button', { name: 'Turn on recovery' }).click();
  await panel.getByRole('alert').filter({ hasText: 'not the right words' }).waitFor();
  for (const id of ids) {
    const position = Number(id.replace('quiz-', ''));
    await panel.locator(`#${id}`).fill(words[position] ?? '');
  }
  await panel.getByRole('button', { name: 'Turn on recovery' }).click();
  await panel.getByText('Recovery is on').waitFor({ timeout: TIMEOUT });
  // The phrase is gone from the screen, and the reminder with it.
  expect(await panel.getByTestId('recovery-phrase').count()).toBe(0);
  await reminder.waitFor({ state: 'detached', timeout: TIMEOUT });
  const phrase = words.join(' ');
  expect(await exposed(a.page)).not.toContain(words.slice(0, 3).join(' '));

  // ── Device B: a fresh install ───────────────────────────────────────────
  const b = await launchDevice();
  devices.push(b);
  const { page } = b;
  await openApp(page, server.url);
  const recoveryRequests: Request[] = [];
  page.on('request', (r) => {
    // Lookups only: once restored, the app also asks the status of its account's backup.
    if (r.url().includes('/v1/recovery') && !r.url().endsWith('/status')) recoveryRequests.push(r);
  });
  await page.getByRole('button', { name: 'Restore from a recovery phrase' }).click();
  await page.getByRole('heading', { name: 'Restore from a recovery phrase' }).waitFor();
  const restore = page.getByRole('button', { name: 'Restore', exact: true });
  const error = page.getByTestId('restore-error');

  // A typo: one word changed so the checksum fails. No request, nothing stored.
  const typo = [...words];
  typo[6] = bip39Wordlist.find((w) => {
    try {
      checkPhrase([...words.slice(0, 6), w, ...words.slice(7)].join(' '));
      return false;
    } catch {
      return true; // bad-checksum: the typo §3.6 catches before any key is derived
    }
  })!;
  await fillWords(page, typo);
  await restore.click();
  await error.filter({ hasText: 'A word is mistyped' }).waitFor({ timeout: TIMEOUT });
  expect(await error.getAttribute('data-kind')).toBe('mistyped');
  expect(recoveryRequests).toHaveLength(0);
  expect(await storedState(page)).toEqual({ sync: undefined, backup: undefined });

  // A valid phrase that is not A's: the relay has no backup for it.
  const other = generatePhrase().split(' ');
  await fillWords(page, other);
  await restore.click();
  await error.filter({ hasText: 'No backup for this phrase' }).waitFor({ timeout: TIMEOUT });
  expect(await error.getAttribute('data-kind')).toBe('no-backup');
  expect(recoveryRequests).toHaveLength(1);
  expect(await storedState(page)).toEqual({ sync: undefined, backup: undefined });
  await page.getByRole('heading', { name: 'Restore from a recovery phrase' }).waitFor();

  // The right phrase, pasted whole into the fifth box: all twelve fill.
  for (let i = 1; i <= 12; i++) await page.getByLabel(`Word ${i}`, { exact: true }).fill('');
  await page.getByLabel('Word 5', { exact: true }).focus();
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.activeElement?.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, phrase);
  for (const [i, w] of words.entries()) {
    expect(await page.getByLabel(`Word ${i + 1}`, { exact: true }).inputValue()).toBe(w);
  }
  // Slow the relay's frames down, so the bootstrap lasts long enough to watch.
  await page.routeWebSocket(/\/v1\/ws$/, (ws) => {
    const relay = ws.connectToServer();
    ws.onMessage((m) => relay.send(m));
    relay.onMessage((m) => setTimeout(() => ws.send(m), 250));
  });
  await restore.click();

  // Registered, reloaded, bootstrapping with a progress bar; then A's habit and check-in.
  const progress = page.getByTestId('restore-progress');
  await progress.waitFor({ timeout: TIMEOUT });
  await progress.getByRole('progressbar', { name: 'Restoring' }).waitFor();
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
  await waitPressed(doneButton(page, 'Read'), true);
  expect(await habitNames(page)).toEqual(['Read']);
  expect(await page.getByRole('alert', { name: 'Storage problems' }).count()).toBe(0);
  await waitStatus(page, 'Synced');
  expect(recoveryRequests.map((r) => r.method())).toEqual(['POST', 'POST']);
  for (const r of recoveryRequests) expect(r.url()).not.toContain(words[0]);
  const settings = await storedState(page);
  expect(settings.sync).toMatchObject({ enabled: true, registered: true });
  expect(settings.backup).toBeDefined();
  // B restored from the phrase, so recovery counts as on here too.
  await goTo(page, 'Settings');
  await page.getByTestId('recovery-settings').getByText('Recovery is on').waitFor();
  for (const p of [a.page, page]) {
    const seen = await exposed(p);
    for (let i = 0; i + 1 < words.length; i++) {
      expect(seen).not.toContain(`${words[i]} ${words[i + 1]}`);
    }
  }

  // Both ways.
  await addHabit(page, 'Walk');
  await goTo(a.page, 'Habits');
  await habitRow(a.page, 'Walk').waitFor({ timeout: TIMEOUT });
  await addHabit(a.page, 'Stretch');
  await goTo(page, 'Habits');
  await habitRow(page, 'Stretch').waitFor({ timeout: TIMEOUT });
  await waitStatus(page, 'Synced');
  await waitStatus(a.page, 'Synced');
  expect(await habitNames(page)).toEqual(['Read', 'Stretch', 'Walk']);
  expect(await habitNames(a.page)).toEqual(['Read', 'Stretch', 'Walk']);

  // Turning recovery off on B waits for a cancel; A is told at once and cancels it.
  await goTo(page, 'Settings');
  const panelB = page.getByTestId('recovery-settings');
  await panelB.getByRole('button', { name: 'Turn off…' }).click();
  await panelB.getByRole('button', { name: 'Turn off recovery' }).click();
  await panelB
    .getByTestId('recovery-change')
    .getByText('You asked to turn off recovery')
    .waitFor({ timeout: TIMEOUT });
  await goTo(a.page, 'Today');
  await goTo(a.page, 'Settings');
  const banner = a.page.getByRole('complementary', { name: 'Recovery change' });
  await banner.getByText('Another of your devices asked to turn off recovery').waitFor({
    timeout: TIMEOUT,
  });
  await banner.getByRole('button', { name: 'Cancel this change' }).click();
  await banner.waitFor({ state: 'detached', timeout: TIMEOUT });
  await new Promise((r) => setTimeout(r, DELAY_MS + 500));
  await goTo(page, 'Today');
  await goTo(page, 'Settings');
  await panelB.getByText('Recovery is on').waitFor({ timeout: TIMEOUT });
  // "Recovery is on" is also true while a change is pending, so wait for the
  // pending change itself to go (the status is asked again on each visit).
  await panelB.getByTestId('recovery-change').waitFor({ state: 'detached', timeout: TIMEOUT });

  // Turned off again and left alone, it takes effect; both devices follow the relay.
  await panelB.getByRole('button', { name: 'Turn off…' }).click();
  await panelB.getByRole('button', { name: 'Turn off recovery' }).click();
  await panelB.getByTestId('recovery-change').waitFor({ timeout: TIMEOUT });
  await new Promise((r) => setTimeout(r, DELAY_MS + 500));
  for (const p of [page, a.page]) {
    await goTo(p, 'Today');
    await goTo(p, 'Settings');
    await p
      .getByTestId('recovery-settings')
      .getByRole('button', { name: 'Set up a recovery phrase' })
      .waitFor({ timeout: TIMEOUT });
  }
});
