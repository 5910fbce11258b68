/**
 * The contract of the store's lifecycle port (`StoreLifecycle`, ops/port.ts),
 * run against PGlite (unit project) and Postgres (integration project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreLifecycle } from '../../src/ops/port.js';

export function storeLifecycleContract(
  name: string,
  open: () => Promise<StoreLifecycle>,
  dispose?: () => Promise<void>,
): void {
  describe(`StoreLifecycle contract: ${name}`, () => {
    let store: StoreLifecycle;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
      await dispose?.();
    });

    it('is healthy', async () => {
      expect(await store.health()).toBe(true);
    });
  });
}
