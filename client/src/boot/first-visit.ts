/**
 * Whether this device has nothing of Cairn's yet: no IndexedDB database (the
 * keys, the account record, the sync state, recovery's state) and no OPFS
 * entry (the logs). Only then can onboarding be shown before the app has
 * opened (ui/Boot.tsx): without K_master nothing on the device could be read,
 * so there is no profile to open to. Anything there, or a browser that cannot
 * list its databases, and the page waits for the app as before, so a returning
 * user opens straight to Today. Wiping (storage/wipe.ts) removes both, so a
 * wiped device is a first visit again.
 *
 * Both reads are local and take milliseconds; neither creates anything. The
 * page's first render waits for them, so an answer that has not come within
 * `ANSWER_MS` counts as "unsure".
 */
/// <reference lib="dom.asynciterable" />

const ANSWER_MS = 1000;

async function noDatabases(): Promise<boolean> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return false;
  const databases = await indexedDB.databases();
  return databases.length === 0;
}

async function noFiles(): Promise<boolean> {
  // No OPFS: the app cannot open here at all, and says so without onboarding first.
  if (typeof navigator.storage?.getDirectory !== 'function') return false;
  const root = await navigator.storage.getDirectory();
  const first = await root.keys().next();
  return first.done === true;
}

async function nothingStored(): Promise<boolean> {
  try {
    const [databases, files] = await Promise.all([noDatabases(), noFiles()]);
    return databases && files;
  } catch {
    // A browser that refuses either read: wait for the app, which says what went wrong.
    return false;
  }
}

/** True only when the device certainly holds no Cairn data; false when unsure. */
export function isFirstVisit(): Promise<boolean> {
  const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ANSWER_MS));
  return Promise.race([nothingStored(), late]);
}
