/**
 * The push side of the sync engine against a fake relay: capture into the
 * persisted queue, drain in order, removal only on ack, idempotent retry,
 * the startup scan, refusals and the status the UI shows.
 */
import { toBase64 } from '@cairn/shared';
import { describe, expect, it } from 'vitest';
import { MemorySyncStore } from '../../../src/sync/memory-sync-store';
import { FakeRelay, ManualTimers, settle } from './fakes';
import { ACCOUNT, RELAY_URL, deviceId, makeDevice, pushable } from './setup';

describe('push queue', () => {
  it('queues every local record while offline and drains it in order on connect', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.down = true;
    const d = await makeDevice(relay, timers);
    await d.write('a', '1');
    await d.write('b', '2');
    await d.write('c', '3');
    await settle();
    const expected = pushable(d.captured);
    // The first write also logs the document's starting state: 4 records for 3 edits.
    expect(expected).toHaveLength(4);
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 4 });
    expect((await d.syncStore.count()).ok && d.replica.progress.get().queued).toBe(4);

    relay.down = false;
    await timers.advance(1000);
    expect(
      relay.events(d.streamOf('notes')).map((e) => ({ eventId: e.eventId, data: e.data })),
    ).toEqual(expected);
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 0 });
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });

  it('keeps an entry until its ack, and a retry after a lost ack is stored once', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    await d.write('a', '1');
    await settle();
    const stream = d.streamOf('notes');
    expect(relay.events(stream)).toHaveLength(2);
    relay.loseAcks = 1;
    await d.write('b', '2');
    await settle();
    // The relay stored the record, but the connection died before the ack.
    expect(relay.events(stream)).toHaveLength(3);
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 1 });
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 1 });

    await timers.advance(1000);
    expect(relay.events(stream)).toHaveLength(3);
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 0 });
    const pushes = relay.received.flatMap((m) => (m.type === 'push' ? [m.eventId] : []));
    expect(pushes).toHaveLength(4);
    expect(pushes[3]).toBe(pushes[2]);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });

  it('survives a reload: the queue is persisted, and known records are not queued twice', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.down = true;
    const syncStore = new MemorySyncStore();
    const first = await makeDevice(relay, timers, { syncStore });
    await first.write('a', '1');
    await settle();
    await first.engine.stop();
    expect(await syncStore.reopen().count()).toEqual({ ok: true, value: 2 });

    relay.down = false;
    const again = await makeDevice(relay, timers, { syncStore, files: first.files, enable: false });
    await timers.advance(0);
    expect(again.engine.settings?.enabled).toBe(true);
    expect(relay.events(again.streamOf('notes'))).toHaveLength(2);
    expect(await syncStore.count()).toEqual({ ok: true, value: 0 });
  });

  it('scans the logs: records written while sync was off (or lost in a crash) are pushed', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers, { enable: false });
    await d.write('a', '1');
    await d.write('b', '2', 'other');
    expect(d.engine.status.get()).toEqual({ kind: 'off' });
    expect(relay.connects).toBe(0);

    await d.engine.enable(RELAY_URL, {
      accountId: ACCOUNT,
      deviceId: deviceId(1),
      registered: true,
    });
    await settle();
    expect(relay.events(d.streamOf('notes'))).toHaveLength(2);
    expect(relay.events(d.streamOf('other'))).toHaveLength(2);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });

    // A restart scans again and finds nothing new.
    const pushesBefore = relay.received.filter((m) => m.type === 'push').length;
    const again = await makeDevice(relay, timers, {
      syncStore: d.syncStore.reopen(),
      files: d.files,
      enable: false,
    });
    await d.engine.stop();
    await settle();
    expect(again.engine.status.get()).toEqual({ kind: 'synced' });
    expect(relay.received.filter((m) => m.type === 'push')).toHaveLength(pushesBefore);
  });

  it('pushes a compaction snapshot covering the cursor and its own events before it', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers, { compaction: { maxRecords: 4 } });
    const stream = d.streamOf('notes');
    await d.write('k0', '0');
    await settle();
    await d.write('k1', '1');
    await settle();
    // Own acknowledged events moved the cursor over them.
    expect(d.replica.cursor(stream)).toBe(3);
    await d.write('k2', '2');
    await d.store.idle();
    await settle();
    const events = relay.events(stream);
    // Cursor 3 when compacted, then the own event at 4 (queued before it) was acknowledged.
    expect(events.map((e) => e.coversSeq)).toEqual([undefined, undefined, undefined, undefined, 4]);
    expect(d.replica.cursor(stream)).toBe(5);
  });
  it('covers the events queued before a snapshot once they are acknowledged', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.down = true;
    // Written offline, compacted before any of it was pushed: the cursor was 0.
    const d = await makeDevice(relay, timers, { compaction: { maxRecords: 4 } });
    const stream = d.streamOf('notes');
    for (const k of ['k0', 'k1', 'k2']) await d.write(k, k);
    await d.store.idle();
    await settle();
    relay.down = false;
    await timers.advance(1000);
    const events = relay.events(stream);
    expect(events.map((e) => e.coversSeq)).toEqual([undefined, undefined, undefined, undefined, 4]);
    expect(d.replica.cursor(stream)).toBe(5);
  });

  it('does not cover a remote event that arrived after the snapshot was taken', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers, { compaction: { maxRecords: 4 } });
    const stream = d.streamOf('notes');
    await d.write('k0', '0');
    await d.write('k1', '1');
    await settle();
    expect(d.replica.cursor(stream)).toBe(3);
    // Offline: the third write compacts (cover taken at cursor 3); then another
    // device's event lands at seq 4, before this device's own at 5.
    relay.dropAll();
    relay.down = true;
    await settle();
    await d.write('k2', '2');
    await d.store.idle();
    const other = new Uint8Array(64).fill(9);
    relay.inject(stream, 'b3RoZXItZGV2aWNlLWV2ZW50', toBase64(other));
    relay.down = false;
    await timers.advance(1000);
    const events = relay.events(stream);
    expect(events.at(-1)?.coversSeq).toBe(3);
  });
});

describe('reconnect', () => {
  it('backs off 1, 2, 4, 8, 16, 30, 30 s and resets after a successful connection', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.down = true;
    await makeDevice(relay, timers);
    expect(relay.connects).toBe(1);
    for (const [i, delay] of [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000].entries()) {
      expect(timers.waiting()).toEqual([delay]);
      await timers.advance(delay - 1);
      expect(relay.connects).toBe(i + 1);
      await timers.advance(1);
      expect(relay.connects).toBe(i + 2);
    }
    relay.down = false;
    await timers.advance(30_000);
    expect(relay.connects).toBe(9);
    relay.dropAll();
    await settle();
    // After a successful connection the schedule starts again at 1 s.
    expect(timers.waiting()).toEqual([1000]);
  });

  it('reconnects at once when the network comes back, and shows offline while it is gone', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
    d.engine.setNetwork(false);
    await settle();
    await d.write('a', '1');
    await settle();
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 2 });
    await timers.advance(60_000);
    expect(relay.connects).toBe(1);

    d.engine.setNetwork(true);
    await settle();
    expect(relay.connects).toBe(2);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });
});

describe('status', () => {
  it('is off until sync is enabled, and off again when it is disabled', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers, { enable: false });
    expect(d.engine.status.get()).toEqual({ kind: 'off' });
    await d.engine.enable(RELAY_URL, {
      accountId: ACCOUNT,
      deviceId: deviceId(1),
      registered: true,
    });
    await settle();
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
    await d.engine.disable();
    await settle();
    expect(d.engine.status.get()).toEqual({ kind: 'off' });
    expect(relay.connections.size).toBe(0);
  });

  it('reports a revoked device and stops reconnecting', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.revoked = true;
    const d = await makeDevice(relay, timers);
    expect(d.engine.status.get()).toMatchObject({ kind: 'refused', reason: 'revoked' });
    await timers.advance(120_000);
    expect(relay.connects).toBe(1);
  });

  it('reports a full relay and keeps the queue', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    relay.quotaFull = true;
    await d.write('a', '1');
    await settle();
    expect(d.engine.status.get()).toMatchObject({ kind: 'refused', reason: 'quota' });
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 2 });

    relay.quotaFull = false;
    relay.dropAll();
    await settle();
    await timers.advance(1000);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
    expect(await d.syncStore.count()).toEqual({ ok: true, value: 0 });
  });
});
