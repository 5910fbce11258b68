/**
 * Received records are kept as they came: the bytes another device pushed are
 * the bytes in this device's log, so a record has one id on the sender, the
 * relay and here; nothing is sealed again on the way in, nothing received goes
 * back into the outbox, and a crash before the id is marked known costs only a
 * push the relay answers as a duplicate.
 */
import { parseFrames, toBase64, type ClientMessage, type ServerMessage } from '@cairn/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logFileName } from '../../../src/storage/document-store';
import { DocumentCipher } from '../../../src/storage/sealed-log';
import type { SyncStoreResult } from '../../../src/storage/sync-state';
import { MemorySyncStore } from '../../../src/sync/memory-sync-store';
import { COALESCE_MS } from '../../../src/sync/session/relay-connection';
import { eventIdOf } from '../../../src/sync/wire';
import { FakeRelay, ManualTimers, settle } from './fakes';
import { items, makeDevice, openStore, type TestDevice } from './setup';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Another device's writes: its sealed records, not on the relay yet. */
async function peerRecords(count: number) {
  const records: Uint8Array[] = [];
  const { store } = await openStore((e) => records.push(e.record));
  for (let i = 0; i < count; i++) {
    const r = await store.change('notes', (d) => {
      d.items[`p${i}`] = `${i}`;
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  return { store, records, stream: toBase64(store.streamId('notes')) };
}

function logRecords(d: TestDevice): Uint8Array[] {
  return parseFrames(d.files.bytes(logFileName('notes')) ?? new Uint8Array()).records;
}

const pushes = (relay: FakeRelay): Extract<ClientMessage, { type: 'push' }>[] =>
  relay.received.flatMap((m) => (m.type === 'push' ? [m] : []));

describe('received records', () => {
  it('are kept as they came: the same bytes and the same id on the sender, the relay and here', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const peer = await peerRecords(3);
    for (const r of peer.records) relay.inject(peer.stream, eventIdOf(r), toBase64(r));
    await timers.advance(COALESCE_MS);
    expect(items(d.store)).toEqual(items(peer.store));

    const own = new Set(d.captured.map((e) => eventIdOf(e.record)));
    const received = logRecords(d).filter((r) => !own.has(eventIdOf(r)));
    // The peer's first record holds only the shared starting state, which this device
    // had already: it brought nothing and is not kept. Every other one is, byte for byte.
    expect(received).toEqual(peer.records.slice(1));
    const onRelay = new Map(relay.events(peer.stream).map((e) => [e.eventId, e.data]));
    for (const r of received) expect(onRelay.get(eventIdOf(r))).toBe(toBase64(r));

    // Their ids are known: a restart's scan finds nothing to push.
    const before = pushes(relay).length;
    await d.engine.stop();
    const again = await makeDevice(relay, timers, {
      syncStore: d.syncStore.reopen(),
      files: d.files,
      enable: false,
    });
    await timers.advance(0);
    expect(again.engine.status.get()).toEqual({ kind: 'synced' });
    expect(pushes(relay)).toHaveLength(before);
  });

  it('are not sealed again, and nothing received goes back into the outbox', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    await d.write('mine', '1');
    await settle();
    const captured = d.captured.length;
    const pushed = pushes(relay).length;
    const peer = await peerRecords(5);
    const seal = vi.spyOn(DocumentCipher.prototype, 'seal');
    for (const r of peer.records) relay.inject(peer.stream, eventIdOf(r), toBase64(r));
    await timers.advance(COALESCE_MS);
    await d.store.idle();
    await settle();
    expect(items(d.store)).toEqual({ ...items(peer.store), mine: '1' });
    expect(seal).not.toHaveBeenCalled();
    expect(d.captured).toHaveLength(captured);
    expect(pushes(relay)).toHaveLength(pushed);
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 0 });
  });

  it('after a crash before their ids were marked known, are pushed once more under the same ids and acknowledged as duplicates', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    // The write that marks received ids known is lost, as in a crash right after the append.
    class LosingKnown extends MemorySyncStore {
      lose = true;
      override markKnown(eventIds: readonly string[]): Promise<SyncStoreResult<void>> {
        return this.lose
          ? Promise.resolve({ ok: true, value: undefined })
          : super.markKnown(eventIds);
      }
    }
    const syncStore = new LosingKnown();
    const d = await makeDevice(relay, timers, { syncStore });
    const peer = await peerRecords(3);
    const events = peer.records.map((r) => relay.inject(peer.stream, eventIdOf(r), toBase64(r)));
    await timers.advance(COALESCE_MS);
    const kept = logRecords(d).filter((r) => peer.records.some((p) => toBase64(p) === toBase64(r)));
    expect(kept).toEqual(peer.records.slice(1));
    const heads = relay.events(peer.stream).length;

    await d.engine.stop();
    syncStore.lose = false;
    const before = relay.received.length;
    const sentBefore = relay.sent.length;
    const restarted = await makeDevice(relay, timers, {
      syncStore: syncStore.reopen(),
      files: d.files,
      enable: false,
    });
    await timers.advance(0);
    const again = relay.received.slice(before).flatMap((m) => (m.type === 'push' ? [m] : []));
    expect(again.map((m) => m.eventId).sort()).toEqual(kept.map(eventIdOf).sort());
    const acks = relay.sent
      .slice(sentBefore)
      .filter(
        (m): m is Extract<ServerMessage, { type: 'ack' }> =>
          m.type === 'ack' && again.some((p) => p.id === m.ref),
      );
    const seqOf = new Map(events.map((e) => [e.eventId, e.seq]));
    expect(acks.map((a) => a.duplicate)).toEqual(again.map(() => true));
    expect(acks.map((a) => a.seq).sort()).toEqual(again.map((p) => seqOf.get(p.eventId)).sort());
    expect(relay.events(peer.stream)).toHaveLength(heads);
    expect(restarted.engine.status.get()).toEqual({ kind: 'synced' });
    expect(await syncStore.count()).toEqual({ ok: true, value: 0 });
  });
});
