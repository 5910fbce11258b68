import { describe, expect, it } from 'vitest';
import { MemorySyncStore } from '../../../src/sync/memory-sync-store';
import { runSyncStoreContract } from '../../../../testkit/src/contracts/sync-store';

runSyncStoreContract('memory', () => {
  const store = new MemorySyncStore();
  return Promise.resolve({
    store,
    reopen: () => {
      store.close();
      return Promise.resolve(store.reopen());
    },
  });
});

describe('MemorySyncStore', () => {
  it('fails the next call on request, then works again', async () => {
    const store = new MemorySyncStore();
    store.failNext('quota');
    expect(await store.count()).toEqual({
      ok: false,
      error: { code: 'quota', message: 'injected quota' },
    });
    expect(await store.count()).toEqual({ ok: true, value: 0 });
  });
});
