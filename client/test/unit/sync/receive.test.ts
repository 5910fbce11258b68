/**
 * The receive side against a fake relay: pull by cursor in pages, one batch
 * per page, deduplication, coalesced fan-out, gaps, unreadable events and the
 * bootstrap of a new device from a snapshot.
 */
import { toBase64 } from '@cairn/shared';
import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../../src/storage/memory-log-storage';
import { COALESCE_MS } from '../../../src/sync/session/relay-connection';
import { eventIdOf } from '../../../src/sync/wire';
import { FakeRelay, ManualTimers, settle } from './fakes';
import { items, makeDevice, openStore, type Docs } from './setup';

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Another device's writes, stored on the relay as its pushes would be (without an engine). */
async function peerWrites(relay: FakeRelay, count: number, doc: keyof Docs = 'notes') {
  const records: Uint8Array[] = [];
  const { store } = await openStore((e) => records.push(e.record));
  for (let i = 0; i < count; i++) {
    const r = await store.change(doc, (d) => {
      d.items[`p${i}`] = `${i}`;
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  const stream = toBase64(store.streamId(doc));
  const events = records.map((r) => relay.inject(stream, eventIdOf(r), toBase64(r)));
  return { store, stream, records, events };
}

describe('pull', () => {
  it('pulls by cursor in pages, one receiveRecords call per page, and persists the cursor', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.pageLimit = 2;
    const peer = await peerWrites(relay, 5);
    expect(peer.events).toHaveLength(6);
    relay.down = true;
    const d = await makeDevice(relay, timers);
    const seen: string[] = [];
    d.engine.status.subscribe((s) =>
      seen.push(s.kind === 'syncing' ? `${s.done}/${s.total}` : s.kind),
    );
    relay.down = false;
    await timers.advance(1000);

    expect(d.receive.mock.calls.map(([, records]) => records.length)).toEqual([2, 2, 2]);
    expect(items(d.store)).toEqual(items(peer.store));
    // 7: this device's own first record (its starting state) followed, and was acknowledged.
    expect(relay.events(peer.stream)).toHaveLength(7);
    expect(d.replica.cursor(peer.stream)).toBe(7);
    const saved = await d.syncStore.cursors();
    expect(saved.ok && saved.value.get(peer.stream)).toBe(7);
    // Progress: first the totals are unknown, then they are counted, and it ends synced.
    expect(seen.slice(0, 2)).toEqual(['0/0', '0/6']);
    expect(seen.at(-1)).toBe('synced');
    const steps = seen.slice(1, -1).map((x) => x.split('/').map(Number));
    expect(steps.every(([done = 0, total = 0]) => done <= total && total >= 6)).toBe(true);
    expect(steps.map(([done = 0]) => done)).toEqual(
      [...steps.map(([done = 0]) => done)].sort((a, b) => a - b),
    );
    // Received records were appended to the local log: a reload has them.
    const reopened = await openStore(undefined, undefined, d.files);
    expect(items(reopened.store)).toEqual(items(peer.store));
  });

  it('resumes from the persisted cursor after a reconnect', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const first = await peerWrites(relay, 2);
    const d = await makeDevice(relay, timers);
    expect(d.replica.cursor(first.stream)).toBe(4);
    d.engine.setNetwork(false);
    await settle();
    const pulls = (): unknown[] => relay.received.filter((m) => m.type === 'pull');
    const before = pulls().length;
    const second = await peerWrites(relay, 1);
    d.engine.setNetwork(true);
    await settle();
    expect(pulls().slice(before)).toEqual([expect.objectContaining({ after: 4 })]);
    expect(items(d.store)).toEqual({ ...items(first.store), ...items(second.store) });
  });
});

describe('dedupe', () => {
  it('applies the same event delivered twice once', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const peer = await peerWrites(relay, 1);
    await timers.advance(COALESCE_MS);
    const calls = d.receive.mock.calls.length;
    const logBytes = d.store.logStats('notes').bytes;

    // The same event again (a fan-out repeated after a reconnect): below the cursor, ignored.
    for (const e of peer.events) relay.fanOut(peer.stream, e);
    await timers.advance(COALESCE_MS);
    expect(d.receive.mock.calls.length).toBe(calls);

    // The same record under another event id (another device pushed it again): no effect.
    const record = peer.records[1] ?? new Uint8Array();
    relay.inject(peer.stream, toBase64(new Uint8Array(16).fill(7)), toBase64(record));
    await timers.advance(COALESCE_MS);
    expect(d.receive.mock.calls.length).toBe(calls + 1);
    expect(await d.receive.mock.results.at(-1)?.value).toMatchObject({
      ok: true,
      value: { applied: 0, duplicates: 1 },
    });
    expect(d.store.logStats('notes').bytes).toBe(logBytes);
    expect(items(d.store)).toEqual(items(peer.store));
  });
});

describe('fan-out', () => {
  it('coalesces a burst of events into one batch', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const calls = d.receive.mock.calls.length;
    const peer = await peerWrites(relay, 10);
    await settle();
    expect(d.receive.mock.calls.length).toBe(calls);
    expect(d.engine.status.get().kind).toBe('syncing');
    await timers.advance(COALESCE_MS);
    expect(d.receive.mock.calls.slice(calls).map(([, r]) => r.length)).toEqual([11]);
    expect(items(d.store)).toEqual(items(peer.store));
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });

  it('applies a lone event at once, and events within one window of a batch together', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const calls = d.receive.mock.calls.length;
    const first = await peerWrites(relay, 1);
    await timers.advance(0);
    // No batch in the last window: the first event (and the start record with it) goes at once.
    expect(d.receive.mock.calls.slice(calls).map(([, r]) => r.length)).toEqual([2]);
    const second = await peerWrites(relay, 3);
    await timers.advance(COALESCE_MS - 1);
    expect(d.receive.mock.calls.length).toBe(calls + 1);
    await timers.advance(1);
    expect(d.receive.mock.calls.slice(calls + 1).map(([, r]) => r.length)).toEqual([4]);
    expect(items(d.store)).toEqual({ ...items(first.store), ...items(second.store) });
  });

  it('pulls when fan-out skips an event', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const records: Uint8Array[] = [];
    const { store } = await openStore((e) => records.push(e.record));
    await store.change('notes', (x) => {
      x.items['a'] = '1';
    });
    await store.change('notes', (x) => {
      x.items['b'] = '2';
    });
    const stream = toBase64(store.streamId('notes'));
    // The first two events reach the relay while this device misses their fan-out.
    const live = [...relay.connections];
    relay.connections.clear();
    relay.inject(
      stream,
      eventIdOf(records[0] ?? new Uint8Array()),
      toBase64(records[0] ?? new Uint8Array()),
    );
    relay.inject(
      stream,
      eventIdOf(records[1] ?? new Uint8Array()),
      toBase64(records[1] ?? new Uint8Array()),
    );
    for (const c of live) relay.connections.add(c);
    relay.inject(
      stream,
      eventIdOf(records[2] ?? new Uint8Array()),
      toBase64(records[2] ?? new Uint8Array()),
    );
    await timers.advance(COALESCE_MS);
    expect(relay.received.filter((m) => m.type === 'pull').at(-1)).toMatchObject({ after: 0 });
    expect(items(d.store)).toEqual({ a: '1', b: '2' });
    expect(d.replica.cursor(stream)).toBe(relay.events(stream).length);
  });
});

describe('unreadable events', () => {
  it('reports an event that fails authentication, skips it and moves the cursor past it', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const records: Uint8Array[] = [];
    const { store } = await openStore((e) => records.push(e.record));
    await store.change('notes', (x) => {
      x.items['a'] = '1';
    });
    const stream = toBase64(store.streamId('notes'));
    const [base, change] = records;
    if (base === undefined || change === undefined) throw new Error('two records expected');
    const tampered = change.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    relay.inject(stream, eventIdOf(base), toBase64(base));
    relay.inject(stream, eventIdOf(tampered), toBase64(tampered));
    const d = await makeDevice(relay, timers);
    expect(d.problems).toEqual([
      { kind: 'record', doc: 'notes', seq: 2, code: 'authentication-failed' },
    ]);
    expect(items(d.store)).toEqual({});
    expect(d.replica.cursor(stream)).toBe(2);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
    // Nothing unauthenticated reached the log.
    const reopened = await MemoryLogStorage.open(d.files);
    const log = await reopened.read('notes.log');
    expect(log.ok && containsBytes(log.value, tampered)).toBe(false);
  });
});

describe('bootstrap', () => {
  it('starts a new device from the newest snapshot, then the events after it', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const writer = await makeDevice(relay, timers, { n: 1, compaction: { maxRecords: 4 } });
    for (let i = 0; i < 9; i++) {
      await writer.write(`k${i}`, `${i}`);
      await settle();
    }
    await writer.store.idle();
    await settle();
    const stream = writer.streamOf('notes');
    const events = [...relay.events(stream)];
    const snapshots = events.filter((e) => e.coversSeq !== undefined);
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    const newest = Math.max(...snapshots.map((s) => s.coversSeq ?? 0));

    const fresh = await makeDevice(relay, timers, { n: 2 });
    expect(relay.received.some((m) => m.type === 'bootstrap')).toBe(true);
    const [first] = fresh.receive.mock.calls.filter(([doc]) => doc === 'notes');
    // One batch: the snapshot and the events after what it covers, not the whole history.
    expect(first?.[1].length).toBe(events.length - newest);
    expect(items(fresh.store)).toEqual(items(writer.store));
    expect(fresh.replica.cursor(stream)).toBe(relay.events(stream).length);
  });
});
