/**
 * One adopt for pairing and recovery (boot/adopt.ts over Device.adopt): sync
 * stops before K_master is replaced, then the logs sealed under the replaced
 * key go, the relay state is reset and the account saved. A real engine and
 * replica over memory stores and a fake relay.
 */
import { equalBytes, fromHex } from '@cairn/shared';
import { describe, expect, it } from 'vitest';
import { adopter } from '../../../src/boot/adopt';
import { Device } from '../../../src/device/device';
import type { LogStorage } from '../../../src/storage/log-storage';
import { MemoryKeyVault } from '../../../src/storage/memory-key-vault';
import { MemorySyncStore } from '../../../src/sync/memory-sync-store';
import { FakeRelay, ManualTimers, settle } from '../sync/fakes';
import { K_MASTER, makeDevice } from '../sync/setup';

const NEW_KEY = fromHex('5c'.repeat(32));
const ACCOUNT = 'aa000002-0000-4000-8000-000000000000';
const DEVICE = 'dd000002-0000-4000-8000-000000000000';
const RELAY = 'http://other-relay.test';

describe('adopting an account', () => {
  it('stops sync first, then replaces the key, removes the old logs and resets the relay state', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const syncStore = new MemorySyncStore();
    const steps: string[] = [];
    const openAtKey: number[] = [];
    const vault = new MemoryKeyVault(new Uint8Array(K_MASTER));
    const save = vault.saveMasterKey.bind(vault);
    vault.saveMasterKey = (k, o) => {
      steps.push('key replaced');
      openAtKey.push(relay.connections.size);
      return save(k, o);
    };
    const held: { storage?: LogStorage } = {};
    // As compose.ts wires it: one sync store, the engine keeps the account through the device.
    const device = new Device({
      kMaster: K_MASTER,
      vault,
      accounts: syncStore,
      logs: {
        list: () => held.storage!.list(),
        remove: (name) => held.storage!.remove(name),
      },
      navigator: { userAgent: '' },
    });
    const d = await makeDevice(relay, timers, { syncStore, settings: device.accountRecord });
    held.storage = d.storage;
    await d.write('a', 'written under the replaced key');
    await settle();
    expect(relay.events(d.streamOf('notes')).length).toBeGreaterThan(0);
    const logs = await d.storage.list();
    expect(logs.ok && logs.value.length).toBeGreaterThan(0);

    const adopt = adopter({
      stopSync: async () => {
        await d.engine.stop();
        steps.push('sync stopped');
      },
      device,
    });

    const done = await adopt({
      kMaster: NEW_KEY,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
    });
    expect(done).toEqual({ ok: true, value: undefined });
    expect(steps).toEqual(['sync stopped', 'key replaced']);
    expect(openAtKey).toEqual([0]);
    expect(vault.kMaster !== undefined && equalBytes(vault.kMaster, NEW_KEY)).toBe(true);
    expect(await d.storage.list()).toEqual({ ok: true, value: [] });
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 0 });
    expect(await d.syncStore.cursors()).toEqual({ ok: true, value: new Map() });
    expect(await d.syncStore.loadSettings()).toEqual({
      ok: true,
      value: {
        enabled: true,
        relayUrl: RELAY,
        accountId: ACCOUNT,
        deviceId: DEVICE,
        registered: true,
      },
    });

    // Nothing written after the adopt (under the old key, before the reload) reaches a relay.
    const before = relay.received.length;
    await d.write('b', 'after the adopt');
    await timers.advance(60_000);
    await settle();
    expect(relay.received.length).toBe(before);
  });
});
