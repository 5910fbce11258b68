/**
 * Two relay processes on one Postgres: fan-out and revocation cross processes
 * through LISTEN/NOTIFY, a process whose LISTEN drops has its devices pull
 * what it may have missed, and one process crashing loses nothing acknowledged.
 */
import { CLOSE_CODES } from '@cairn/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import type { RelayStore } from '../../src/store/types.js';
import {
  connectDevice,
  register,
  type ProtocolDevice,
} from '../../../testkit/src/protocol-device.js';
import { b64Id, fakeRecord, identity, type Identity } from '../../../testkit/src/identities.js';
import { freshDatabase, postgresUrl, type FreshDatabase } from '../support/pg.js';
import { startRelayChild, type RelayChild } from '../../../testkit/src/relay.js';

const A1 = identity(1, 1);
const A2 = identity(1, 2);
const A3 = identity(1, 3);
const B1 = identity(2, 1);
const S = b64Id(32, 0x33);
const ev = (n: number): string => {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(n, 12);
  return b.toString('base64');
};
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

describe('two relay processes on one Postgres', () => {
  let db: FreshDatabase;
  let store: RelayStore;
  let p1: RelayChild;
  let p2: RelayChild;
  const sockets: ProtocolDevice[] = [];
  const on = async (p: RelayChild, d: Identity): Promise<ProtocolDevice> => {
    const c = await connectDevice(p.base, d);
    sockets.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase(postgresUrl());
    [p1, p2] = await Promise.all([
      startRelayChild({ env: { DATABASE_URL: db.url }, stopSignal: 'SIGTERM' }),
      startRelayChild({ env: { DATABASE_URL: db.url }, stopSignal: 'SIGTERM' }),
    ]);
    expect((await register(p1.base, A1)).status).toBe(201);
    expect((await register(p2.base, B1)).status).toBe(201);
    store = await openPostgresStore(db.url, { max: 2 });
    for (const d of [A2, A3]) {
      await store.addDevice(d.accountId, {
        deviceId: d.deviceId,
        signingKey: b64(d.signing.publicKey),
        boxKey: b64(d.box.publicKey),
        label: d.label,
      });
    }
  });

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await Promise.all([p1.stop(), p2.stop()]);
    await store.close();
    await db.drop();
  });

  it('a device on one process receives what a device pushed on the other', async () => {
    const a1 = await on(p1, A1);
    const a2 = await on(p2, A2);
    const b1 = await on(p2, B1);
    for (let n = 1; n <= 20; n++) {
      const ack = await a1.client.push(S, ev(n), fakeRecord(80, n));
      expect(ack.ok && ack.value.seq).toBe(n);
    }
    const got = await a2.waitEvents(20);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    expect(got[4]).toEqual({
      type: 'event',
      streamId: S,
      seq: 5,
      eventId: ev(5),
      data: fakeRecord(80, 5),
    });
    // The other way round, pipelined.
    await Promise.all([21, 22, 23].map((n) => a2.client.push(S, ev(n), fakeRecord(80, n))));
    await a1.waitEvents(3);
    expect(a1.events.map((e) => e.seq)).toEqual([21, 22, 23]);
    await new Promise((r) => setTimeout(r, 200));
    expect(b1.events).toEqual([]);
    expect(a2.events).toHaveLength(20); // never echoed
  });

  it('a revocation on one process closes the device on the other', async () => {
    const a1 = await on(p1, A1);
    const a3 = await on(p2, A3);
    expect((await a1.client.revoke(A3.deviceId)).ok).toBe(true);
    expect((await a3.closed).code).toBe(CLOSE_CODES.revoked);
  });

  it('a process whose LISTEN connection drops sends its devices to pull from their cursors', async () => {
    const a1 = await on(p1, A1);
    const a2 = await on(p2, A2);
    const admin = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const dropped = await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'cairn-relay' and query ilike 'listen%'`;
      expect(dropped.length).toBe(2);
    } finally {
      await admin.end({ timeout: 1 });
    }
    // Notices sent while LISTEN was down are lost: each process closes its sockets with
    // 4409 once it listens again, and the devices resume by pulling.
    expect((await a1.closed).code).toBe(CLOSE_CODES.slowConsumer);
    expect((await a2.closed).code).toBe(CLOSE_CODES.slowConsumer);
    const again1 = await on(p1, A1);
    const again2 = await on(p2, A2);
    const s = b64Id(32, 0x35);
    expect((await again1.client.push(s, ev(500), fakeRecord(80, 5))).ok).toBe(true);
    expect((await again2.waitEvents(1)).map((e) => e.seq)).toEqual([1]);
  });

  it('a process killed mid-stream loses no acknowledged event and leaves no gap', async () => {
    const a1 = await on(p1, A1);
    const s = b64Id(32, 0x34);
    const acked: number[] = [];
    const pushes = Array.from({ length: 300 }, (_, n) =>
      a1.client.push(s, ev(1000 + n), fakeRecord(80, n % 256)).then((r) => {
        if (r.ok) acked.push(n);
      }),
    );
    setTimeout(() => void p1.stop('SIGKILL'), 30);
    await Promise.all(pushes);
    // Reconnect to the survivor and retry everything: exactly-once storage.
    const again = await on(p2, A1);
    const retries = await Promise.all(
      Array.from({ length: 300 }, (_, n) =>
        again.client.push(s, ev(1000 + n), fakeRecord(80, n % 256)),
      ),
    );
    expect(retries.every((r) => r.ok)).toBe(true);
    for (const n of acked) expect(retries[n]?.ok && retries[n].value.duplicate).toBe(true);
    const page = await store.pull(A1.accountId, s, 0, { limit: 1000, maxBytes: 1e7 });
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, k) => k + 1));
    expect(new Set(page.events.map((e) => e.eventId)).size).toBe(300);
    p1 = await startRelayChild({ env: { DATABASE_URL: db.url }, stopSignal: 'SIGTERM' });
  });
});
