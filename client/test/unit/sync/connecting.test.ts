/**
 * The status while the relay is being reached: "connecting" during the first
 * attempt (after sync is turned on or the page opens, after the network comes
 * back, after a ready connection ends), "offline" once an attempt failed and
 * for the retries after it, never "offline" before anything failed.
 */
import { describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_MS } from '../../../src/sync/session/relay-connection';
import { FakeRelay, ManualTimers, settle } from './fakes';
import { makeDevice } from './setup';

describe('connecting status', () => {
  it('reads connecting while a stalled relay has not answered, offline once the attempt timed out', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.silent = true;
    const d = await makeDevice(relay, timers);
    expect(d.engine.status.get()).toEqual({ kind: 'connecting', queued: 0 });
    await d.write('a', '1');
    await settle();
    await timers.advance(CONNECT_TIMEOUT_MS - 1);
    expect(d.engine.status.get()).toEqual({ kind: 'connecting', queued: 2 });

    await timers.advance(1);
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 2 });
    // The retries after a failure read offline too, until one gets through.
    await timers.advance(1000);
    expect(relay.connects).toBe(2);
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 2 });

    relay.silent = false;
    await timers.advance(CONNECT_TIMEOUT_MS + 2000);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });

  it('reads offline at once when the relay refuses the connection', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.down = true;
    const d = await makeDevice(relay, timers);
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 0 });
  });

  it('reads connecting again after a dropped connection, once its retry is under way', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    const d = await makeDevice(relay, timers);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
    relay.silent = true;
    relay.dropAll();
    await settle();
    // Waiting to retry: not connecting yet.
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 0 });
    await timers.advance(1000);
    expect(relay.connects).toBe(2);
    expect(d.engine.status.get()).toEqual({ kind: 'connecting', queued: 0 });
  });

  it('reads offline without the network and connecting when it comes back', async () => {
    const relay = new FakeRelay();
    const timers = new ManualTimers();
    relay.silent = true;
    const d = await makeDevice(relay, timers);
    await timers.advance(CONNECT_TIMEOUT_MS);
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 0 });
    d.engine.setNetwork(false);
    await settle();
    expect(d.engine.status.get()).toEqual({ kind: 'offline', queued: 0 });
    // Back: a failure before the network went away no longer counts.
    d.engine.setNetwork(true);
    await settle();
    expect(d.engine.status.get()).toEqual({ kind: 'connecting', queued: 0 });
    relay.silent = false;
    await timers.advance(CONNECT_TIMEOUT_MS + 2000);
    expect(d.engine.status.get()).toEqual({ kind: 'synced' });
  });
});
