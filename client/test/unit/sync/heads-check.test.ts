/**
 * The heads check (session.ts "Heads check"): a fan-out event lost with no
 * later event of its stream to reveal the gap is found by asking the relay
 * for its heads once live events settle, and on every ping of a quiet
 * connection; a burst of batches costs one check.
 */
import { toBase64 } from '@cairn/shared';
import { describe, expect, it } from 'vitest';
import {
  COALESCE_MS,
  PING_INTERVAL_MS,
  SETTLE_CHECK_MAX_MS,
  SETTLE_CHECK_MS,
} from '../../../src/sync/session/relay-connection';
import { eventIdOf } from '../../../src/sync/wire';
import { FakeRelay, ManualTimers } from './fakes';
import { items, makeDevice, openStore, type Docs } from './setup';

/** Another device: its records, kept to be stored on the relay when the test says. */
async function peer() {
  const records: { doc: keyof Docs; record: Uint8Array }[] = [];
  const { store } = await openStore((e) => records.push({ doc: e.doc, record: e.record }));
  let n = 0;
  return {
    store,
    stream: (doc: keyof Docs) => toBase64(store.streamId(doc)),
    /** Writes to `doc` and returns the records it produced (not yet on the relay). */
    async write(doc: keyof Docs): Promise<Uint8Array[]> {
      const from = records.length;
      const r = await store.change(doc, (d) => {
        d.items[`${doc}-${n}`] = `${n}`;
      });
      n += 1;
      if (!r.ok) throw new Error(r.error.message);
      return records.slice(from).map((x) => x.record);
    },
  };
}

/** Stores records on the relay; with `lost`, no connected device gets their fan-out. */
function store(relay: FakeRelay, stream: string, records: Uint8Array[], lost = false): void {
  const live = [...relay.connections];
  if (lost) relay.connections.clear();
  for (const r of records) relay.inject(stream, eventIdOf(r), toBase64(r));
  if (lost) for (const c of live) relay.connections.add(c);
}

const requests = (relay: FakeRelay, type: string): number =>
  relay.received.filter((m) => m.type === type).length;

describe('heads check', () => {
  it('pulls a stream whose last fan-out event was lost while another stream got through', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const p = await peer();
    store(relay, p.stream('notes'), await p.write('notes'), true);
    store(relay, p.stream('other'), await p.write('other'));
    const listed = requests(relay, 'streams');
    await timers.advance(COALESCE_MS);
    // The other stream is applied; nothing shows the notes event is missing.
    expect(items(d.store, 'other')).toEqual(items(p.store, 'other'));
    expect(items(d.store)).not.toEqual(items(p.store));
    expect(requests(relay, 'streams')).toBe(listed);

    await timers.advance(SETTLE_CHECK_MS);
    expect(requests(relay, 'streams')).toBe(listed + 1);
    expect(relay.received.filter((m) => m.type === 'pull').at(-1)).toMatchObject({
      streamId: p.stream('notes'),
    });
    expect(items(d.store)).toEqual(items(p.store));
    expect(d.replica.cursor(p.stream('notes'))).toBe(relay.events(p.stream('notes')).length);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });

  it('finds a lost event on a quiet connection at the next ping', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const p = await peer();
    store(relay, p.stream('notes'), await p.write('notes'), true);
    await timers.advance(PING_INTERVAL_MS - 1);
    expect(items(d.store)).not.toEqual(items(p.store));
    await timers.advance(1);
    expect(requests(relay, 'ping')).toBe(1);
    expect(items(d.store)).toEqual(items(p.store));
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });

  it('costs one check per burst, and at least one per SETTLE_CHECK_MAX_MS under a steady stream', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    const p = await peer();
    const listed = requests(relay, 'streams');
    // A burst: batches 100 ms apart, then quiet.
    for (let i = 0; i < 5; i++) {
      store(relay, p.stream('notes'), await p.write('notes'));
      await timers.advance(100);
    }
    await timers.advance(SETTLE_CHECK_MS);
    expect(requests(relay, 'streams')).toBe(listed + 1);
    // Nothing was missing: no pull.
    expect(requests(relay, 'pull')).toBe(0);

    // A steady stream, never quiet for SETTLE_CHECK_MS: checked anyway.
    const steady = requests(relay, 'streams');
    const step = SETTLE_CHECK_MS / 2;
    for (let t = 0; t <= SETTLE_CHECK_MAX_MS; t += step) {
      store(relay, p.stream('notes'), await p.write('notes'));
      await timers.advance(step);
    }
    expect(requests(relay, 'streams')).toBe(steady + 1);
    expect(items(d.store)).toEqual(items(p.store));
  });
});
