/**
 * Reading and tampering with the origin private file system (OPFS) of a page, through
 * `page.evaluate`. The storage worker holds sync access handles while the app runs, so
 * callers first move the page to a same-origin page that does not start the app
 * (`/offline.html`) — see `withAppClosed`.
 */
import type { Page } from 'playwright-core';

export interface OpfsFile {
  path: string;
  bytes: Uint8Array;
}

/** Every file in the page's OPFS, recursively, with its bytes. */
export async function readOpfs(page: Page): Promise<OpfsFile[]> {
  const files = await page.evaluate(async () => {
    const out: { path: string; base64: string }[] = [];
    async function walk(dir: FileSystemDirectoryHandle, prefix: string): Promise<void> {
      // entries() is in Chromium but not in every lib.dom.d.ts: reach it through values().
      const iter = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
      for await (const handle of iter) {
        const path = prefix + handle.name;
        if (handle.kind === 'directory') {
          await walk(handle as FileSystemDirectoryHandle, path + '/');
        } else {
          const file = await (handle as FileSystemFileHandle).getFile();
          const bytes = new Uint8Array(await file.arrayBuffer());
          let binary = '';
          for (let i = 0; i < bytes.length; i += 0x8000) {
            binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          }
          out.push({ path, base64: btoa(binary) });
        }
      }
    }
    await walk(await navigator.storage.getDirectory(), '');
    return out;
  });
  return files.map((f) => ({
    path: f.path,
    bytes: new Uint8Array(Buffer.from(f.base64, 'base64')),
  }));
}

/** Appends bytes to an OPFS file (a torn tail, as a crash mid-write leaves). */
export async function appendToOpfsFile(page: Page, path: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    async ({ path, data }) => {
      const handle = await fileHandle(path);
      const size = (await handle.getFile()).size;
      const w = await handle.createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: size, data: new Uint8Array(data) });
      await w.close();

      async function fileHandle(p: string): Promise<FileSystemFileHandle> {
        const parts = p.split('/');
        let dir = await navigator.storage.getDirectory();
        for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
        return dir.getFileHandle(parts[parts.length - 1] ?? '');
      }
    },
    { path, data: Array.from(bytes) },
  );
}

/** XORs one byte of an OPFS file with 0xff (corruption of a stored record). */
export async function flipOpfsByte(page: Page, path: string, offset: number): Promise<void> {
  await page.evaluate(
    async ({ path, offset }) => {
      const parts = path.split('/');
      let dir = await navigator.storage.getDirectory();
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      const handle = await dir.getFileHandle(parts[parts.length - 1] ?? '');
      const file = await handle.getFile();
      const bytes = new Uint8Array(await file.slice(offset, offset + 1).arrayBuffer());
      const old = bytes[0];
      if (old === undefined) throw new Error(`offset ${offset} is past the end of ${path}`);
      const w = await handle.createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: offset, data: new Uint8Array([old ^ 0xff]) });
      await w.close();
    },
    { path, offset },
  );
}

/**
 * Runs `fn` while the app is not running in `page` (the page shows the static offline
 * page of the same origin, so OPFS is reachable and no worker holds a file), then
 * opens the app again.
 */
export async function withAppClosed<T>(
  page: Page,
  baseUrl: string,
  fn: () => Promise<T>,
): Promise<T> {
  await page.goto(new URL('/offline.html', baseUrl).href);
  const result = await fn();
  await page.goto(baseUrl);
  return result;
}

/** Whether `needle` occurs in `haystack` (byte for byte). */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
