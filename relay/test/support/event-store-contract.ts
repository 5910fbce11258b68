/**
 * The contract of the sync feature's store port (`EventStore`, sync/port.ts),
 * run against PGlite (unit project) and Postgres (integration project). It
 * sets accounts up and reads their quota through the accounts' port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStore, NewDevice } from '../../src/accounts/port.js';
import type { StoreLifecycle } from '../../src/ops/port.js';
import type { EventStore, PushItem } from '../../src/sync/port.js';
import { b64Id, fakeRecord } from '../../../testkit/src/identities.js';

const ACC_A = 'aa000001-0000-4000-8000-000000000000';
const ACC_B = 'aa000002-0000-4000-8000-000000000000';
const DEV_A1 = 'dd000001-0000-4000-8000-000000000000';
const DEV_B1 = 'dd000003-0000-4000-8000-000000000000';
const S1 = b64Id(32, 1);
const S2 = b64Id(32, 2);
const QUOTA = { quotaBytes: 1_000_000 };
const PAGE = { limit: 1000, maxBytes: 1_000_000 };

const device = (deviceId: string, k: number, label = 'phone'): NewDevice => ({
  deviceId,
  signingKey: b64Id(32, k),
  boxKey: b64Id(32, k + 100),
  label,
});

let nextEvent = 1;
function item(accountId: string, streamId: string, over: Partial<PushItem> = {}): PushItem {
  const n = nextEvent++;
  const e = Buffer.alloc(16);
  e.writeUInt32BE(n, 12);
  return {
    accountId,
    deviceId: accountId === ACC_A ? DEV_A1 : DEV_B1,
    streamId,
    eventId: e.toString('base64'),
    data: fakeRecord(64, n % 256),
    bytes: 64,
    ...over,
  };
}

export function eventStoreContract(
  name: string,
  open: () => Promise<EventStore & AccountStore & StoreLifecycle>,
  dispose?: () => Promise<void>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore & AccountStore & StoreLifecycle;
    beforeAll(async () => {
      store = await open();
      expect(await store.registerAccount(ACC_A, device(DEV_A1, 1))).toBe('created');
      expect(await store.registerAccount(ACC_B, device(DEV_B1, 3))).toBe('created');
    });
    afterAll(async () => {
      await store.close();
      await dispose?.();
    });

    it('starts at most maxStreams streams per account', async () => {
      const acc = 'aa0000e0-0000-4000-8000-000000000000';
      expect(
        await store.registerAccount(acc, device('dd0000e0-0000-4000-8000-000000000000', 60)),
      ).toBe('created');
      const at = (n: number): PushItem => ({
        ...item(ACC_A, b64Id(32, 0xe0 + n)),
        accountId: acc,
        deviceId: 'dd0000e0-0000-4000-8000-000000000000',
      });
      const opts = { quotaBytes: 1_000_000, maxStreams: 2 };
      const [one, two, three, oneAgain] = [at(0), at(1), at(2), at(0)];
      const out = await store.append([one, two, three, oneAgain], opts);
      expect(out.map((o) => (o.ok ? o.seq : o.code))).toEqual([1, 1, 'quota', 2]);
      expect((await store.append([at(3)], opts))[0]).toMatchObject({ ok: false, code: 'quota' });
      expect((await store.append([at(1)], opts))[0]).toMatchObject({ ok: true, seq: 2 });
      expect((await store.listStreams(acc)).length).toBe(2);
    });

    it('numbers a stream 1, 2, 3… and answers a retry with the original seq', async () => {
      const [a, b, c] = [item(ACC_A, S1), item(ACC_A, S1), item(ACC_A, S1)];
      const first = await store.append([a, b, a], QUOTA);
      expect(first).toEqual([
        { ok: true, seq: 1, duplicate: false },
        { ok: true, seq: 2, duplicate: false },
        { ok: true, seq: 1, duplicate: true },
      ]);
      expect(await store.append([b, c], QUOTA)).toEqual([
        { ok: true, seq: 2, duplicate: true },
        { ok: true, seq: 3, duplicate: false },
      ]);
      const page = await store.pull(ACC_A, S1, 0, PAGE);
      expect(page.events.map((e) => [e.seq, e.eventId, e.data])).toEqual([
        [1, a.eventId, a.data],
        [2, b.eventId, b.data],
        [3, c.eventId, c.data],
      ]);
      expect(page).toMatchObject({ head: 3, hasMore: false, next: 3 });
    });

    it('keeps accounts and streams apart, even with equal ids', async () => {
      const shared = item(ACC_A, S2);
      const same = { ...shared, accountId: ACC_B, deviceId: DEV_B1 };
      expect(await store.append([shared, same], QUOTA)).toEqual([
        { ok: true, seq: 1, duplicate: false },
        { ok: true, seq: 1, duplicate: false },
      ]);
      expect((await store.pull(ACC_B, S1, 0, PAGE)).events).toEqual([]);
      expect((await store.pull(ACC_B, S2, 0, PAGE)).events).toHaveLength(1);
      expect(await store.range(ACC_B, S1, 1, 10)).toEqual([]);
      const streamsB = await store.listStreams(ACC_B);
      expect(streamsB).toEqual([{ streamId: S2, head: 1 }]);
    });

    it('pages by count and by bytes, always at least one event', async () => {
      const s = b64Id(32, 3);
      const items = Array.from({ length: 7 }, () => item(ACC_A, s));
      await store.append(items, QUOTA);
      const p1 = await store.pull(ACC_A, s, 0, { limit: 3, maxBytes: 1_000_000 });
      expect(p1.events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(p1).toMatchObject({ hasMore: true, next: 3, head: 7 });
      // At most maxBytes of sealed data: two 64-byte events fit 130 bytes, a third would not.
      const p2 = await store.pull(ACC_A, s, 3, { limit: 100, maxBytes: 130 });
      expect(p2.events.map((e) => e.seq)).toEqual([4, 5]);
      expect(p2).toMatchObject({ hasMore: true, next: 5 });
      const exact = await store.pull(ACC_A, s, 3, { limit: 100, maxBytes: 128 });
      expect(exact.events.map((e) => e.seq)).toEqual([4, 5]);
      const under = await store.pull(ACC_A, s, 3, { limit: 100, maxBytes: 127 });
      expect(under.events.map((e) => e.seq)).toEqual([4]);
      const p3 = await store.pull(ACC_A, s, 6, { limit: 100, maxBytes: 1 });
      // The first due event comes whatever its size.
      expect(p3.events.map((e) => e.seq)).toEqual([7]);
      expect(p3).toMatchObject({ hasMore: false, next: 7 });
      const p4 = await store.pull(ACC_A, s, 7, PAGE);
      expect(p4).toMatchObject({ events: [], hasMore: false, next: 7, head: 7 });
      expect((await store.range(ACC_A, s, 2, 4)).map((e) => e.seq)).toEqual([2, 3, 4]);
    });

    it('bootstraps from the snapshot covering the most, then the events after it', async () => {
      const s = b64Id(32, 4);
      await store.append([item(ACC_A, s), item(ACC_A, s), item(ACC_A, s)], QUOTA);
      const none = await store.bootstrap(ACC_A, s, PAGE);
      expect(none.snapshot).toBeUndefined();
      expect(none).toMatchObject({ after: 0, head: 3, next: 3, hasMore: false });
      expect(none.events).toHaveLength(3);

      const snapA = item(ACC_A, s, { coversSeq: 2 }); // seq 4
      const late = item(ACC_A, s); // seq 5
      const snapB = item(ACC_A, s, { coversSeq: 3 }); // seq 6
      const last = item(ACC_A, s); // seq 7
      await store.append([snapA, late, snapB, last], QUOTA);
      const boot = await store.bootstrap(ACC_A, s, PAGE);
      expect(boot.snapshot).toEqual({
        seq: 6,
        eventId: snapB.eventId,
        data: snapB.data,
        coversSeq: 3,
      });
      expect(boot.after).toBe(3);
      expect(boot.events.map((e) => e.seq)).toEqual([4, 5, 7]);
      expect(boot.events[0]?.coversSeq).toBe(2);
      expect(boot).toMatchObject({ head: 7, next: 7, hasMore: false });
      const paged = await store.bootstrap(ACC_A, s, { limit: 1, maxBytes: 1_000_000 });
      expect(paged.events.map((e) => e.seq)).toEqual([4]);
      expect(paged).toMatchObject({ hasMore: true, next: 4 });
      expect(await store.listStreams(ACC_A)).toContainEqual({
        streamId: s,
        head: 7,
        snapshotCovers: 3,
      });
    });

    it('counts the snapshot in a bootstrap page: past the budget, the events come next page', async () => {
      const s = b64Id(32, 0x0b);
      await store.append([item(ACC_A, s), item(ACC_A, s)], QUOTA);
      await store.append([item(ACC_A, s, { coversSeq: 1 })], QUOTA);
      // The snapshot (64 bytes) fills the page's 64 bytes: events 2 waits for a pull.
      const full = await store.bootstrap(ACC_A, s, { limit: 10, maxBytes: 64 });
      expect(full.snapshot?.seq).toBe(3);
      expect(full.events).toEqual([]);
      expect(full).toMatchObject({ after: 1, hasMore: true, next: 1, head: 3 });
      const room = await store.bootstrap(ACC_A, s, { limit: 10, maxBytes: 128 });
      expect(room.events.map((e) => e.seq)).toEqual([2]);
      expect(room).toMatchObject({ hasMore: false, next: 3 });
    });

    it('does not stop after the excluded snapshot when it is the head', async () => {
      const s = b64Id(32, 5);
      await store.append([item(ACC_A, s), item(ACC_A, s)], QUOTA);
      await store.append([item(ACC_A, s, { coversSeq: 1 })], QUOTA);
      const boot = await store.bootstrap(ACC_A, s, { limit: 1, maxBytes: 1_000_000 });
      expect(boot.events.map((e) => e.seq)).toEqual([2]);
      expect(boot).toMatchObject({ after: 1, hasMore: false, next: 3, head: 3 });
    });

    it('refuses a snapshot covering beyond the head, and a push over quota', async () => {
      const s = b64Id(32, 6);
      const [ok1, tooFar, big, ok2] = [
        item(ACC_B, s),
        item(ACC_B, s, { coversSeq: 5 }),
        item(ACC_B, s, { bytes: 10_000 }),
        item(ACC_B, s),
      ];
      const before = await store.bytesUsed(ACC_B);
      const out = await store.append([ok1, tooFar, big, ok2], { quotaBytes: before + 1000 });
      expect(out[0]).toEqual({ ok: true, seq: 1, duplicate: false });
      expect(out[1]).toMatchObject({ ok: false, code: 'bad-cover' });
      expect(out[2]).toMatchObject({ ok: false, code: 'quota' });
      expect(out[3]).toEqual({ ok: true, seq: 2, duplicate: false });
      expect(await store.bytesUsed(ACC_B)).toBe(before + 128);
    });

    it('stores nothing and burns no seq when the transaction fails', async () => {
      const s = b64Id(32, 7);
      const a = item(ACC_A, s);
      await expect(
        store.append([a], {
          ...QUOTA,
          beforeCommit: () => {
            throw new Error('injected crash before commit');
          },
        }),
      ).rejects.toThrow('injected crash');
      expect((await store.pull(ACC_A, s, 0, PAGE)).events).toEqual([]);
      expect(await store.append([item(ACC_A, s), a], QUOTA)).toEqual([
        { ok: true, seq: 1, duplicate: false },
        { ok: true, seq: 2, duplicate: false },
      ]);
    });

    it('gives concurrent appends to one stream distinct, gapless seqs', async () => {
      const s = b64Id(32, 8);
      const items = Array.from({ length: 30 }, () => item(ACC_A, s));
      const outs = await Promise.all(
        items.map((i, n) => store.append(n % 3 === 0 ? [i, items[0] ?? i] : [i], QUOTA)),
      );
      const seqs = outs.map((o) => (o[0]?.ok ? o[0].seq : -1)).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
      const page = await store.pull(ACC_A, s, 0, PAGE);
      expect(page.events.map((e) => e.seq)).toEqual(seqs);
      expect(new Set(page.events.map((e) => e.eventId)).size).toBe(30);
    });

    it('stores large sealed bytes exactly', async () => {
      const s = b64Id(32, 9);
      const data = Buffer.alloc(300_000);
      for (let k = 0; k < data.length; k++) data[k] = (k * 7919) % 251;
      const big = item(ACC_A, s, { data: data.toString('base64'), bytes: data.length });
      await store.append([big], QUOTA);
      const got = await store.pull(ACC_A, s, 0, PAGE);
      expect(got.events[0]?.data).toBe(big.data);
    });
  });
}
