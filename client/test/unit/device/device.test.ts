/**
 * The device: the one owner of the account record and of the keys. Fixed
 * fixtures (hex keys, fixed ids), memory ports.
 */
import { equalBytes, fromHex, ready } from '@cairn/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { Device, type AccountRecordStore } from '../../../src/device/device';
import { MemoryKeyVault } from '../../../src/storage/memory-key-vault';
import { MemoryFiles, MemoryLogStorage } from '../../../src/storage/memory-log-storage';
import { MemorySyncStore } from '../../../src/sync/memory-sync-store';

await ready();

const OLD_KEY = fromHex('11'.repeat(32));
const NEW_KEY = fromHex('22'.repeat(32));
const SEEDS = { ed25519: fromHex('a1'.repeat(32)), x25519: fromHex('b2'.repeat(32)) };
const ACCOUNT = 'aa000001-0000-4000-8000-000000000000';
const DEVICE = 'dd000001-0000-4000-8000-000000000000';
const RELAY = 'http://relay.test';
const CHROMIUM = {
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36',
  userAgentData: { brands: [{ brand: 'Chromium' }], platform: 'Linux' },
};

let vault: MemoryKeyVault;
let store: MemorySyncStore;
let logs: MemoryLogStorage;
let device: Device;

function make(accounts: AccountRecordStore = store): Device {
  return new Device({ kMaster: OLD_KEY, vault, accounts, logs, navigator: CHROMIUM });
}

beforeEach(async () => {
  vault = new MemoryKeyVault(new Uint8Array(OLD_KEY), SEEDS);
  store = new MemorySyncStore();
  logs = await MemoryLogStorage.open(new MemoryFiles());
  device = make();
});

describe('credentials', () => {
  it('says why the relay cannot be asked yet: sync off, then not registered', async () => {
    expect(await device.credentials()).toEqual({ ok: false, error: { kind: 'sync-off' } });
    const on = { enabled: true, relayUrl: RELAY, accountId: ACCOUNT, deviceId: DEVICE };
    await device.accountRecord.saveSettings({ ...on, registered: false });
    expect(await device.credentials()).toEqual({ ok: false, error: { kind: 'not-registered' } });
    await device.accountRecord.saveSettings({ ...on, enabled: false, registered: true });
    expect(await device.credentials()).toEqual({ ok: false, error: { kind: 'sync-off' } });
  });

  it('gives the account, the relay and the device signing key once registered', async () => {
    await store.saveSettings({
      enabled: true,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      registered: true,
    });
    const c = await make().credentials();
    if (!c.ok) throw new Error('expected credentials');
    const keys = await vault.loadOrCreateDeviceKeys();
    if (!keys.ok) throw new Error('keys');
    expect(c.value).toMatchObject({ relayUrl: RELAY, accountId: ACCOUNT, deviceId: DEVICE });
    expect(equalBytes(c.value.signing.publicKey, keys.value.ed25519.publicKey)).toBe(true);
  });

  it('sees what the engine saved through it, without reading the database again', async () => {
    await device.accountRecord.loadSettings();
    const record = {
      enabled: true,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      registered: true,
    };
    await device.accountRecord.saveSettings(record);
    const saved = await store.loadSettings();
    expect(saved).toEqual({ ok: true, value: record });
    expect((await device.credentials()).ok).toBe(true);
  });

  it('reports a database failure as not ready, with its message', async () => {
    const broken: AccountRecordStore = {
      loadSettings: () => Promise.resolve({ ok: false, error: { code: 'io', message: 'gone' } }),
      saveSettings: () => Promise.resolve({ ok: true, value: undefined }),
      resetRelayState: () => Promise.resolve({ ok: true, value: undefined }),
    };
    expect(await make(broken).credentials()).toEqual({
      ok: false,
      error: { kind: 'failed', message: 'gone' },
    });
  });
});

describe('identity and label', () => {
  it('names this device with the one label function and its own keys', async () => {
    expect(device.label()).toBe('Chromium on Linux');
    const id = await device.identity();
    const again = await device.joining('Phone');
    if (!id.ok || !again.ok) throw new Error('identity');
    expect(id.value.label).toBe('Chromium on Linux');
    expect(again.value.label).toBe('Phone');
    expect(equalBytes(again.value.ed25519, id.value.signing.publicKey)).toBe(true);
    expect(equalBytes(again.value.x25519, id.value.boxPublicKey)).toBe(true);
  });
});

describe('adopt', () => {
  async function seedLocalState(): Promise<void> {
    await store.saveSettings({
      enabled: false,
      relayUrl: 'http://old.test',
      accountId: 'aa000009-0000-4000-8000-000000000000',
      deviceId: 'dd000009-0000-4000-8000-000000000000',
      registered: false,
    });
    await store.setCursors(new Map([['stream-a', 7]]));
    await store.enqueue([{ streamId: 'stream-a', eventId: 'event-1', data: 'AAAA' }]);
    await store.markKnown(['event-2']);
    expect((await logs.append('profile.log', new Uint8Array([1, 2, 3]))).ok).toBe(true);
    expect((await logs.append('templates.log', new Uint8Array([4]))).ok).toBe(true);
  }

  it('replaces K_master, removes the logs sealed under the old key, resets the relay state and saves the account', async () => {
    await seedLocalState();
    const done = await device.adopt({
      kMaster: NEW_KEY,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
    });
    expect(done).toEqual({ ok: true, value: undefined });
    expect(vault.kMaster !== undefined && equalBytes(vault.kMaster, NEW_KEY)).toBe(true);
    expect(await logs.list()).toEqual({ ok: true, value: [] });
    expect(await store.cursors()).toEqual({ ok: true, value: new Map() });
    expect(await store.count()).toEqual({ ok: true, value: 0 });
    expect(await store.unknown(['event-1', 'event-2'])).toEqual({
      ok: true,
      value: ['event-1', 'event-2'],
    });
    const record = {
      enabled: true,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      registered: true,
    };
    expect(await store.loadSettings()).toEqual({ ok: true, value: record });
    const c = await device.credentials();
    expect(c.ok && c.value.accountId).toBe(ACCOUNT);
  });

  it('keeps the logs when the account brings the same key (a removed device joining again)', async () => {
    await seedLocalState();
    const done = await device.adopt({
      kMaster: OLD_KEY,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
    });
    expect(done).toEqual({ ok: true, value: undefined });
    expect(await logs.list()).toEqual({ ok: true, value: ['profile.log', 'templates.log'] });
    // Nothing is known to the relay any more: the next sync's scan queues every logged record.
    expect(await store.unknown(['event-2'])).toEqual({ ok: true, value: ['event-2'] });
    const settings = await store.loadSettings();
    expect(settings.ok && settings.value).toEqual({
      enabled: true,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
      registered: true,
    });
  });

  it('changes nothing else when the key cannot be stored', async () => {
    await seedLocalState();
    const refusing = new MemoryKeyVault(new Uint8Array(OLD_KEY), SEEDS);
    refusing.saveMasterKey = () =>
      Promise.resolve({ ok: false, error: { code: 'quota', message: 'full' } });
    vault = refusing;
    const done = await make().adopt({
      kMaster: NEW_KEY,
      relayUrl: RELAY,
      accountId: ACCOUNT,
      deviceId: DEVICE,
    });
    expect(done).toEqual({ ok: false, error: { step: 'key', message: 'full' } });
    expect(await logs.list()).toEqual({ ok: true, value: ['profile.log', 'templates.log'] });
    expect(await store.count()).toEqual({ ok: true, value: 1 });
    const settings = await store.loadSettings();
    expect(settings.ok && settings.value?.accountId).toBe('aa000009-0000-4000-8000-000000000000');
  });
});
