import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './testkit/src/chromium.js';

// Tests import @cairn/shared from source, so they never run against a stale build. Exact
// names: a plain '@cairn/shared' would also match '@cairn/shared/result' as a prefix.
const sharedSource = (file: string): string =>
  fileURLToPath(new URL(`./shared/src/${file}`, import.meta.url));
const alias = [
  { find: /^@cairn\/shared$/, replacement: sharedSource('index.ts') },
  { find: /^@cairn\/shared\/result$/, replacement: sharedSource('result.ts') },
];

// Browser tests (real Chromium: OPFS, IndexedDB, workers) take Automerge's entry with the
// WASM inlined, so no loader step is needed, and Debian's Chromium, never a download.
const browserAlias = [
  ...alias,
  {
    find: /^@automerge\/automerge$/,
    replacement: fileURLToPath(
      new URL(
        './node_modules/@automerge/automerge/dist/mjs/entrypoints/fullfat_base64.js',
        import.meta.url,
      ),
    ),
  },
];
/** Fault suites that assert no timing, only that nothing acknowledged was lost. */
const DURABILITY_FAULTS = ['test/faults/relay-kills.test.ts', 'test/faults/db-faults.test.ts'];

const chromium = playwright({ launchOptions: chromiumLaunchOptions() });

export default defineConfig({
  test: {
    // Two files at once: most suites wait on sockets, browsers and child processes, so
    // the default (one worker on two cores) leaves a core idle for most of the run.
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'shared/test/**/*.test.ts',
            'client/test/unit/**/*.test.{ts,tsx}',
            'relay/test/unit/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/docs/**/*.test.ts',
          ],
          environment: 'node',
          // A few files build years of history (performance, read cost); beside another
          // worker on a loaded machine they take minutes. The timeouts are for hangs only.
          testTimeout: 600_000,
          // Starting PGlite (store contracts) takes seconds, on a loaded machine a minute.
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['relay/test/integration/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/postgres-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias: browserAlias },
        // Pre-bundled up front: discovering them mid-run makes Vite reload the test page.
        optimizeDeps: {
          include: ['@automerge/automerge', 'idb', 'valibot', 'libsodium-wrappers-sumo'],
        },
        test: {
          name: 'browser',
          include: ['client/test/browser/**/*.test.ts'],
          // One origin for all files: a wipe in one file must not race another's OPFS files.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            provider: chromium,
            instances: [{ browser: 'chromium' }],
          },
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          // Each file starts its own app server on port 0 and its own browsers, one
          // fresh profile per device: two files can run side by side.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Fault, fuzz and attack suites (docs/reliability.md). CAIRN_FAULTS_SCALE=full
          // (npm run test:faults) runs the full counts; unset, about a tenth of them.
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          exclude: DURABILITY_FAULTS,
          environment: 'node',
          fileParallelism: false,
          // Alone, after the other projects: these suites judge latency and memory.
          sequence: { groupOrder: 1 },
          // Full scale on a loaded machine: a suite may take most of an hour.
          testTimeout: 3_600_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // The kill and database-stop suites judge only what was kept, never how fast:
          // they wait on restarts most of the time, so they run beside the other projects.
          name: 'faults-durability',
          include: DURABILITY_FAULTS,
          environment: 'node',
          testTimeout: 3_600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
