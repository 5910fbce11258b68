/**
 * Looking at a screen the way the standards ask: axe (WCAG 2.1 A and AA rules)
 * finds nothing serious or critical, and a screenshot is kept for a person to
 * open and judge, at the size and colour scheme the page is in.
 *
 * Screenshots go to test-results/screens (not committed): <name>-<scheme>.png, the
 * whole page, and <name>-<scheme>-window.png, the window as the person sees it (a
 * whole-page capture draws fixed and sticky parts, such as the navigation and the
 * header, where they sit in the window, not where the page's ends are).
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

/**
 * A message (toast) fading out is a moment, not a state anyone reads, and axe would
 * measure its half-transparent text. While a screen is looked at, its messages hold
 * still: one already fading is waited out, the others are paused and resumed after.
 */
async function holdMessages(page: Page, hold: boolean): Promise<void> {
  await page.evaluate(async (hold) => {
    const toasts = document
      .getAnimations()
      .filter((a) => a instanceof CSSAnimation && a.animationName === 'toast');
    if (!hold) {
      for (const a of toasts) if (a.playState === 'paused') a.play();
      return;
    }
    const running = toasts.filter((a) => a.playState === 'running');
    const fading = running.filter(
      (a) => Number(a.currentTime ?? 0) >= 0.8 * Number(a.effect?.getComputedTiming().duration),
    );
    for (const a of running) if (!fading.includes(a)) a.pause();
    await Promise.all(fading.map((a) => a.finished.catch(() => undefined)));
  }, hold);
}

/**
 * Emulates the colour scheme, saves screenshots (the whole page and the window) and
 * returns axe's serious findings.
 */
export async function look(page: Page, name: string, scheme: Scheme = 'light'): Promise<string[]> {
  await page.emulateMedia({ colorScheme: scheme });
  await holdMessages(page, true);
  try {
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: join(SCREENS, `${name}-${scheme}-window.png`) });
    await page.screenshot({ path: join(SCREENS, `${name}-${scheme}.png`), fullPage: true });
    return await seriousViolations(page);
  } finally {
    await holdMessages(page, false);
  }
}
