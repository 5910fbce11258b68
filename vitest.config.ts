import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import @cairn/shared from source, so they never run against a stale build.
const alias = { '@cairn/shared': fileURLToPath(new URL('./shared/src/index.ts', import.meta.url)) };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'shared/test/**/*.test.ts',
            'client/src/**/*.test.{ts,tsx}',
            'client/test/unit/**/*.test.{ts,tsx}',
            'relay/test/unit/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
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
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
