import { fileURLToPath } from 'node:url';
import { serwist } from '@serwist/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './scripts/precompress';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: 'client',
  plugins: [
    react(),
    serwist({
      swSrc: 'src/sw.ts',
      swDest: 'sw.js',
      globDirectory: here('./client/dist'),
      // The app shell, its code, the Automerge WASM, the icons and the offline page:
      // everything the app needs to open and work with the network off.
      globPatterns: ['**/*.{html,js,css,wasm,png,svg,webmanifest,ico}'],
      globIgnores: ['sw.js', '**/*.map'],
      // The Automerge WASM is ~3.6 MB; the default 2 MiB limit would leave it out.
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      rollupFormat: 'es',
      mode: 'production',
    }),
    // Last: the .br and .gz copies of everything above, sw.js included (relay/src/static-files.ts).
    precompress(here('./client/dist')),
  ],
  resolve: {
    alias: [
      // Exact names: a plain '@cairn/shared' would also match '@cairn/shared/result' as a prefix.
      { find: /^@cairn\/shared$/, replacement: here('./shared/src/index.ts') },
      { find: /^@cairn\/shared\/result$/, replacement: here('./shared/src/result.ts') },
      // The browser gets one Automerge instance: the slim entry, initialised once from
      // the emitted .wasm file (client/src/app/automerge.ts). Node keeps the full entry.
      { find: /^@automerge\/automerge$/, replacement: '@automerge/automerge/slim' },
    ],
  },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
});
