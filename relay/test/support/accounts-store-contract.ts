/**
 * The contract of the accounts' store port (`AccountStore`, accounts/port.ts),
 * run against PGlite (unit project) and Postgres (integration project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStore, NewDevice } from '../../src/accounts/port.js';
import type { StoreLifecycle } from '../../src/ops/port.js';
import { DEVICE_ROW_BYTES } from '../../src/store/migrations.js';
import { b64Id } from '../../../testkit/src/identities.js';

const ACC_A = 'aa000001-0000-4000-8000-000000000000';
const ACC_B = 'aa000002-0000-4000-8000-000000000000';
const DEV_A1 = 'dd000001-0000-4000-8000-000000000000';
const DEV_A2 = 'dd000002-0000-4000-8000-000000000000';
const DEV_B1 = 'dd000003-0000-4000-8000-000000000000';

const device = (deviceId: string, k: number, label = 'phone'): NewDevice => ({
  deviceId,
  signingKey: b64Id(32, k),
  boxKey: b64Id(32, k + 100),
  label,
});

export function accountStoreContract(
  name: string,
  open: () => Promise<AccountStore & StoreLifecycle>,
  dispose?: () => Promise<void>,
): void {
  describe(`AccountStore contract: ${name}`, () => {
    let store: AccountStore & StoreLifecycle;
    beforeAll(async () => {
      store = await open();
      expect(await store.registerAccount(ACC_A, device(DEV_A1, 1))).toBe('created');
      expect(await store.registerAccount(ACC_B, device(DEV_B1, 3))).toBe('created');
    });
    afterAll(async () => {
      await store.close();
      await dispose?.();
    });

    it('registers idempotently and refuses a taken id', async () => {
      expect(await store.registerAccount(ACC_A, device(DEV_A1, 1, 'other label'))).toBe('same');
      expect(await store.registerAccount(ACC_A, device(DEV_A1, 9))).toBe('conflict');
      expect(await store.registerAccount(ACC_A, device(DEV_A2, 2))).toBe('conflict');
      expect(await store.addDevice(ACC_A, device(DEV_A2, 2, 'laptop'))).toBe('created');
      expect(await store.addDevice(ACC_A, device(DEV_A2, 2))).toBe('same');
      expect(await store.addDevice(ACC_A, device(DEV_A2, 7))).toBe('conflict');
      expect(await store.addDevice('aa0000ff-0000-4000-8000-000000000000', device(DEV_A2, 2))).toBe(
        'no-account',
      );
      const d = await store.getDevice(ACC_A, DEV_A2);
      expect(d).toMatchObject({
        deviceId: DEV_A2,
        signingKey: b64Id(32, 2),
        boxKey: b64Id(32, 102),
      });
      expect(d?.label).toBe('laptop');
      expect(d?.revokedAt).toBeNull();
      expect(await store.getDevice(ACC_B, DEV_A2)).toBeUndefined();
    });

    it('relabels, touches and revokes devices within their account only', async () => {
      expect(await store.relabelDevice(ACC_A, DEV_A2, 'work laptop')).toBe(true);
      expect(await store.relabelDevice(ACC_B, DEV_A2, 'stolen')).toBe(false);
      await store.touchDevice(ACC_A, DEV_A2);
      expect(await store.revokeDevice(ACC_B, DEV_A2)).toBe('not-found');
      expect(await store.revokeDevice(ACC_A, DEV_A2)).toBe('revoked');
      const first = (await store.getDevice(ACC_A, DEV_A2))?.revokedAt;
      expect(await store.revokeDevice(ACC_A, DEV_A2)).toBe('revoked');
      expect((await store.getDevice(ACC_A, DEV_A2))?.revokedAt).toBe(first);
      const list = await store.listDevices(ACC_A);
      expect(list.map((d) => d.deviceId)).toEqual([DEV_A1, DEV_A2]);
      expect(list[1]).toMatchObject({ label: 'work laptop' });
      expect(list[1]?.lastSeenAt).toBeTypeOf('number');
      expect(list[1]?.revokedAt).toBeTypeOf('number');
      expect((await store.listDevices(ACC_B)).map((d) => d.deviceId)).toEqual([DEV_B1]);
    });

    it('never revokes the last active device, even when two revoke each other at once', async () => {
      // A1 is A's only active device now (A2 was revoked above).
      expect(await store.revokeDevice(ACC_A, DEV_A1)).toBe('last-device');
      expect((await store.getDevice(ACC_A, DEV_A1))?.revokedAt).toBeNull();
      const acc = 'aa0000c0-0000-4000-8000-000000000000';
      const [x, y] = [
        'dd0000c1-0000-4000-8000-000000000000',
        'dd0000c2-0000-4000-8000-000000000000',
      ];
      expect(await store.registerAccount(acc, device(x, 40))).toBe('created');
      expect(await store.addDevice(acc, device(y, 41))).toBe('created');
      const both = await Promise.all([store.revokeDevice(acc, x), store.revokeDevice(acc, y)]);
      expect([...both].sort()).toEqual(['last-device', 'revoked']);
      const active = (await store.listDevices(acc)).filter((d) => d.revokedAt === null);
      expect(active).toHaveLength(1);
    });

    it('counts device rows: at most maxDevices, each one DEVICE_ROW_BYTES of the quota', async () => {
      const acc = 'aa0000d0-0000-4000-8000-000000000000';
      const dev = (n: number): string => `dd0000d${n}-0000-4000-8000-000000000000`;
      expect(await store.registerAccount(acc, device(dev(0), 50))).toBe('created');
      expect(await store.bytesUsed(acc)).toBe(DEVICE_ROW_BYTES);
      const limits = { maxDevices: 3, quotaBytes: 1_000_000 };
      expect(await store.addDevice(acc, device(dev(1), 51), limits)).toBe('created');
      expect(await store.revokeDevice(acc, dev(1))).toBe('revoked');
      // A revoked row still counts: ids are never reused, and rows stay bounded.
      expect(await store.addDevice(acc, device(dev(2), 52), limits)).toBe('created');
      expect(await store.addDevice(acc, device(dev(3), 53), limits)).toBe('too-many');
      expect(await store.addDevice(acc, device(dev(2), 52), limits)).toBe('same');
      expect(await store.bytesUsed(acc)).toBe(3 * DEVICE_ROW_BYTES);
      const tight = { maxDevices: 10, quotaBytes: 3 * DEVICE_ROW_BYTES + DEVICE_ROW_BYTES - 1 };
      expect(await store.addDevice(acc, device(dev(3), 53), tight)).toBe('quota');
      const exact = { maxDevices: 10, quotaBytes: 4 * DEVICE_ROW_BYTES };
      expect(await store.addDevice(acc, device(dev(3), 53), exact)).toBe('created');
      expect((await store.listDevices(acc)).length).toBe(4);
    });
  });
}
