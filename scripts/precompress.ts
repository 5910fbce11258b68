/**
 * Precompression at build time: a Vite plugin that, once the build (the
 * service worker included) is written, puts a brotli (`<file>.br`, quality 11)
 * and a gzip (`<file>.gz`, level 9) copy beside every compressible file of the
 * output folder. The relay serves them to browsers that accept them
 * (relay/src/http/static-files.ts, @fastify/static `preCompressed`), so nothing is
 * compressed per request and the strongest settings cost nothing at run time.
 *
 * A copy is written only when it is smaller than the original. PNG files are
 * already compressed and left alone.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.wasm',
  '.svg',
  '.webmanifest',
  '.json',
  '.txt',
  '.ico',
]);

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (COMPRESSIBLE.has(extname(entry.name))) out.push(path);
  }
  return out;
}

export interface Precompressed {
  file: string;
  bytes: number;
  br?: number;
  gz?: number;
}

/** Writes the `.br` and `.gz` copies of every compressible file under `dir`. */
export async function precompressFolder(dir: string): Promise<Precompressed[]> {
  const files = await filesUnder(dir);
  return Promise.all(
    files.map(async (file): Promise<Precompressed> => {
      const bytes = await readFile(file);
      const isText = extname(file) !== '.wasm' && extname(file) !== '.ico';
      const [br, gz] = await Promise.all([
        brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: isText
              ? constants.BROTLI_MODE_TEXT
              : constants.BROTLI_MODE_GENERIC,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
        gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION }),
      ]);
      const result: Precompressed = { file, bytes: bytes.length };
      if (br.length < bytes.length) {
        await writeFile(`${file}.br`, br);
        result.br = br.length;
      }
      if (gz.length < bytes.length) {
        await writeFile(`${file}.gz`, gz);
        result.gz = gz.length;
      }
      return result;
    }),
  );
}

/** The plugin: precompresses `outDir` after everything else has written to it. */
export function precompress(outDir: string): Plugin {
  return {
    name: 'cairn-precompress',
    apply: 'build',
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        if (!(await stat(outDir).catch(() => undefined))?.isDirectory()) return;
        const done = await precompressFolder(outDir);
        const sum = (k: 'bytes' | 'br' | 'gz'): number =>
          done.reduce((n, f) => n + (f[k] ?? f.bytes), 0);
        this.info(
          `precompressed ${done.length} files: ${sum('bytes')} bytes → brotli ${sum('br')}, gzip ${sum('gz')}`,
        );
      },
    },
  };
}
