/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (HTML, JS, CSS, the Automerge WASM, icons,
 * manifest and the offline page) so that after one visit the app opens with no network.
 *
 * Navigations inside the app are answered with the precached shell; any other navigation
 * (the relay's own endpoints) goes to the network and falls back to the offline page.
 * The precache list is injected at build time by @serwist/vite (`self.__SW_MANIFEST`).
 */
import type { PrecacheEntry, SerwistGlobalConfig } from 'serwist';
import { NetworkOnly, Serwist } from 'serwist';

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

// Paths the relay answers itself; they must never be replaced by the app shell.
const relayPaths = [/^\/(healthz|metrics|api|ws|v\d+)(\/|$)/];

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST ?? [],
  precacheOptions: {
    cleanupOutdatedCaches: true,
    navigateFallback: '/index.html',
    navigateFallbackDenylist: relayPaths,
  },
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [
    {
      matcher: ({ request }) => request.mode === 'navigate',
      handler: new NetworkOnly(),
    },
  ],
  fallbacks: {
    entries: [{ url: '/offline.html', matcher: ({ request }) => request.mode === 'navigate' }],
  },
});

serwist.addEventListeners();
