/**
 * A "device" for the e2e suite: Debian's Chromium, headless, with a fresh profile of its
 * own (so OPFS, IndexedDB and the service worker start empty), at phone size.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { launchProfile } from '../../testkit/src/chromium.js';

export interface Device {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Everything the page logged (console and uncaught errors), for failure messages. */
  logs(): string[];
  /**
   * Content-Security-Policy violations seen in any page of this device (the
   * `securitypolicyviolation` event, and the browser's console report of one).
   * The suite runs under the relay's CSP and expects none.
   */
  cspViolations(): string[];
  close(): Promise<void>;
}

export interface DeviceOptions {
  viewport?: { width: number; height: number };
  timezoneId?: string;
  /** More Chromium switches (a host-resolver rule, a certificate to trust). */
  args?: readonly string[];
}

export async function launchDevice(options: DeviceOptions = {}): Promise<Device> {
  const browser = await launchProfile(
    {
      viewport: options.viewport ?? { width: 390, height: 844 },
      deviceScaleFactor: 1,
      timezoneId: options.timezoneId ?? 'Europe/Paris',
      locale: 'en-GB',
      serviceWorkers: 'allow',
    },
    'cairn-device',
    options.args,
  );
  const { context } = browser;
  const violations: string[] = [];
  await context.exposeBinding('__cairnCspViolation', (_source, text: string) => {
    violations.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cairnCspViolation?: (t: string) => void })
        .__cairnCspViolation;
      report?.(
        `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  const watch = (p: Page): void => {
    p.on('console', (m) => {
      logs.push(`[${m.type()}] ${m.text()}`);
      if (/Content Security Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
    });
    p.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context,
    page,
    logs: () => logs,
    cspViolations: () => violations,
    close: () => browser.close(),
  };
}

/** Fails when any device saw a Content-Security-Policy violation. */
export function expectNoCspViolations(devices: readonly Device[]): void {
  const seen = devices.flatMap((d) => d.cspViolations());
  if (seen.length > 0) throw new Error(`CSP violations:\n${seen.join('\n')}`);
}
