/**
 * Registers the service worker (client/src/sw.ts, built to /sw.js) so the app shell is
 * precached and the next visit opens with no network. Failure is not fatal: the app
 * still works online, so it is logged, not shown. main.tsx calls it once the app is open,
 * after the first load has had the network to itself.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  navigator.serviceWorker
    .register('/sw.js', { type: 'module', scope: '/' })
    .catch((err: unknown) => {
      console.warn('service worker registration failed', err);
    });
}
