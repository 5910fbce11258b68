/**
 * The one Chromium launcher: Debian's Chromium (never a download), headless, with
 * the flags every suite uses, and a fresh profile per device so OPFS, IndexedDB
 * and the service worker start empty. Used by vitest.config.ts (browser project),
 * the e2e devices, the Chromium benchmarks and scripts/make-icons.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The flags of every launch (RULES: no sandbox in the container, no GPU, no background traffic). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** What playwright's `launch*` take for Cairn's Chromium. */
export const chromiumLaunchOptions = (): { executablePath: string; args: string[] } => ({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_FLAGS],
});

/** A new empty profile folder; `remove()` deletes it. */
export function freshProfile(name = 'cairn-chromium'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type ContextOptions = Omit<
  NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>,
  'executablePath' | 'args' | 'headless'
>;

/** A headless Chromium with a fresh profile of its own: one device. `close()` removes the profile. */
export async function launchProfile(
  options: ContextOptions = {},
  name?: string,
  /** More switches for this launch (a host-resolver rule, a certificate to trust). */
  extraArgs: readonly string[] = [],
): Promise<{ context: BrowserContext; profile: string; close(): Promise<void> }> {
  const profile = freshProfile(name);
  let context: BrowserContext;
  try {
    const launch = chromiumLaunchOptions();
    context = await chromium.launchPersistentContext(profile.dir, {
      ...launch,
      args: [...launch.args, ...extraArgs],
      headless: true,
      ...options,
    });
  } catch (e) {
    profile.remove();
    throw e;
  }
  return {
    context,
    profile: profile.dir,
    async close() {
      await context.close();
      profile.remove();
    },
  };
}

/** A headless Chromium without a persistent profile (for rendering, not for devices). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ ...chromiumLaunchOptions(), headless: true });
}
