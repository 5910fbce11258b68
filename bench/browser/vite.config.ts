/**
 * Builds the benchmark page (bench/browser/page.ts) with the app's module
 * resolution (vite.config.ts at the root), to be served at /bench/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/bench/',
  resolve: {
    alias: [
      // Exact names: a plain '@cairn/shared' would also match '@cairn/shared/result' as a prefix.
      { find: /^@cairn\/shared$/, replacement: here('../../shared/src/index.ts') },
      { find: /^@cairn\/shared\/result$/, replacement: here('../../shared/src/result.ts') },
      { find: /^@automerge\/automerge$/, replacement: '@automerge/automerge/slim' },
    ],
  },
  worker: { format: 'es' },
  // Not minified, so profiles of the page name their functions.
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    chunkSizeWarningLimit: 8192,
  },
  logLevel: 'warn',
});
