/**
 * The contract every SyncStore implementation passes (memory in the unit
 * project, IndexedDB in the browser project).
 */
import { describe, expect, it } from 'vitest';
import type {
  NewQueueEntry,
  SyncSettings,
  SyncStore,
} from '../../../client/src/storage/sync-state';

const entry = (n: number, extra: Partial<NewQueueEntry> = {}): NewQueueEntry => ({
  streamId: 'c3RyZWFt',
  eventId: `ev${n}`,
  data: `ZGF0YQ${n}`,
  ...extra,
});

const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

export function runSyncStoreContract(
  name: string,
  open: () => Promise<{ store: SyncStore; reopen: () => Promise<SyncStore> }>,
): void {
  describe(`SyncStore contract: ${name}`, () => {
    it('keeps settings', async () => {
      const { store, reopen } = await open();
      expect(must(await store.loadSettings())).toBeUndefined();
      const settings: SyncSettings = {
        enabled: true,
        relayUrl: 'https://relay.example',
        accountId: 'aa000001-0000-4000-8000-000000000000',
        deviceId: 'dd000001-0000-4000-8000-000000000000',
        registered: false,
      };
      must(await store.saveSettings(settings));
      const again = await reopen();
      expect(must(await again.loadSettings())).toEqual(settings);
    });

    it('keeps the queue in order across a reopen, each event id once', async () => {
      const { store, reopen } = await open();
      expect(must(await store.enqueue([entry(1), entry(2, { coversSeq: 7 }), entry(1)]))).toBe(2);
      expect(must(await store.enqueue([entry(2), entry(3)]))).toBe(1);
      const again = await reopen();
      const queued = must(await again.peek(10));
      expect(queued.map((e) => e.eventId)).toEqual(['ev1', 'ev2', 'ev3']);
      expect(queued[1]?.coversSeq).toBe(7);
      expect(queued[0]?.coversSeq).toBeUndefined();
      expect(queued.map((e) => e.key)).toEqual([...queued.map((e) => e.key)].sort((a, b) => a - b));
      expect(must(await again.peek(2)).map((e) => e.eventId)).toEqual(['ev1', 'ev2']);
      expect(must(await again.count())).toBe(3);
    });

    it('removes only what it is told to; removed ids stay known', async () => {
      const { store } = await open();
      must(await store.enqueue([entry(1), entry(2), entry(3)]));
      const [first, , third] = must(await store.peek(10));
      must(await store.remove([first?.key ?? -1, third?.key ?? -1]));
      expect(must(await store.peek(10)).map((e) => e.eventId)).toEqual(['ev2']);
      expect(must(await store.enqueue([entry(1)]))).toBe(0);
      expect(must(await store.unknown(['ev1', 'ev2', 'ev4']))).toEqual(['ev4']);
    });

    it('rewrites an entry in place', async () => {
      const { store } = await open();
      must(await store.enqueue([entry(1, { coversSeq: 3 }), entry(2)]));
      const [first] = must(await store.peek(1));
      if (first === undefined) throw new Error('empty queue');
      const { coversSeq: _gone, ...plain } = first;
      must(await store.update(plain));
      const [updated, second] = must(await store.peek(10));
      expect(updated).toEqual(plain);
      expect(second?.eventId).toBe('ev2');
    });

    it('marks ids known, and forgets those neither kept nor queued', async () => {
      const { store } = await open();
      must(await store.markKnown(['k1', 'k2', 'k3']));
      must(await store.enqueue([entry(1)]));
      expect(must(await store.unknown(['k1', 'k2', 'k3', 'ev1', 'x']))).toEqual(['x']);
      must(await store.retainKnown(new Set(['k2'])));
      expect(must(await store.unknown(['k1', 'k2', 'k3', 'ev1']))).toEqual(['k1', 'k3']);
    });

    it('keeps cursors, and forgets them, the queue and known ids for another relay', async () => {
      const { store, reopen } = await open();
      must(
        await store.setCursors(
          new Map([
            ['s1', 4],
            ['s2', 9],
          ]),
        ),
      );
      must(await store.setCursors(new Map([['s1', 5]])));
      must(await store.enqueue([entry(1)]));
      const again = await reopen();
      expect(must(await again.cursors())).toEqual(
        new Map([
          ['s1', 5],
          ['s2', 9],
        ]),
      );
      must(await again.resetRelayState());
      expect(must(await again.cursors())).toEqual(new Map());
      expect(must(await again.count())).toBe(0);
      expect(must(await again.unknown(['ev1']))).toEqual(['ev1']);
    });

    it('answers closed after close', async () => {
      const { store } = await open();
      store.close();
      const r = await store.count();
      expect(r.ok ? undefined : r.error.code).toBe('closed');
    });
  });
}
