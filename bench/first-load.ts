/**
 * First load in Chromium on a throttled link (issue 15, item 3): a fresh
 * profile opens the app, served by the relay from the production build, until
 * onboarding is usable (the name field is on screen and enabled). On a first
 * visit that is before the app has opened: onboarding shows from the page's
 * first chunk while the app's code, Automerge's WASM and the crypto core load
 * behind it (client/src/ui/Boot.tsx), and Start waits for them if pressed
 * sooner; so the load goes on until the app is open too (the documents-loaded
 * mark), reported beside it. Measured twice per sample, in turn:
 *
 *   compressed     the browser's own Accept-Encoding (the relay answers with
 *                  the build's brotli copies)
 *   uncompressed   the same page, same server, the browser asking for
 *                  `Accept-Encoding: identity` (CDP Network.setExtraHTTPHeaders)
 *
 * The link is Chromium's network throttling (CDP Network.emulateNetworkConditions)
 * at "Fast 3G" as Lighthouse states it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms
 * round trip — request-level throttling (Chromium delays each response), not
 * DevTools' packet-level preset of 562.5 ms. Bytes are what CDP reports as
 * received from the network (`Network.loadingFinished` encodedDataLength:
 * headers and body as sent) for every request finished by then.
 *
 * Then a second load in the same profile, once the first has opened the app
 * (a returning device: the page waits for the app before showing anything):
 * with the hashed assets immutable, only index.html (and other unhashed files)
 * go to the network, to be revalidated. Service workers are blocked, so every byte is the HTTP
 * cache's doing (the app registers its worker only after opening anyway).
 */
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { buildPages } from './lib/chromium.js';
import { launchProfile } from '../testkit/src/chromium.js';
import { freshDatabase } from './lib/databases.js';
import { DOCUMENTS_LOADED_MARK } from '../client/src/app/marks.js';
import { repoRoot } from './lib/paths.js';
import { startRelay } from './lib/relay.js';
import { figure, fmt, ratio, type Row } from './lib/report.js';
import { ratios, summarize } from './lib/stats.js';

/** Fast 3G as Lighthouse gives it (request-level throttling): bytes per second and ms. */
const FAST_3G = {
  offline: false,
  downloadThroughput: (1.6 * 1_000_000) / 8,
  uploadThroughput: (750 * 1_000) / 8,
  latency: 150,
};
const BUDGET_BYTES = 1_200_000;
const BUDGET_SECONDS = 4;
const LOAD_TIMEOUT_MS = 300_000;

interface Load {
  /** Seconds from navigation start to onboarding usable. */
  seconds: number;
  /** Bytes received from the network by then. */
  bytes: number;
  /** Requests finished by then, and how many came back compressed (br or gzip). */
  requests: number;
  compressed: number;
  /** Seconds from navigation start to the app open behind onboarding (Start acts at once). */
  openSeconds: number;
  /** Bytes received from the network by then. */
  openBytes: number;
}

interface Sample {
  compressed: Load;
  uncompressed: Load;
  /** Bytes of a second load in the compressed profile (HTTP cache warm). */
  second: number;
}

/** Counts what the page receives, from the moment it is created. */
function meter(cdp: CDPSession) {
  const encodings = new Map<string, string>();
  let bytes = 0;
  let requests = 0;
  let compressed = 0;
  cdp.on('Network.responseReceived', (e) => {
    const h = e.response.headers;
    encodings.set(e.requestId, String(h['content-encoding'] ?? h['Content-Encoding'] ?? ''));
  });
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
    if (/br|gzip/.test(encodings.get(e.requestId) ?? '')) compressed += 1;
  });
  return {
    reset() {
      bytes = 0;
      requests = 0;
      compressed = 0;
    },
    read: () => ({ bytes, requests, compressed }),
  };
}

/** Navigates and waits until the onboarding name field is enabled; seconds from navigation start. */
async function untilOnboarding(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit', timeout: LOAD_TIMEOUT_MS });
  const at = await page.waitForFunction(
    () => {
      const input = document.getElementById('onboarding-name');
      return input instanceof HTMLInputElement && !input.disabled ? performance.now() : false;
    },
    undefined,
    { timeout: LOAD_TIMEOUT_MS, polling: 10 },
  );
  return ((await at.jsonValue()) as number) / 1000;
}

/** Waits until the app has opened (its documents loaded); seconds from navigation start. */
async function untilOpen(page: Page): Promise<number> {
  const at = await page.waitForFunction(
    (mark) => performance.getEntriesByName(mark, 'mark')[0]?.startTime ?? false,
    DOCUMENTS_LOADED_MARK,
    { timeout: LOAD_TIMEOUT_MS, polling: 10 },
  );
  return ((await at.jsonValue()) as number) / 1000;
}

async function load(url: string, identity: boolean, throttled: boolean): Promise<[Load, number]> {
  const browser = await launchProfile(
    {
      viewport: { width: 390, height: 844 },
      locale: 'en-GB',
      timezoneId: 'Europe/Paris',
      serviceWorkers: 'block',
    },
    'cairn-bench-first-load',
  );
  const { context } = browser;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    if (throttled) await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    if (identity)
      await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
    const m = meter(cdp);
    const seconds = await untilOnboarding(page, url);
    const usable = m.read();
    const openSeconds = await untilOpen(page);
    const first = { seconds, ...usable, openSeconds, openBytes: m.read().bytes };
    // The same profile again: the HTTP cache holds the immutable assets.
    m.reset();
    await untilOnboarding(page, url);
    return [first, m.read().bytes];
  } finally {
    await browser.close();
  }
}

export const firstLoad: Benchmark = {
  id: 'first-load',
  title: 'First load on Fast 3G',
  async run(ctx: BenchContext) {
    const s = pick(ctx, {
      full: { samples: 3, throttled: true },
      smoke: { samples: 1, throttled: false },
    });
    buildPages(ctx.log);
    const relay = await startRelay(await freshDatabase('pglite'), {
      staticDir: join(repoRoot, 'client/dist'),
    });
    const url = `http://localhost:${relay.server.info.port}/`;
    const samples: Sample[] = [];
    try {
      for (let k = 0; k < s.samples; k++) {
        const [compressed, second] = await load(url, false, s.throttled);
        const [uncompressed] = await load(url, true, s.throttled);
        if (compressed.compressed === 0 || uncompressed.compressed !== 0) {
          throw new Error(
            `the encodings are not what the comparison needs: ${compressed.compressed} compressed responses in the compressed load, ${uncompressed.compressed} in the uncompressed one`,
          );
        }
        samples.push({ compressed, uncompressed, second });
        ctx.log(
          `first load, sample ${k + 1}/${s.samples}: compressed ${fmt(compressed.bytes / 1e6)} MB in ${fmt(compressed.seconds)} s (app open: ${fmt(compressed.openBytes / 1e6)} MB in ${fmt(compressed.openSeconds)} s), uncompressed ${fmt(uncompressed.bytes / 1e6)} MB in ${fmt(uncompressed.seconds)} s (app open: ${fmt(uncompressed.openBytes / 1e6)} MB in ${fmt(uncompressed.openSeconds)} s), second load ${fmt(second / 1e3)} kB`,
        );
      }
    } finally {
      await relay.stop();
    }
    const col = (f: (x: Sample) => number): number[] => samples.map(f);
    const rows: Row[] = [
      figure(
        'Compressed: bytes received until onboarding is usable',
        'MB',
        summarize(col((x) => x.compressed.bytes / 1e6)),
        { op: '<=', value: BUDGET_BYTES / 1e6 },
      ),
      figure(
        'Compressed: navigation start → onboarding usable',
        's',
        summarize(col((x) => x.compressed.seconds)),
        s.throttled ? { op: '<=', value: BUDGET_SECONDS } : undefined,
      ),
      figure(
        'Uncompressed: bytes received',
        'MB',
        summarize(col((x) => x.uncompressed.bytes / 1e6)),
      ),
      figure(
        'Uncompressed: navigation start → onboarding usable',
        's',
        summarize(col((x) => x.uncompressed.seconds)),
      ),
      ratio(
        'Bytes: compressed / uncompressed',
        summarize(
          ratios(
            col((x) => x.compressed.bytes),
            col((x) => x.uncompressed.bytes),
          ),
        ),
      ),
      ratio(
        'Time: compressed / uncompressed',
        summarize(
          ratios(
            col((x) => x.compressed.seconds),
            col((x) => x.uncompressed.seconds),
          ),
        ),
      ),
      figure(
        'Compressed: bytes received until the app is open behind onboarding',
        'MB',
        summarize(col((x) => x.compressed.openBytes / 1e6)),
      ),
      figure(
        'Compressed: navigation start → app open (Start acts at once)',
        's',
        summarize(col((x) => x.compressed.openSeconds)),
      ),
      figure(
        'Uncompressed: navigation start → app open',
        's',
        summarize(col((x) => x.uncompressed.openSeconds)),
      ),
      figure(
        'Second load, same profile: bytes received',
        'kB',
        summarize(col((x) => x.second / 1e3)),
      ),
      figure(
        'Requests until onboarding is usable',
        'requests',
        summarize(col((x) => x.compressed.requests)),
      ),
    ];
    const notes: string[] = [];
    const median = (f: (x: Sample) => number): number => summarize(col(f)).median;
    const seconds = median((x) => x.compressed.seconds);
    const bytes = median((x) => x.compressed.bytes);
    const linkSeconds = (b: number): number => b / FAST_3G.downloadThroughput;
    if (s.throttled && seconds > BUDGET_SECONDS) {
      notes.push(
        `Where the time goes: the link alone needs ${fmt(linkSeconds(bytes))} s to carry the ${fmt(bytes / 1e6)} MB received before onboarding is usable (at 1.6 Mbit/s, before any round trip); at this speed ${BUDGET_SECONDS} s carries at most ${fmt((BUDGET_SECONDS * FAST_3G.downloadThroughput) / 1e6)} MB.`,
      );
    }
    if (s.throttled) {
      const openSeconds = median((x) => x.compressed.openSeconds);
      const openBytes = median((x) => x.compressed.openBytes);
      notes.push(
        `Behind onboarding: the app opens at ${fmt(openSeconds)} s, after ${fmt(openBytes / 1e6)} MB (the link alone needs ${fmt(linkSeconds(openBytes))} s for them: Automerge's WASM, the crypto core and the app's code); a user who presses Start sooner waits until then, and is told so.`,
      );
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `Chromium (headless, a fresh profile per load, 390×844), the app's production build served by the relay (loopback, PGlite). ${s.throttled ? "Network throttled by CDP Network.emulateNetworkConditions to Fast 3G as Lighthouse states it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (request-level; DevTools' packet-level preset would be 562.5 ms)." : 'Smoke: no throttling.'}`,
        "Onboarding usable: the name field is on screen and enabled. On a first visit that is before the app has opened: the app's code, Automerge's WASM and the crypto core load behind the form, and Start waits for them if pressed sooner; \"app open\" is when they have, the key and the OPFS storage opened and the documents loaded (the page's documents-loaded mark). Time from navigation start (performance.now() in the page); bytes as received from the network (CDP encodedDataLength, headers included) for every request finished by then.",
        "Compressed: the browser's own Accept-Encoding, answered from the build's brotli copies. Uncompressed: the same page and server, the browser sending `Accept-Encoding: identity`. Second load: the compressed profile reloaded once the first had opened the app (a returning device, which waits for the app before showing anything), hashed assets from the HTTP cache (immutable), unhashed files revalidated. Service workers blocked.",
        `${s.samples} samples, compressed and uncompressed in turn. The budget is absolute (≤ ${BUDGET_BYTES / 1e6} MB, ≤ ${BUDGET_SECONDS} s); the app-open time includes compiling Automerge's and libsodium's WASM on this shared machine.`,
      ],
      rows,
      notes,
    };
  },
};
