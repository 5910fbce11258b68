/**
 * The contract of the recovery feature's store port (`RecoveryStore`,
 * recovery/port.ts; accounts set up through `AccountStore`), run against PGlite (unit
 * project) and Postgres (integration project): one blob per account, replay
 * refusal through the account's recovery clock, ids owned by one account,
 * and the per-database relay secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStore, NewDevice } from '../../src/accounts/port.js';
import type { StoreLifecycle } from '../../src/ops/port.js';
import type { RecoveryStore, StoredRecovery } from '../../src/recovery/port.js';

type Store = RecoveryStore & AccountStore & StoreLifecycle;
import { b64Id } from '../../../testkit/src/identities.js';

const ACC_A = 'aa000011-0000-4000-8000-000000000000';
const ACC_B = 'aa000012-0000-4000-8000-000000000000';
const NO_ACC = 'aa0000ff-0000-4000-8000-0000000000ff';
const device = (deviceId: string, k: number): NewDevice => ({
  deviceId,
  signingKey: b64Id(32, k),
  boxKey: b64Id(32, k + 100),
  label: 'phone',
});

/** A blob-shaped record: version byte, then filler; restore key filler. */
const record = (id: number, fill: number): StoredRecovery => {
  const blob = Buffer.alloc(89, fill);
  blob[0] = 1;
  return {
    recoveryId: id.toString(16).padStart(2, '0').repeat(32),
    blob: blob.toString('base64'),
    restoreKey: b64Id(32, fill),
  };
};

export function recoveryStoreContract(
  name: string,
  open: () => Promise<Store>,
  dispose?: () => Promise<void>,
): void {
  describe(`RelayStore recovery contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
      expect(
        await store.registerAccount(ACC_A, device('dd000011-0000-4000-8000-000000000000', 11)),
      ).toBe('created');
      expect(
        await store.registerAccount(ACC_B, device('dd000012-0000-4000-8000-000000000000', 12)),
      ).toBe('created');
    });
    afterAll(async () => {
      await store.close();
      await dispose?.();
    });

    it('stores a blob, reads it back by recovery id alone, and knows nothing of other ids', async () => {
      const r = record(0xa1, 7);
      expect(await store.putRecovery(ACC_A, r, 1000)).toBe('stored');
      expect(await store.getRecovery(r.recoveryId)).toEqual({
        accountId: ACC_A,
        blob: r.blob,
        restoreKey: r.restoreKey,
      });
      expect(await store.getRecovery(record(0xa2, 7).recoveryId)).toBeUndefined();
      const mine = await store.accountRecovery(ACC_A);
      expect(mine?.recoveryId).toBe(r.recoveryId);
      expect(mine?.updatedAt).toBeTypeOf('number');
      expect(await store.accountRecovery(ACC_B)).toBeUndefined();
    });

    it('refuses a signedAt not after the last accepted put or delete (replays)', async () => {
      const r = record(0xa1, 8);
      expect(await store.putRecovery(ACC_A, r, 1000)).toBe('stale');
      expect(await store.putRecovery(ACC_A, r, 999)).toBe('stale');
      expect((await store.getRecovery(r.recoveryId))?.blob).toBe(record(0xa1, 7).blob);
      expect(await store.putRecovery(ACC_A, r, 1001)).toBe('stored');
      expect((await store.getRecovery(r.recoveryId))?.blob).toBe(r.blob);
      expect(await store.deleteRecovery(ACC_A, r.recoveryId, 1001)).toBe('stale');
      expect(await store.getRecovery(r.recoveryId)).toBeDefined();
    });

    it('keeps one blob per account: a new recovery id replaces the old one', async () => {
      const next = record(0xa3, 9);
      expect(await store.putRecovery(ACC_A, next, 2000)).toBe('stored');
      expect(await store.getRecovery(record(0xa1, 0).recoveryId)).toBeUndefined();
      expect((await store.getRecovery(next.recoveryId))?.accountId).toBe(ACC_A);
    });

    it('lets no other account take, replace or delete a recovery id', async () => {
      const a = record(0xa3, 9);
      expect(await store.putRecovery(ACC_B, record(0xa3, 5), 3000)).toBe('taken');
      expect(await store.deleteRecovery(ACC_B, a.recoveryId, 3001)).toBe('not-found');
      expect(await store.getRecovery(a.recoveryId)).toEqual({
        accountId: ACC_A,
        blob: a.blob,
        restoreKey: a.restoreKey,
      });
      // B's own blob lives beside A's.
      expect(await store.putRecovery(ACC_B, record(0xb1, 4), 3002)).toBe('stored');
      expect((await store.getRecovery(record(0xb1, 0).recoveryId))?.accountId).toBe(ACC_B);
      expect((await store.getRecovery(a.recoveryId))?.accountId).toBe(ACC_A);
    });

    it('deletes, then answers not-found without moving the clock', async () => {
      const a = record(0xa3, 9);
      expect(await store.deleteRecovery(ACC_A, a.recoveryId, 4000)).toBe('deleted');
      expect(await store.getRecovery(a.recoveryId)).toBeUndefined();
      expect(await store.accountRecovery(ACC_A)).toBeUndefined();
      expect(await store.deleteRecovery(ACC_A, a.recoveryId, 4001)).toBe('not-found');
      // 4001 was not accepted, so it is still usable; 4000 is not.
      expect(await store.putRecovery(ACC_A, a, 4000)).toBe('stale');
      expect(await store.putRecovery(ACC_A, a, 4001)).toBe('stored');
      // A deleted id can be stored again, even by another account.
      expect(await store.deleteRecovery(ACC_A, a.recoveryId, 4002)).toBe('deleted');
      expect(await store.putRecovery(ACC_B, a, 4003)).toBe('stored');
      expect((await store.getRecovery(a.recoveryId))?.accountId).toBe(ACC_B);
    });

    it('answers no-account for an account it does not have', async () => {
      expect(await store.putRecovery(NO_ACC, record(0xc1, 1), 1)).toBe('no-account');
      expect(await store.deleteRecovery(NO_ACC, record(0xc1, 1).recoveryId, 1)).toBe('no-account');
      expect(await store.getRecovery(record(0xc1, 1).recoveryId)).toBeUndefined();
    });

    it('makes a replacement or removal wait for its time, any device may cancel it', async () => {
      const acc = 'aa000013-0000-4000-8000-000000000000';
      const dev = 'dd000013-0000-4000-8000-000000000000';
      expect(await store.registerAccount(acc, device(dev, 13))).toBe('created');
      const t0 = 1_800_000_000_000;
      const later = (ms: number) => ({ now: t0 + ms, delayMs: 1000, deviceId: dev });
      const first = record(0xd1, 1);
      const second = record(0xd2, 2);
      // The account's first blob is stored at once: there is nothing to lose yet.
      expect(await store.putRecovery(acc, first, 10, later(0))).toBe('stored');
      expect(await store.putRecovery(acc, second, 11, later(0))).toBe('pending');
      // Until its time, the old blob holds and the new id is unknown; every device sees it.
      expect((await store.getRecovery(first.recoveryId, t0 + 999))?.blob).toBe(first.blob);
      expect(await store.getRecovery(second.recoveryId, t0 + 999)).toBeUndefined();
      expect((await store.accountRecovery(acc, t0 + 999))?.pending).toEqual({
        op: 'replace',
        effectiveAt: t0 + 1000,
        requestedBy: dev,
        recoveryId: second.recoveryId,
      });
      // Cancelled: nothing changes, ever; a replayed cancel is stale.
      expect(await store.cancelRecovery(acc, 12, t0 + 500)).toBe('cancelled');
      expect(await store.cancelRecovery(acc, 12, t0 + 500)).toBe('stale');
      expect(await store.cancelRecovery(acc, 13, t0 + 500)).toBe('none');
      expect((await store.getRecovery(first.recoveryId, t0 + 5000))?.blob).toBe(first.blob);
      expect((await store.accountRecovery(acc, t0 + 5000))?.pending).toBeUndefined();
      // Not cancelled: at its time it takes effect, on the first read.
      expect(await store.putRecovery(acc, second, 14, later(0))).toBe('pending');
      expect((await store.getRecovery(second.recoveryId, t0 + 1000))?.blob).toBe(second.blob);
      expect(await store.getRecovery(first.recoveryId, t0 + 1000)).toBeUndefined();
      // A removal waits the same way, and the sweep applies it without any read.
      expect(await store.deleteRecovery(acc, second.recoveryId, 15, later(2000))).toBe('pending');
      expect(await store.applyDueRecovery(t0 + 2999)).toBe(0);
      expect((await store.accountRecovery(acc, t0 + 2999))?.pending?.op).toBe('delete');
      expect(await store.applyDueRecovery(t0 + 3000)).toBe(1);
      expect(await store.getRecovery(second.recoveryId, t0 + 3000)).toBeUndefined();
      expect(await store.accountRecovery(acc, t0 + 3000)).toBeUndefined();
    });

    it('keeps the first relay secret it was given', async () => {
      const first = b64Id(32, 0x11);
      expect(await store.relaySecret('test-secret', first)).toBe(first);
      expect(await store.relaySecret('test-secret', b64Id(32, 0x22))).toBe(first);
      expect(await store.relaySecret('other-secret', b64Id(32, 0x33))).toBe(b64Id(32, 0x33));
    });
  });
}
