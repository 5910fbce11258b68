/**
 * Device keys in real Chromium: IndexedDB, a non-extractable wrapping key,
 * nothing in Web Storage, and wipeLocalData.
 */
import { equalBytes, ready } from '@cairn/shared';
import { openDB } from 'idb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KEYS_DATABASE,
  loadMasterKey,
  loadOrCreateDeviceKeys,
  loadOrCreateMasterKey,
  saveMasterKey,
} from '../../src/storage/idb/keys';
import { OpfsLogStorage } from '../../src/storage/opfs-log-storage';
import { wipeLocalData } from '../../src/storage/wipe';

async function must<T>(
  p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string } }>,
) {
  const r = await p;
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}`);
  return r.value;
}

async function rawEntries(): Promise<Map<string, unknown>> {
  const db = await openDB(KEYS_DATABASE, 1);
  const out = new Map<string, unknown>();
  for (const key of await db.getAllKeys('keys')) out.set(String(key), await db.get('keys', key));
  db.close();
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    if (equalBytes(haystack.subarray(i, i + needle.length), needle)) return true;
  }
  return false;
}

beforeAll(ready);

beforeEach(async () => {
  await must(wipeLocalData());
});

describe('keys', () => {
  it('creates K_master once and loads the same 32 bytes after', async () => {
    expect(await must(loadMasterKey())).toBeUndefined();
    const first = await must(loadOrCreateMasterKey());
    expect(first.created).toBe(true);
    expect(first.kMaster).toHaveLength(32);
    const second = await must(loadOrCreateMasterKey());
    expect(second.created).toBe(false);
    expect(equalBytes(second.kMaster, first.kMaster)).toBe(true);
    expect(equalBytes((await must(loadMasterKey()))!, first.kMaster)).toBe(true);
  });

  it('agrees on one key when several callers race on first launch', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => must(loadOrCreateMasterKey())));
    for (const r of results) expect(equalBytes(r.kMaster, results[0]!.kMaster)).toBe(true);
    expect(results.filter((r) => r.created).length).toBeGreaterThanOrEqual(1);
    const stored = await must(loadOrCreateMasterKey());
    expect(equalBytes(stored.kMaster, results[0]!.kMaster)).toBe(true);
  });

  it('stores only wrapped secrets beside a non-extractable wrapping key', async () => {
    const { kMaster } = await must(loadOrCreateMasterKey());
    const device = await must(loadOrCreateDeviceKeys());
    const entries = await rawEntries();
    expect([...entries.keys()].sort()).toEqual(['ed25519', 'k-master', 'wrapping-key', 'x25519']);
    const wrapping = entries.get('wrapping-key');
    expect(wrapping).toBeInstanceOf(CryptoKey);
    if (!(wrapping instanceof CryptoKey)) throw new Error('not a CryptoKey');
    expect(wrapping.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', wrapping)).rejects.toThrow();
    const secrets = [kMaster, device.ed25519.secretKey.subarray(0, 32), device.x25519.secretKey];
    for (const name of ['k-master', 'ed25519', 'x25519']) {
      const entry = entries.get(name);
      if (
        typeof entry !== 'object' ||
        entry === null ||
        !('iv' in entry && entry.iv instanceof Uint8Array) ||
        !('wrapped' in entry && entry.wrapped instanceof Uint8Array)
      ) {
        throw new Error(`${name} is not a wrapped secret`);
      }
      expect(entry.iv).toHaveLength(12);
      expect(entry.wrapped).toHaveLength(32 + 16);
      for (const s of secrets) expect(contains(entry.wrapped, s)).toBe(false);
    }
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('keeps the device key pairs stable across loads', async () => {
    const a = await must(loadOrCreateDeviceKeys());
    const b = await must(loadOrCreateDeviceKeys());
    expect(equalBytes(a.ed25519.publicKey, b.ed25519.publicKey)).toBe(true);
    expect(equalBytes(a.x25519.publicKey, b.x25519.publicKey)).toBe(true);
    expect(a.ed25519.publicKey).toHaveLength(32);
    expect(equalBytes(a.ed25519.publicKey, a.x25519.publicKey)).toBe(false);
  });

  it('reports a tampered or swapped secret as corrupt', async () => {
    await must(loadOrCreateMasterKey());
    await must(loadOrCreateDeviceKeys());
    const db = await openDB(KEYS_DATABASE, 1);
    // The X25519 entry put in K_master's place fails on the entry name in the AAD.
    await db.put('keys', await db.get('keys', 'x25519'), 'k-master');
    db.close();
    const swapped = await loadMasterKey();
    expect(swapped.ok ? 'ok' : swapped.error.code).toBe('corrupt');
  });

  it('refuses to overwrite a different K_master unless told to', async () => {
    const { kMaster } = await must(loadOrCreateMasterKey());
    const other = new Uint8Array(32).fill(7);
    expect((await saveMasterKey(kMaster)).ok).toBe(true);
    const refused = await saveMasterKey(other);
    expect(refused.ok ? 'ok' : refused.error.code).toBe('exists');
    expect((await saveMasterKey(other, { replace: true })).ok).toBe(true);
    expect(equalBytes((await must(loadMasterKey()))!, other)).toBe(true);
  });

  it('wipes every database and every OPFS file, closing open storages first', async () => {
    const first = await must(loadOrCreateMasterKey());
    const storage = await must(OpfsLogStorage.open({ directory: 'wipe-test' }));
    expect((await storage.append('a.log', Uint8Array.of(1))).ok).toBe(true);
    await must(wipeLocalData({ storages: [storage] }));
    expect(await indexedDB.databases()).toEqual([]);
    const root = await navigator.storage.getDirectory();
    const left: string[] = [];
    for await (const name of root.keys()) left.push(name);
    expect(left).toEqual([]);
    const next = await must(loadOrCreateMasterKey());
    expect(next.created).toBe(true);
    expect(equalBytes(next.kMaster, first.kMaster)).toBe(false);
  });
});
