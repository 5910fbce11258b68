/**
 * Issue 15, item 1: many tabs of one profile at once, in Chromium, through the
 * real server on a real Postgres. One browser context is one device (one
 * profile: one OPFS, one IndexedDB); its pages are the tabs. The first tab
 * leads (it holds the Web Lock, the OPFS logs and the relay connection); the
 * others read and write through it over a BroadcastChannel.
 *
 * Three tabs add one-offs at once; the leader is closed in the middle of the
 * burst. Every one-off the tabs saw saved is then present exactly once in
 * every remaining tab, in a tab opened afterwards (read back from the logs),
 * and on a second device (a harness device in the same account) synced
 * through the relay.
 */
import { ready } from '@cairn/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openPostgresStore } from '../relay/src/store/postgres.js';
import type { RelayStore } from '../relay/src/store/types.js';
import type { HarnessDevice } from '../test/support/harness-device.js';
import { startPostgres, type PostgresCluster } from '../test/support/postgres.js';
import { goTo, onboard, openApp } from './support/app.js';
import { launchDevice, type Device } from './support/device.js';
import { joinHarness } from './support/harness.js';
import { startAppServer, type RelayChild } from '../testkit/src/relay.js';

await ready();

const TIMEOUT = 60_000;
/** One-offs each tab adds; the leader adds its share before it is closed. */
const PER_TAB = 12;
const CLOSE_LEADER_AFTER = 5;

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
  expect(seen).toEqual([]);
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
  pg?.destroy();
});

const statusOf = (page: Page) => page.getByRole('banner').getByRole('status');
const waitStatus = (page: Page, text: string | RegExp) =>
  statusOf(page).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });

const oneOffs = (page: Page) => page.getByRole('region', { name: 'One-offs' });

/** The one-offs a tab shows today, by title, as many times as each is shown. */
async function shown(page: Page): Promise<string[]> {
  const labels = await oneOffs(page)
    .getByRole('button', { name: /^Remove / })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Remove /, '')).sort();
}

/**
 * Adds a one-off the way a person does (type, press Enter) and waits until the
 * tab reports it saved: the field clears only once the write is durable.
 * Returns how long that took, measured in the page, in ms.
 */
async function addOneOff(page: Page, title: string): Promise<number> {
  const field = page.getByLabel('New one-off for today');
  await field.fill(title);
  const took = await field.evaluate(
    (el) =>
      new Promise<number>((resolve) => {
        const input = el as HTMLInputElement;
        const start = performance.now();
        const check = (): void => {
          if (input.value === '') resolve(performance.now() - start);
          else setTimeout(check, 1);
        };
        input.form?.requestSubmit();
        check();
      }),
  );
  await expect.poll(() => field.inputValue(), { timeout: TIMEOUT }).toBe('');
  return took;
}

async function openTab(page: Page): Promise<void> {
  await openApp(page, server.url);
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

it('three tabs write at once, the leader closes mid-burst: every write once, in every tab and on a second device', async () => {
  device = await launchDevice();
  const { context } = device;
  const first = device.page;
  await openApp(first, server.url);
  await onboard(first, 'Ada');
  await goTo(first, 'Settings');
  await first.getByLabel('Sync with a relay').check();
  await first.getByRole('button', { name: 'Save sync settings' }).click();
  await waitStatus(first, 'Synced');
  const h = await joinHarness(first, store, new URL(server.url).origin, 'Phone');
  harness = h;
  await goTo(first, 'Today');
  // Alone, as before there were many tabs: the reference for how long a save takes.
  const alone: number[] = [];
  for (let i = 0; i < 5; i += 1) alone.push(await addOneOff(first, `alone-${i}`));

  // Two more tabs of the same profile: they open (no "could not open its storage") and
  // show what the first wrote, and the sync status it has.
  const second = await context.newPage();
  const third = await context.newPage();
  await openTab(second);
  await openTab(third);
  for (const page of [second, third]) {
    const failed = page.getByRole('heading', { name: 'Cairn could not open its storage' });
    expect(await failed.count()).toBe(0);
    await waitStatus(page, 'Synced');
  }

  const tabs = { t1: first, t2: second, t3: third };
  const saved: string[] = Array.from({ length: 5 }, (_, i) => `alone-${i}`);
  const latency: Record<string, number[]> = { t1: [], t2: [], t3: [] };
  let closedAt = 0;
  let firstAfterClose: number | undefined;

  const burst = async (name: keyof typeof tabs, count: number): Promise<void> => {
    const page = tabs[name];
    for (let i = 0; i < count; i += 1) {
      const title = `${name}-${String(i).padStart(2, '0')}`;
      const took = await addOneOff(page, title);
      latency[name]?.push(took);
      saved.push(title);
      if (closedAt > 0 && firstAfterClose === undefined) firstAfterClose = Date.now() - closedAt;
    }
  };
  // The first tab leads (it took the lock when it opened). It writes its share and
  // is closed right after, while the other two are in the middle of theirs.
  const leader = (async () => {
    await burst('t1', CLOSE_LEADER_AFTER);
    closedAt = Date.now();
    await first.close({ runBeforeUnload: false });
  })();
  await Promise.all([leader, burst('t2', PER_TAB), burst('t3', PER_TAB)]);

  const expected = [...saved].sort();
  expect(expected).toHaveLength(5 + CLOSE_LEADER_AFTER + 2 * PER_TAB);
  // Every write, once, in each remaining tab…
  for (const page of [second, third]) {
    await expect.poll(() => shown(page), { timeout: TIMEOUT }).toEqual(expected);
  }
  // …in a tab opened now, which reads them from the new leader (loaded from the logs)…
  const fourth = await context.newPage();
  await openTab(fourth);
  await expect.poll(() => shown(fourth), { timeout: TIMEOUT }).toEqual(expected);
  // …and on the second device, through the relay: the new leader runs sync.
  await waitStatus(second, 'Synced');
  await h.waitFor(
    'every one-off on the second device',
    () => h.app.oneOffsOn(h.app.today()).length >= expected.length,
    TIMEOUT,
  );
  const onHarness = h.app
    .oneOffsOn(h.app.today())
    .map((o) => o.title)
    .sort();
  expect(onHarness).toEqual(expected);

  // A write on the second device reaches every tab.
  expect((await h.app.addOneOff('from-phone', h.app.today())).ok).toBe(true);
  for (const page of [second, third, fourth]) {
    await oneOffs(page).getByText('from-phone', { exact: true }).waitFor({ timeout: TIMEOUT });
  }
  expect(h.problems).toEqual([]);

  console.log(
    `tabs: ${expected.length} writes from 3 tabs; median ms from Enter to saved — ` +
      `one tab alone ${median(alone).toFixed(1)}, ` +
      `leader among three ${median(latency['t1'] ?? []).toFixed(1)}, ` +
      `followers ${median([...(latency['t2'] ?? []), ...(latency['t3'] ?? [])]).toFixed(1)}; ` +
      `first write saved ${firstAfterClose ?? NaN} ms after the leader closed`,
  );
});
