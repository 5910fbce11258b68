/**
 * Muted text (`--muted`) stays readable, 4.5:1 (WCAG AA for body text), on every
 * surface that holds text: the page (and the header and the sidebar's hovered
 * link, drawn on it), cards, and the tinted panels (primary-soft: the schedule
 * sentence, the import preview; warning-soft: banners, conflict notes;
 * danger-soft: the delete confirmation). The colours are read from styles.css
 * itself, so a palette change is checked too; axe checks the rendered screens
 * (e2e/look.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../../src/ui/styles.css', import.meta.url), 'utf8');

function variable(name: string): string {
  const m = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(css);
  if (m?.[1] === undefined) throw new Error(`no --${name} in styles.css`);
  return m[1];
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('muted text contrast', () => {
  const muted = variable('muted');
  const surfaces: Record<string, string> = {
    page: variable('bg'),
    card: variable('surface'),
    'primary-soft (schedule sentence, import preview)': variable('primary-soft'),
    'warning-soft (banners, conflict notes)': variable('warning-soft'),
    'danger-soft (delete confirmation)': variable('danger-soft'),
  };
  for (const [name, colour] of Object.entries(surfaces)) {
    it(`is at least 4.5:1 on ${name}`, () => {
      expect(contrast(muted, colour)).toBeGreaterThanOrEqual(4.5);
    });
  }

  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
