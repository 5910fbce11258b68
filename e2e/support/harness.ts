/**
 * A harness device (test/support/harness-device.ts) joined to a browser's account, as
 * the second device of e2e tests, through the real server on a real Postgres.
 *
 * How the harness joins the browser's account without pairing: the test reads the
 * browser's K_master the way any script of the page's origin could (the wrapping key is
 * non-extractable but usable: WebCrypto unwraps it inside the page), and the account id
 * from the sync settings in IndexedDB. It then adds the harness's device to that account
 * with the relay's own store API on the shared Postgres, as a second relay process
 * would. Nothing in the product exists for the test's sake.
 */
import { ed25519KeyPair, fromHex, toBase64, x25519KeyPair } from '@cairn/shared';
import type { Page } from 'playwright-core';
import type { RelayStore } from '../../relay/src/store/types.js';
import { HarnessDevice } from '../../test/support/harness-device.js';

/** K_master and the account id of the browser device (see the header). */
export async function browserAccount(
  page: Page,
): Promise<{ kMaster: Uint8Array; accountId: string }> {
  const found = await page.evaluate(async () => {
    const get = (db: string, storeName: string, key: string): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(new Error(`cannot open ${db}`));
        open.onsuccess = () => {
          const req = open.result.transaction(storeName).objectStore(storeName).get(key);
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(new Error(`cannot read ${db}/${key}`));
        };
      });
    const wrapping = await get('cairn-keys', 'keys', 'wrapping-key');
    const entry = await get('cairn-keys', 'keys', 'k-master');
    const settings = await get('cairn-sync', 'settings', 'settings');
    if (!(wrapping instanceof CryptoKey)) throw new Error('no wrapping key');
    const { iv, wrapped } = entry as { iv: Uint8Array; wrapped: Uint8Array };
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: new Uint8Array(iv),
        additionalData: new TextEncoder().encode('cairn-key-v1:k-master'),
      },
      wrapping,
      new Uint8Array(wrapped),
    );
    return {
      kMaster: [...new Uint8Array(plain)],
      accountId: (settings as { accountId: string }).accountId,
    };
  });
  return { kMaster: new Uint8Array(found.kMaster), accountId: found.accountId };
}

/**
 * A harness device in the browser's account (sync must be on in the browser), syncing.
 * `seed` (one byte, as two hex digits) makes its keys and device id.
 */
export async function joinHarness(
  page: Page,
  store: RelayStore,
  relayUrl: string,
  label: string,
  seed = 'e2',
): Promise<HarnessDevice> {
  const { kMaster, accountId } = await browserAccount(page);
  const identity = {
    accountId,
    deviceId: `d0e2e000-0000-4000-8000-0000000000${seed}`,
    signing: ed25519KeyPair(fromHex(seed.repeat(32))),
    box: x25519KeyPair(fromHex(`${seed}`.repeat(31) + 'ff')),
    label,
  };
  const added = await store.addDevice(accountId, {
    deviceId: identity.deviceId,
    signingKey: toBase64(identity.signing.publicKey),
    boxKey: toBase64(identity.box.publicKey),
    label: identity.label,
  });
  if (added !== 'created') throw new Error(`the relay did not add the harness device: ${added}`);
  const h = await HarnessDevice.open({ relayUrl, kMaster, identity, registered: true });
  await h.enableSync();
  return h;
}
