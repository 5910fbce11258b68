/**
 * Renders the PWA icons (client/public/icons/*.svg) to the PNG sizes the web manifest
 * lists, with Debian's Chromium. The PNGs are committed; run this after editing an SVG:
 *
 *   npx tsx scripts/make-icons.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../testkit/src/chromium.js';

const dir = fileURLToPath(new URL('../client/public/icons/', import.meta.url));
const outputs: { svg: string; png: string; size: number }[] = [
  { svg: 'icon.svg', png: 'icon-192.png', size: 192 },
  { svg: 'icon.svg', png: 'icon-512.png', size: 512 },
  { svg: 'icon.svg', png: 'apple-touch-icon.png', size: 180 },
  { svg: 'maskable.svg', png: 'maskable-192.png', size: 192 },
  { svg: 'maskable.svg', png: 'maskable-512.png', size: 512 },
];

const browser = await launchBrowser();
try {
  for (const { svg, png, size } of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const markup = readFileSync(dir + svg, 'utf8');
    await page.setContent(
      `<html><body style="margin:0;background:transparent">` +
        `<img style="display:block;width:${size}px;height:${size}px" ` +
        `src="data:image/svg+xml;base64,${Buffer.from(markup).toString('base64')}"></body></html>`,
    );
    await page.screenshot({ path: dir + png, omitBackground: true });
    await page.close();
    console.log(`${png} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
