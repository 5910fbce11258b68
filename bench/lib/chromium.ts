/**
 * Chromium benchmarks' set-up: the built app (client/dist, rebuilt when older
 * than its sources) and the benchmark page (bench/browser, built each run),
 * both served by the relay on one origin (`localhost`, a secure context), and
 * Debian's headless Chromium with a fresh profile, as the e2e suite launches
 * it but with service workers blocked (the app's worker answers every
 * navigation in its scope with the app shell, /bench/ included; so the app
 * loads over loopback HTTP, not from the worker's cache). Fixture files go to
 * /bench/fixtures/ on the same origin.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './machine.js';
import * as v from 'valibot';
import type { BenchApi, SeedArgs } from '../browser/page.js';
import type { RelayDatabase } from './databases.js';
import { repoRoot } from './paths.js';
import { startRelay, type RelayRun } from './relay.js';

const APP_DIST = join(repoRoot, 'client/dist');
const PAGE_DIST = join(repoRoot, 'bench/browser/dist');
const PAGE_TIMEOUT_MS = 600_000;
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const Times = v.array(v.number());

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function vite(args: string[]): void {
  const r = spawnSync('npx', ['vite', 'build', ...args], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`vite build ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

let built = false;

/** Builds the benchmark page, and the app if its build is missing or older than its sources; once per run. */
export function buildPages(log: (line: string) => void): void {
  if (built) return;
  const index = join(APP_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(join(repoRoot, 'client/src')),
    newestMtime(join(repoRoot, 'shared/src')),
  );
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    log('building the app (vite build)');
    vite([]);
  }
  log('building the benchmark page');
  vite(['--config', 'bench/browser/vite.config.ts']);
  built = true;
}

export interface BrowserBench {
  readonly origin: string;
  readonly relay: RelayRun;
  readonly page: Page;
  /** Serves `bytes` at a URL of the origin; returns the URL. */
  fixture(name: string, bytes: Uint8Array): string;
  /** The benchmark page's API (bench/browser/page.ts), its answers validated. */
  seed(args: SeedArgs): Promise<void>;
  bareLoad(args: Parameters<BenchApi['bareLoad']>[0]): Promise<number[]>;
  writeOpen(args: Parameters<BenchApi['writeOpen']>[0]): Promise<void>;
  writeEdits(
    edits: Parameters<BenchApi['writeEdits']>[0],
  ): Promise<{ store: number[]; bare: number[]; append: number[] }>;
  writeClose(): Promise<void>;
  bootstrap(args: Parameters<BenchApi['bootstrap']>[0]): Promise<number>;
  /** Runs `fn` under Chromium's CPU profiler (the page's main thread); writes the profile to `file`. */
  profiled<T>(file: string, fn: () => Promise<T>): Promise<T>;
  /** Navigates to the benchmark page (the app closes, releasing its files). */
  openBenchPage(): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserBench(database: RelayDatabase): Promise<BrowserBench> {
  mkdirSync(join(PAGE_DIST, 'fixtures'), { recursive: true });
  const relay = await startRelay(database, { staticDir: APP_DIST, benchPageDir: PAGE_DIST });
  const origin = `http://localhost:${relay.server.info.port}`;
  const profile = mkdtempSync(join(tmpdir(), 'cairn-bench-chromium-'));
  let context: BrowserContext;
  try {
    // Service workers blocked: the app's worker would answer /bench/ with the app shell.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 390, height: 844 },
      timezoneId: 'Europe/Paris',
      locale: 'en-GB',
      serviceWorkers: 'block',
    });
  } catch (e) {
    await relay.stop();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const openBenchPage = async (): Promise<void> => {
    await page.goto(`${origin}/bench/`);
    await page.waitForFunction(() => window.cairnBench !== undefined);
  };
  /** Runs `f` on the benchmark page; a failure carries the page's last log lines. */
  const call = async (f: () => Promise<unknown>, what: string): Promise<unknown> => {
    if (!page.url().startsWith(`${origin}/bench/`)) await openBenchPage();
    try {
      return await f();
    } catch (e) {
      const last = logs.slice(-20).join('\n');
      throw new Error(
        `${what} failed in the page: ${e instanceof Error ? e.message : String(e)}\n${last}`,
        { cause: e },
      );
    }
  };
  return {
    origin,
    relay,
    page,
    fixture(name, bytes) {
      writeFileSync(join(PAGE_DIST, 'fixtures', name), bytes);
      return `${origin}/bench/fixtures/${name}`;
    },
    async seed(args) {
      await call(() => page.evaluate((a) => window.cairnBench?.seed(a), args), 'seed');
    },
    async bareLoad(args) {
      return v.parse(
        Times,
        await call(() => page.evaluate((a) => window.cairnBench?.bareLoad(a), args), 'bareLoad'),
      );
    },
    async writeOpen(args) {
      await call(() => page.evaluate((a) => window.cairnBench?.writeOpen(a), args), 'writeOpen');
    },
    async writeEdits(edits) {
      return v.parse(
        v.object({ store: Times, bare: Times, append: Times }),
        await call(
          () => page.evaluate((e) => window.cairnBench?.writeEdits(e), edits),
          'writeEdits',
        ),
      );
    },
    async writeClose() {
      await call(() => page.evaluate(() => window.cairnBench?.writeClose()), 'writeClose');
    },
    async bootstrap(args) {
      return v.parse(
        v.number(),
        await call(() => page.evaluate((a) => window.cairnBench?.bootstrap(a), args), 'bootstrap'),
      );
    },
    openBenchPage,
    async profiled(file, fn) {
      const cdp = await page.context().newCDPSession(page);
      try {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
        await cdp.send('Profiler.start');
        const result = await fn();
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(file, JSON.stringify(profile));
        return result;
      } finally {
        await cdp.detach();
      }
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(join(PAGE_DIST, 'fixtures'), { recursive: true, force: true });
      await relay.stop();
    },
  };
}
