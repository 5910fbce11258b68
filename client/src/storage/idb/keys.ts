/**
 * The device's secrets at rest: K_master (DESIGN §2 "Keys on the device"), the
 * Ed25519 identity seed and the X25519 secret.
 *
 * IndexedDB database `cairn-keys` (version 1), object store `keys`:
 *   "wrapping-key"  a non-extractable AES-GCM-256 CryptoKey (structured clone
 *                   keeps it non-extractable: script can use it, never read it)
 *   "k-master" | "ed25519" | "x25519"
 *                   { iv: 12 bytes, wrapped: AES-GCM(wrapping-key, iv, secret,
 *                     aad = "cairn-key-v1:" ‖ entry name) }   secret: 32 bytes
 * The entry name in the AAD stops one wrapped secret being swapped for another.
 * A secret is created once: creation is a check-and-set inside one IndexedDB
 * transaction, so two tabs opening at once end up with the same key.
 *
 * Nothing here touches localStorage or sessionStorage, and no secret is logged.
 * Error codes (StorageError): `unavailable` (no IndexedDB or WebCrypto),
 * `corrupt` (a stored secret does not unwrap), `exists` (saveMasterKey would
 * replace a different key), `quota`, `io`.
 */
import { ed25519KeyPair, equalBytes, randomBytes, ready, utf8, x25519KeyPair } from '@cairn/shared';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as v from 'valibot';
import type { DeviceKeys, KeyVault } from '../key-vault';
import { storageError, type StorageError, type StorageResult } from '../log-storage';

export type { DeviceKeys } from '../key-vault';

export const KEYS_DATABASE = 'cairn-keys';
const STORE = 'keys';
const WRAPPING_KEY = 'wrapping-key';
const SECRET_BYTES = 32;

type SecretName = 'k-master' | 'ed25519' | 'x25519';

interface KeysSchema extends DBSchema {
  keys: { key: string; value: unknown };
}

const WrappedSecret = v.object({
  iv: v.pipe(v.instance(Uint8Array), v.length(12)),
  wrapped: v.instance(Uint8Array),
});
type WrappedSecret = v.InferOutput<typeof WrappedSecret>;

const ok = <T>(value: T): StorageResult<T> => ({ ok: true, value });
const fail = (code: StorageError['code'], message: string): StorageResult<never> => ({
  ok: false,
  error: storageError(code, message),
});

/** Platform failures are expected here (private mode, quota); defects propagate. */
async function guarded<T>(
  what: string,
  f: () => Promise<StorageResult<T>>,
): Promise<StorageResult<T>> {
  if (typeof indexedDB === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) {
    return fail('unavailable', 'IndexedDB or WebCrypto is not available');
  }
  try {
    return await f();
  } catch (e) {
    if (e instanceof DOMException) {
      return fail(e.name === 'QuotaExceededError' ? 'quota' : 'io', `${what}: ${e.name}`);
    }
    throw e;
  }
}

async function withDb<T>(f: (db: IDBPDatabase<KeysSchema>) => Promise<T>): Promise<T> {
  const db = await openDB<KeysSchema>(KEYS_DATABASE, 1, {
    upgrade(database) {
      database.createObjectStore(STORE);
    },
  });
  try {
    return await f(db);
  } finally {
    // Never keep a connection open: it would block wipeLocalData's delete.
    db.close();
  }
}

const isCryptoKey = (x: unknown): x is CryptoKey =>
  typeof CryptoKey !== 'undefined' && x instanceof CryptoKey;

/** The wrapping key, created (check-and-set) on first use. */
async function wrappingKey(db: IDBPDatabase<KeysSchema>): Promise<CryptoKey> {
  const stored = await db.get(STORE, WRAPPING_KEY);
  if (isCryptoKey(stored)) return stored;
  const candidate = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const tx = db.transaction(STORE, 'readwrite');
  const raced = await tx.store.get(WRAPPING_KEY);
  const key = isCryptoKey(raced) ? raced : candidate;
  if (key === candidate) await tx.store.put(candidate, WRAPPING_KEY);
  await tx.done;
  return key;
}

const aadFor = (name: SecretName): Uint8Array<ArrayBuffer> =>
  new Uint8Array(utf8(`cairn-key-v1:${name}`));

async function wrap(key: CryptoKey, name: SecretName, secret: Uint8Array): Promise<WrappedSecret> {
  const iv = new Uint8Array(randomBytes(12));
  const wrapped = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aadFor(name) },
    key,
    new Uint8Array(secret),
  );
  return { iv, wrapped: new Uint8Array(wrapped) };
}

async function unwrap(
  key: CryptoKey,
  name: SecretName,
  stored: WrappedSecret,
): Promise<StorageResult<Uint8Array>> {
  try {
    const secret = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(stored.iv), additionalData: aadFor(name) },
      key,
      new Uint8Array(stored.wrapped),
    );
    if (secret.byteLength !== SECRET_BYTES) return fail('corrupt', `${name} has the wrong length`);
    return ok(new Uint8Array(secret));
  } catch (e) {
    if (e instanceof DOMException && e.name === 'OperationError') {
      return fail('corrupt', `${name} does not unwrap`);
    }
    throw e;
  }
}

async function readSecret(
  db: IDBPDatabase<KeysSchema>,
  key: CryptoKey,
  name: SecretName,
): Promise<StorageResult<Uint8Array> | undefined> {
  const raw: unknown = await db.get(STORE, name);
  if (raw === undefined) return undefined;
  const stored = v.safeParse(WrappedSecret, raw);
  if (!stored.success) return fail('corrupt', `${name} is not a wrapped secret`);
  return unwrap(key, name, stored.output);
}

/** Loads a secret, creating it with `generate` (check-and-set) when absent. */
interface Loaded {
  readonly secret: Uint8Array;
  readonly created: boolean;
}

function loadOrCreate(
  name: SecretName,
  generate: () => Uint8Array,
): Promise<StorageResult<Loaded>> {
  return guarded<Loaded>(`load ${name}`, () =>
    withDb(async (db): Promise<StorageResult<Loaded>> => {
      const key = await wrappingKey(db);
      const existing = await readSecret(db, key, name);
      if (existing !== undefined) {
        return existing.ok ? ok({ secret: existing.value, created: false }) : existing;
      }
      const secret = generate();
      const wrapped = await wrap(key, name, secret);
      const tx = db.transaction(STORE, 'readwrite');
      const raced = await tx.store.get(name);
      if (raced === undefined) await tx.store.put(wrapped, name);
      await tx.done;
      if (raced === undefined) return ok({ secret, created: true });
      // Another tab created it between our read and our write: theirs stands.
      const theirs = await readSecret(db, key, name);
      if (theirs === undefined) throw new Error(`${name} vanished`);
      return theirs.ok ? ok({ secret: theirs.value, created: false }) : theirs;
    }),
  );
}

/**
 * K_master: loaded, or generated (32 random bytes) on first launch. On first
 * launch it also asks the browser to keep the origin's storage persistent.
 */
export async function loadOrCreateMasterKey(): Promise<
  StorageResult<{ kMaster: Uint8Array; created: boolean }>
> {
  const loaded = await loadOrCreate('k-master', () => randomBytes(SECRET_BYTES));
  if (!loaded.ok) return loaded;
  if (loaded.value.created) await requestPersistence();
  return ok({ kMaster: loaded.value.secret, created: loaded.value.created });
}

/** K_master if this device has one. */
export function loadMasterKey(): Promise<StorageResult<Uint8Array | undefined>> {
  return guarded('load k-master', () =>
    withDb(async (db) => {
      const key = await wrappingKey(db);
      return (await readSecret(db, key, 'k-master')) ?? ok(undefined);
    }),
  );
}

/**
 * Stores a K_master received by pairing or recovery. Refuses (`exists`) to
 * replace a different key unless `replace` is set: every log is sealed under
 * the old one.
 */
export function saveMasterKey(
  kMaster: Uint8Array,
  options: { readonly replace?: boolean } = {},
): Promise<StorageResult<void>> {
  if (kMaster.length !== SECRET_BYTES) throw new RangeError('K_master is 32 bytes');
  return guarded('save k-master', () =>
    withDb(async (db) => {
      const key = await wrappingKey(db);
      const existing = await readSecret(db, key, 'k-master');
      if (existing?.ok === true && equalBytes(existing.value, kMaster)) return ok(undefined);
      if (existing !== undefined && options.replace !== true) {
        return fail('exists', 'this device already has a different K_master');
      }
      const wrapped = await wrap(key, 'k-master', kMaster);
      await db.put(STORE, wrapped, 'k-master');
      return ok(undefined);
    }),
  );
}

/** The device's Ed25519 (relay identity) and X25519 key pairs, created on first use. */
export async function loadOrCreateDeviceKeys(): Promise<StorageResult<DeviceKeys>> {
  await ready();
  const ed = await loadOrCreate('ed25519', () => randomBytes(SECRET_BYTES));
  if (!ed.ok) return ed;
  const x = await loadOrCreate('x25519', () => randomBytes(SECRET_BYTES));
  if (!x.ok) return x;
  return ok({ ed25519: ed25519KeyPair(ed.value.secret), x25519: x25519KeyPair(x.value.secret) });
}

/** Asks the browser not to evict this origin's storage; true when granted. */
export async function requestPersistence(): Promise<boolean> {
  if (typeof navigator === 'undefined' || navigator.storage?.persist === undefined) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

/** The browser's KeyVault: the functions above, as the port the device takes. */
export const idbKeyVault: KeyVault = { loadOrCreateDeviceKeys, saveMasterKey };
