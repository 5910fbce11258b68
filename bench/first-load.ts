/**
 * First load in Chromium on a throttled link (issue 15, item 3): a fresh
 * profile opens the app, served by the relay from the production build, until
 * onboarding is usable (the name field is on screen and enabled, so the app
 * has opened its storage). Measured twice per sample, in turn:
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
 * Then a second load in the same profile: with the hashed assets immutable,
 * only index.html (and other unhashed files) go to the network, to be
 * revalidated. Service workers are blocked, so every byte is the HTTP
 * cache's doing (the app registers its worker only after opening anyway).
 */
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { buildPages } from './lib/chromium.js';
import { launchProfile } from '../testkit/src/chromium.js';
import { freshDatabase } from './lib/databases.js';
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
    const first = { seconds, ...m.read() };
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
          `first load, sample ${k + 1}/${s.samples}: compressed ${fmt(compressed.bytes / 1e6)} MB in ${fmt(compressed.seconds)} s, uncompressed ${fmt(uncompressed.bytes / 1e6)} MB in ${fmt(uncompressed.seconds)} s, second load ${fmt(second / 1e3)} kB`,
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
    const seconds = summarize(col((x) => x.compressed.seconds)).median;
    const bytes = summarize(col((x) => x.compressed.bytes)).median;
    if (s.throttled && seconds > BUDGET_SECONDS) {
      const floor = bytes / FAST_3G.downloadThroughput;
      notes.push(
        `Where the time goes: the link alone needs ${fmt(floor)} s to carry the ${fmt(bytes / 1e6)} MB received before onboarding is usable (at 1.6 Mbit/s, before any round trip), so no server-side change reaches ${BUDGET_SECONDS} s with these bytes: at this speed ${BUDGET_SECONDS} s carries at most ${fmt((BUDGET_SECONDS * FAST_3G.downloadThroughput) / 1e6)} MB, barely more than Automerge's WASM alone (brotli, 0.79 MB), with the app's script (0.29 MB) still to come. Reaching it needs onboarding to be shown before the storage opens (the form first, the WASM and the logs behind it), or fewer bytes before it.`,
      );
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `Chromium (headless, a fresh profile per load, 390×844), the app's production build served by the relay (loopback, PGlite). ${s.throttled ? "Network throttled by CDP Network.emulateNetworkConditions to Fast 3G as Lighthouse states it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (request-level; DevTools' packet-level preset would be 562.5 ms)." : 'Smoke: no throttling.'}`,
        'Onboarding usable: the name field is on screen and enabled (the app has fetched and compiled its code and WASM, opened its key and OPFS storage). Time from navigation start (performance.now() in the page); bytes as received from the network (CDP encodedDataLength, headers included) for every request finished by then.',
        "Compressed: the browser's own Accept-Encoding, answered from the build's brotli copies. Uncompressed: the same page and server, the browser sending `Accept-Encoding: identity`. Second load: the compressed profile reloaded, hashed assets from the HTTP cache (immutable), unhashed files revalidated. Service workers blocked.",
        `${s.samples} samples, compressed and uncompressed in turn. The budget is absolute (≤ ${BUDGET_BYTES / 1e6} MB, ≤ ${BUDGET_SECONDS} s); the time includes compiling Automerge's and libsodium's WASM on this shared machine.`,
      ],
      rows,
      notes,
    };
  },
};
