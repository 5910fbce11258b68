/**
 * The durability scenario shared by the relay-kill and database-fault suites:
 * three devices of one account write events while a fault is injected again
 * and again; then the faults stop, the devices catch up, and the invariants of
 * the promise are checked:
 *
 *   "An acknowledged event survives any crash of the relay or the database;
 *    delivery is at-least-once; storing or applying an event twice has no
 *    effect; order holds within one stream, by seq."
 *
 * - every device holds identical Automerge heads and state, per document;
 * - every event a device acknowledged (seen on its own socket) is stored, in
 *   the stream and at the seq its ack named, and no event got two seqs;
 * - the relay stores exactly the events the devices wrote: none lost, none twice;
 * - every stream's seqs are 1..head, no gap.
 */
import * as A from '@automerge/automerge';
import { ready, toBase64 } from '@cairn/shared';
import { expect } from 'vitest';
import { checkStreams, readStored, type Database, type StreamCheck } from './db';
import { FaultDevice } from './device';
import { rng } from './scale';
import { DOC_NAMES, K_MASTER, itemsOf, type DocName } from './store';
import { faultIdentity, type Identity } from '../../../testkit/src/identities';
import { connectDevice, setUpAccount } from '../../../testkit/src/protocol-device';

export interface ScenarioOptions {
  /** Where the relay is now (it may move between restarts: ask each time). */
  base: () => string;
  events: number;
  faults: number;
  /** Injects fault number `k` and returns once the relay should be serving again. */
  inject: (k: number) => Promise<void>;
  /** Pause between faults (ms): long enough for devices to reconnect and push. */
  uptime: () => number;
  /** Rough duration of one fault, to spread the writes over the whole run. */
  faultMs: number;
  /** The database, read once the relay is stopped (PGlite) or at any time (Postgres). */
  database: Database;
  /** Stops the relay for good before the tables are read (PGlite needs its folder). */
  beforeRead: () => Promise<void>;
  convergeMs: number;
  seed: number;
  /** Mangle each device's inbound frames (support/device.ts). */
  chaos?: boolean;
}

export interface ScenarioResult {
  written: number;
  acked: number;
  faults: number;
  check: StreamCheck;
  /** Faults injected while at least one push was on the wire, unanswered. */
  midWrite: number;
  /** Fan-out events delivered 0–3 times, and acks lost, over all devices (chaos only). */
  copies: [number, number, number, number];
  acksLost: number;
  writeMs: number;
  convergeMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  await ready();
  const r = rng(o.seed);
  const ids: Identity[] = [1, 2, 3].map((d) => faultIdentity(o.seed % 997, d));
  const [first, ...others] = ids;
  if (first === undefined) throw new Error('no devices');
  await setUpAccount(o.base(), first, others);
  const devices = await Promise.all(
    ids.map((id, i) =>
      FaultDevice.open({
        relayUrl: o.base(),
        kMaster: K_MASTER,
        identity: id,
        actor: String(i + 1).repeat(32),
        registered: true,
        ...(o.chaos === true ? { chaos: { seed: o.seed * 10 + i } } : {}),
      }),
    ),
  );
  const one = devices[0];
  if (one === undefined) throw new Error('no devices');
  try {
    // Writes spread over the whole fault period, so faults land mid-push.
    const perDevice = Math.ceil(o.events / devices.length);
    const planned = o.faults * o.faultMs;
    const pace = Math.max(0, planned / perDevice);
    const started = performance.now();
    let writing = true;
    const writers = devices.map(async (d, i) => {
      const docs: DocName[] = ['notes', 'habits'];
      // Bursts of 1–30 writes (many pushes on the wire at once), then a pause.
      let left = 0;
      let burst = 0;
      for (let n = 0; n < perDevice; n += 1) {
        await d.write(docs[(n + i) % 2] ?? 'notes', 20 + ((n * 37) % 400));
        if (left === 0) {
          burst = 1 + ((n * 7919 + i * 31) % 30);
          left = burst;
        }
        left -= 1;
        if (left === 0) await sleep(Math.max(1, pace * burst));
      }
    });
    const allWritten = Promise.all(writers).finally(() => {
      writing = false;
    });
    let midWrite = 0;
    for (let k = 0; k < o.faults; k += 1) {
      await sleep(o.uptime() * (0.5 + r.next()));
      // Strike while pushes are on the wire, if any come within two seconds.
      const wait = Date.now() + 2000;
      while (Date.now() < wait && writing && !devices.some((d) => d.inFlight.size > 0)) {
        await sleep(2);
      }
      if (devices.some((d) => d.inFlight.size > 0)) midWrite += 1;
      await o.inject(k);
      for (const d of devices) d.wake();
    }
    await allWritten;
    if (o.chaos === true) await lostTail(devices);
    const writeMs = performance.now() - started;

    // No more faults: everything pushed, everything pulled, everyone equal.
    const convergeStart = performance.now();
    const deadline = Date.now() + o.convergeMs;
    const docs: DocName[] = ['notes', 'habits'];
    const converged = (): boolean =>
      devices.every((d) => d.idle) &&
      docs.every((doc) => {
        const h = JSON.stringify(one.store.heads(doc));
        return devices.every((d) => JSON.stringify(d.store.heads(doc)) === h);
      });
    while (!converged()) {
      if (Date.now() > deadline) {
        throw new Error(`devices did not converge: ${await standing(o.base(), first, devices)}`);
      }
      for (const d of devices) d.wake();
      await sleep(250);
    }
    const convergeMs = performance.now() - convergeStart;

    for (const doc of docs) {
      const state = itemsOf(one.store.doc(doc));
      for (const d of devices) expect(itemsOf(d.store.doc(doc))).toEqual(state);
    }
    for (const d of devices) {
      expect(d.problems.filter((p) => p.kind !== 'storage')).toEqual([]);
      expect(d.ackConflicts).toEqual([]);
      // Every record this device wrote was acknowledged.
      for (const eventId of d.written.keys()) expect(d.acked.has(eventId), eventId).toBe(true);
    }

    await o.beforeRead();
    const stored = await readStored(o.database);
    const check = checkStreams(stored);
    expect(check.gaps).toEqual([]);
    expect(check.duplicates).toEqual([]);
    expect(check.badHeads).toEqual([]);
    const account = first.accountId;
    const rows = new Map(
      stored.events.filter((e) => e.account === account).map((e) => [e.eventId, e]),
    );
    const streamOf = new Map<string, string>(
      docs.map((doc) => [doc, toBase64(one.store.streamId(doc))]),
    );
    let acked = 0;
    const wrote = new Set<string>();
    for (const d of devices) {
      for (const [eventId, ack] of d.acked) {
        const row = rows.get(eventId);
        expect(row, `acknowledged event ${eventId} is stored`).toBeDefined();
        expect(row?.stream).toBe(ack.streamId);
        expect(row?.seq).toBe(ack.seq);
        acked += 1;
      }
      for (const [eventId, doc] of d.written) {
        wrote.add(eventId);
        expect(rows.get(eventId)?.stream).toBe(streamOf.get(doc));
      }
    }
    // The relay holds exactly what the devices wrote.
    expect(rows.size).toBe(wrote.size);
    const copies: [number, number, number, number] = [0, 0, 0, 0];
    for (const d of devices) d.chaos.copies.forEach((n, k) => (copies[k] = (copies[k] ?? 0) + n));
    const acksLost = devices.reduce((n, d) => n + d.chaos.acksLost, 0);
    return {
      written: wrote.size,
      acked,
      faults: o.faults,
      check,
      midWrite,
      copies,
      acksLost,
      writeMs,
      convergeMs,
    };
  } finally {
    await Promise.all(devices.map((d) => d.close()));
  }
}

/** Resolves when `test` holds, checking every 50 ms; throws after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/**
 * The ending no random schedule is sure to produce: every device's last
 * event of one stream is lost to all the others, and no reconnect follows to
 * pull it; then events of the other stream get through. Only the relay's
 * heads can tell the devices what they lack.
 */
async function lostTail(devices: FaultDevice[]): Promise<void> {
  const drained = (): boolean => {
    for (const d of devices) d.wake();
    return devices.every((d) => d.replica.progress.get().queued === 0);
  };
  await until(drained, 120_000, 'every push is acknowledged');
  for (const d of devices) d.chaos.mode = 'lose';
  for (const d of devices) await d.write('notes');
  await until(drained, 120_000, 'the lost events are acknowledged');
  for (const d of devices) d.chaos.mode = 'deliver';
  for (const d of devices) await d.write('habits');
}

/**
 * Where each device stands against the relay, per document: status, queue,
 * cursor, the relay's head, and how many of the other devices' heads it
 * lacks: what a failed convergence needs to be understood.
 */
async function standing(base: string, id: Identity, devices: FaultDevice[]): Promise<string> {
  const heads = new Map<string, number>();
  let relay = 'answered';
  try {
    const s = await connectDevice(base, id);
    const listed = await s.client.streams();
    if (listed.ok) for (const st of listed.value.streams) heads.set(st.streamId, st.head);
    else relay = `streams failed: ${listed.error.code}`;
    s.ws.close();
  } catch (e) {
    relay = `unreachable: ${e instanceof Error ? e.message : String(e)}`;
  }
  const state = devices.map((d) => ({
    status: d.engine.status.get(),
    queue: d.replica.progress.get().queued,
    docs: DOC_NAMES.map((doc) => {
      const stream = toBase64(d.store.streamId(doc));
      const here = d.store.doc(doc);
      const lacking = devices
        .filter((o) => o !== d)
        .flatMap((o) => o.store.heads(doc))
        .filter((h) => !A.hasHeads(here, [h])).length;
      return {
        doc,
        cursor: d.replica.cursor(stream),
        relayHead: heads.get(stream),
        heads: d.store.heads(doc).length,
        othersHeadsMissingHere: lacking,
      };
    }),
  }));
  return JSON.stringify({ relay, devices: state });
}
