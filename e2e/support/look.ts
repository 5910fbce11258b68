/**
 * Looking at a screen the way the standards ask: axe (WCAG 2.1 A and AA rules)
 * finds nothing serious or critical, and a screenshot is kept for a person to
 * open and judge, at the size and colour scheme the page is in.
 *
 * Screenshots go to test-results/screens/<name>.png (not committed).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const SCREENS = resolve(import.meta.dirname, '../../test-results/screens');

export type Scheme = 'light' | 'dark';

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;

/** What axe found that is serious or critical, one line per rule and node. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}

/** Emulates the colour scheme, saves a full-page screenshot and returns axe's serious findings. */
export async function look(page: Page, name: string, scheme: Scheme = 'light'): Promise<string[]> {
  await page.emulateMedia({ colorScheme: scheme });
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `${name}-${scheme}.png`), fullPage: true });
  return seriousViolations(page);
}
