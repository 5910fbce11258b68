/**
 * The built PWA, served at `/` on the relay's origin (@fastify/static):
 *
 *   Content-Encoding   the build writes a brotli (`.br`) and a gzip (`.gz`) file
 *                      beside each compressible asset (scripts/precompress.ts);
 *                      a request whose Accept-Encoding names br or gzip gets that
 *                      file's bytes, any other the original (`Vary: Accept-Encoding`
 *                      on every file). Nothing is compressed per request.
 *   Cache-Control      `public, max-age=31536000, immutable` for the content-hashed
 *                      files under `assets/` (a new build gives them new names);
 *                      `no-cache` for everything else — index.html, sw.js, the
 *                      manifest, icons, the offline page — so the browser revalidates
 *                      them (ETag, Last-Modified) and a new build is seen at once.
 *
 * Any other GET outside `/v1/` is a client-side route: it gets index.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Vite's content-hashed output: `assets/<name>-<8 hash characters>.<ext>`. */
const HASHED_ASSET = /(^|\/)assets\/[^/]+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$/;
const COMPRESSED_SUFFIX = /\.(br|gz)$/;

/** The Cache-Control of a file of the built app, by its path (a `.br`/`.gz` file as its original). */
export function cacheControlOf(path: string): string {
  const original = path.replaceAll('\\', '/').replace(COMPRESSED_SUFFIX, '');
  return HASHED_ASSET.test(original) ? IMMUTABLE : REVALIDATE;
}

/** Serves the built app from `staticDir` when it holds an index.html; otherwise nothing. */
export async function registerStaticFiles(
  app: FastifyInstance,
  staticDir: string | undefined,
): Promise<void> {
  if (staticDir === undefined || !existsSync(join(staticDir, 'index.html'))) return;
  await app.register(fastifyStatic, {
    root: staticDir,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlOf(path));
    },
  });
  // Client-side routes load the app shell.
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/v1/')) return reply.sendFile('index.html');
    return reply.code(404).send({ type: 'error', code: 'not-found', message: 'no such route' });
  });
}
