/**
 * The built app as the relay serves it (relay/src/http/static-files.ts): the
 * precompressed copies the build writes (scripts/precompress.ts, run here on
 * a folder shaped like client/dist) chosen by Accept-Encoding, and the
 * Cache-Control of hashed and unhashed files. Requests go through node:http
 * so that nothing decompresses the bodies on the way.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlOf, IMMUTABLE, REVALIDATE } from '../../src/http/static-files.js';
import { precompressFolder } from '../../../scripts/precompress.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-static-'));
const SCRIPT = 'assets/index-BNq9doKq.js';
const WASM = 'assets/automerge-LjMxZKTS.wasm';
let relay: RunningRelay;

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, acceptEncoding?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${relay.base}${path}`,
      { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const original = (path: string): Buffer => readFileSync(join(dir, path));

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'icons'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><title>Cairn</title><script type="module" src="/${SCRIPT}"></script>\n`.repeat(
      8,
    ),
  );
  writeFileSync(
    join(dir, SCRIPT),
    Array.from({ length: 2000 }, (_, i) => `export const v${i} = ${i} * 2;`).join('\n'),
  );
  // Half random, half zeros: compressible, but not text.
  writeFileSync(join(dir, WASM), Buffer.concat([randomBytes(4096), Buffer.alloc(65536)]));
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});\n'.repeat(50));
  writeFileSync(join(dir, 'manifest.webmanifest'), JSON.stringify({ name: 'Cairn', icons: [] }));
  writeFileSync(join(dir, 'icons/icon-192.png'), randomBytes(512));
  await precompressFolder(dir);
  relay = await startRelay({ kind: 'pglite' }, { staticDir: dir });
});

afterAll(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Cache-Control', () => {
  it('content-hashed assets are immutable for a year', async () => {
    for (const path of [SCRIPT, WASM]) {
      for (const enc of ['br', 'gzip', undefined]) {
        const res = await get(`/${path}`, enc);
        expect(res.status, `${path} ${enc}`).toBe(200);
        expect(res.headers['cache-control'], `${path} ${enc}`).toBe(IMMUTABLE);
      }
    }
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
  });

  it('index.html, client routes, sw.js, the manifest and icons are revalidated', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/history',
      '/sw.js',
      '/manifest.webmanifest',
      '/icons/icon-192.png',
    ]) {
      for (const enc of ['br', undefined]) {
        const res = await get(path, enc);
        expect(res.status, path).toBe(200);
        expect(res.headers['cache-control'], `${path} ${enc}`).toBe(REVALIDATE);
        expect(res.headers['etag'], path).toBeDefined();
      }
    }
  });

  it('judges a path by its name: hashed only under assets/, a .br or .gz as its original', () => {
    expect(cacheControlOf('/srv/dist/assets/index-BNq9doKq.js')).toBe(IMMUTABLE);
    expect(cacheControlOf('/srv/dist/assets/index-BNq9doKq.js.br')).toBe(IMMUTABLE);
    expect(cacheControlOf('/srv/dist/assets/automerge-LjMxZKTS.wasm.gz')).toBe(IMMUTABLE);
    expect(cacheControlOf('/srv/dist/assets/logo.svg')).toBe(REVALIDATE);
    expect(cacheControlOf('/srv/dist/index.html.br')).toBe(REVALIDATE);
    expect(cacheControlOf('/srv/dist/sw.js')).toBe(REVALIDATE);
    expect(cacheControlOf('/srv/dist/icons/icon-12345678.png')).toBe(REVALIDATE);
  });
});

describe('Content-Encoding', () => {
  it('Accept-Encoding: br gets the brotli copy, which decompresses to the same bytes', async () => {
    for (const path of [SCRIPT, WASM, 'index.html', 'sw.js']) {
      const res = await get(`/${path}`, 'br');
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(res.headers['vary'], path).toMatch(/accept-encoding/i);
      expect(res.body.length, path).toBeLessThan(original(path).length);
      expect(brotliDecompressSync(res.body).equals(original(path)), path).toBe(true);
    }
    expect((await get(`/${WASM}`, 'br')).headers['content-type']).toBe('application/wasm');
    expect((await get(`/${SCRIPT}`, 'br')).headers['content-type']).toMatch(/javascript/);
  });

  it('Accept-Encoding: gzip gets the gzip copy, which decompresses to the same bytes', async () => {
    for (const path of [SCRIPT, WASM, 'index.html']) {
      const res = await get(`/${path}`, 'gzip, deflate');
      expect(res.headers['content-encoding'], path).toBe('gzip');
      expect(gunzipSync(res.body).equals(original(path)), path).toBe(true);
    }
  });

  it('a browser that offers both gets brotli; a client route gets index.html compressed', async () => {
    const res = await get(`/${SCRIPT}`, 'gzip, deflate, br, zstd');
    expect(res.headers['content-encoding']).toBe('br');
    const route = await get('/settings', 'gzip, deflate, br');
    expect(route.headers['content-type']).toMatch(/text\/html/);
    const body =
      route.headers['content-encoding'] === 'br' ? brotliDecompressSync(route.body) : route.body;
    expect(body.equals(original('index.html'))).toBe(true);
  });

  it('no Accept-Encoding (or one it has no copy for) gets the original bytes', async () => {
    for (const enc of [undefined, 'identity', 'zstd']) {
      const res = await get(`/${SCRIPT}`, enc);
      expect(res.headers['content-encoding'], String(enc)).toBeUndefined();
      expect(res.body.equals(original(SCRIPT)), String(enc)).toBe(true);
    }
    // PNGs have no compressed copy: the original, whatever the browser accepts.
    const png = await get('/icons/icon-192.png', 'br');
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.body.equals(original('icons/icon-192.png'))).toBe(true);
  });
});
