/**
 * Sync end to end in Node: the real relay (buildRelay on PGlite, real sockets
 * on a real port) and harness devices built from the app's own controller,
 * DocumentStore and sync engine, sharing one K_master.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '@automerge/automerge';
import { randomBytes } from 'node:crypto';
import {
  base64Length,
  DEFAULT_LIMITS,
  ed25519KeyPair,
  fromHex,
  parseFrames,
  ready,
  toBase64,
  x25519KeyPair,
} from '@cairn/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRelay as startRelayOn, type RunningRelay } from '../../testkit/src/relay.js';
import type { AppDocs } from '../../client/src/app/controller';
import { logFileName } from '../../client/src/storage/document-store';
import { eventIdOf } from '../../client/src/sync/wire';
import { HarnessDevice, type HarnessIdentity } from '../support/harness-device';

await ready();

const DOCS: (keyof AppDocs)[] = ['profile', 'categories', 'templates', 'observations', 'oneOffs'];
const HABIT = {
  categoryId: null,
  kind: 'yesno',
  target: null,
  cron: '0 0 * * *',
  notes: '',
} as const;

let dataDir: string;
let relay: RunningRelay;
let port = 0;
let base = '';
const open: HarnessDevice[] = [];

async function startRelay(): Promise<void> {
  relay = await startRelayOn({ kind: 'pglite', dataDir }, { port });
  port = relay.port;
  base = relay.base;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-sync-'));
  await startRelay();
});

afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let accounts = 0;

/** An account: its K_master and a way to make its devices (the first one registers it). */
function account() {
  const a = ++accounts;
  const kMaster = fromHex(a.toString(16).padStart(2, '0').repeat(32));
  const accountId = `a5${a.toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`;
  let devices = 0;
  return {
    accountId,
    async device(options: { compaction?: { maxRecords: number } } = {}): Promise<HarnessDevice> {
      const n = ++devices;
      const seed = (tag: number): Uint8Array => fromHex(`${tag}${a}${n}`.padStart(64, '0'));
      const identity: HarnessIdentity = {
        accountId,
        deviceId: `d5${(a * 100 + n).toString(16).padStart(6, '0')}-0000-4000-8000-000000000000`,
        signing: ed25519KeyPair(seed(1)),
        box: x25519KeyPair(seed(2)),
        label: `harness ${n}`,
      };
      if (n > 1) {
        // Until pairing exists, a later device is added to the account on the relay directly.
        const added = await relay.app.relay.store.addDevice(accountId, {
          deviceId: identity.deviceId,
          signingKey: toBase64(identity.signing.publicKey),
          boxKey: toBase64(identity.box.publicKey),
          label: identity.label,
        });
        expect(added).toBe('created');
      }
      const device = await HarnessDevice.open({
        relayUrl: base,
        kMaster,
        identity,
        registered: n > 1,
        ...(options.compaction === undefined ? {} : { compaction: options.compaction }),
      });
      open.push(device);
      return device;
    },
  };
}

/** Both devices hold the same documents: equal heads everywhere. */
function converged(a: HarnessDevice, b: HarnessDevice): boolean {
  return DOCS.every((doc) => {
    const x = [...a.store.heads(doc)].sort();
    const y = [...b.store.heads(doc)].sort();
    return x.length === y.length && x.every((h, i) => h === y[i]);
  });
}

async function waitConverged(devices: HarnessDevice[], ms = 60_000): Promise<void> {
  const [first, ...rest] = devices;
  if (first === undefined) return;
  await first.waitFor('convergence', () => rest.every((d) => converged(first, d)), ms);
  for (const d of devices) await d.waitSynced(ms);
}

const names = (d: HarnessDevice): string[] =>
  d.app
    .habits()
    .map((h) => h.name)
    .sort();

describe('sync between harness devices over the real relay', () => {
  it('applies a 4 MiB event from the relay, live and by pull, without stalling', async () => {
    const acc = account();
    const a = await acc.device();
    await a.enableSync();
    await a.waitSynced();
    const b = await acc.device();
    await b.enableSync();
    await b.waitSynced();
    // Random text does not compress: one change, sealed and padded just under 4 MiB.
    const notes = randomBytes(3_112_000).toString('base64');
    expect((await a.app.createHabit({ ...HABIT, name: 'Big', notes })).ok).toBe(true);
    await a.waitSynced(120_000);
    const templates = toBase64(a.store.streamId('templates'));
    const page = await relay.app.relay.store.pull(acc.accountId, templates, 0, {
      limit: 10,
      maxBytes: 8 * 1024 * 1024,
    });
    const sizes = page.events.map((e) => base64Length(e.data));
    const biggest = Math.max(...sizes);
    expect(biggest).toBeGreaterThan(4 * 1024 * 1024 - 256 * 1024);
    expect(biggest).toBeLessThanOrEqual(DEFAULT_LIMITS.maxEventBytes);
    // B got it as a live `event` frame of ~5.6 MB and applied it.
    await b.waitFor('the big habit', () => b.app.habits().some((h) => h.name === 'Big'), 120_000);
    expect(b.app.habits().find((h) => h.name === 'Big')?.notes).toBe(notes);
    await waitConverged([a, b], 120_000);
    // A new device gets it in an `events` page (pull) and applies it too.
    const c = await acc.device();
    await c.enableSync();
    await c.waitFor('the big habit', () => c.app.habits().some((h) => h.name === 'Big'), 120_000);
    expect(c.app.habits().find((h) => h.name === 'Big')?.notes).toBe(notes);
    await waitConverged([a, b, c], 120_000);
  });

  it('converges edits made on each device', async () => {
    const acc = account();
    const a = await acc.device();
    await a.enableSync();
    await a.waitSynced();
    expect((await a.app.setProfile({ name: 'Ada', timezone: 'Europe/Paris' })).ok).toBe(true);
    expect((await a.app.createHabit({ ...HABIT, name: 'Read' })).ok).toBe(true);

    const b = await acc.device();
    await b.enableSync();
    await waitConverged([a, b]);
    expect(b.app.profile()).toEqual({ name: 'Ada', timezone: 'Europe/Paris' });
    expect(names(b)).toEqual(['Read']);

    // Live: each device's edit reaches the other through fan-out.
    expect((await b.app.saveCategory({ name: 'Health', color: '#3a9a6e', order: 1 })).ok).toBe(
      true,
    );
    expect((await a.app.createHabit({ ...HABIT, name: 'Walk' })).ok).toBe(true);
    const read = a.app.habits().find((h) => h.name === 'Read');
    expect((await a.app.checkIn(read?.id ?? '', a.app.today(), { status: 'done' })).ok).toBe(true);
    await waitConverged([a, b]);
    expect(names(b)).toEqual(['Read', 'Walk']);
    expect(a.app.categories().map((c) => c.name)).toEqual(['Health']);
    expect(b.app.dueOn(b.app.today()).find((c) => c.habit.name === 'Read')?.status).toBe('done');
    expect([...a.problems, ...b.problems]).toEqual([]);
  });

  it('keeps what it receives as it came: one event id on A, on the relay and on B', async () => {
    const acc = account();
    const a = await acc.device();
    await a.enableSync();
    await a.waitSynced();
    for (const name of ['Read', 'Walk', 'Swim']) {
      expect((await a.app.createHabit({ ...HABIT, name })).ok).toBe(true);
    }
    const b = await acc.device();
    await b.enableSync();
    await waitConverged([a, b]);
    expect((await a.app.createHabit({ ...HABIT, name: 'Live' })).ok).toBe(true);
    await waitConverged([a, b]);

    const stream = toBase64(a.store.streamId('templates'));
    const onRelay = await relay.app.relay.store.range(
      acc.accountId,
      stream,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    const relayed = new Map(onRelay.map((e) => [e.eventId, e.data]));
    const logOf = (d: HarnessDevice): Uint8Array[] =>
      parseFrames(d.files.bytes(logFileName('templates')) ?? new Uint8Array()).records;
    const fromA = new Set(logOf(a).map((r) => toBase64(r)));
    const received = logOf(b).filter((r) => fromA.has(toBase64(r)));
    // A's four habits (by pull and by fan-out) sit in B's log byte for byte, under the
    // id the relay gave them: nothing was sealed again on the way in.
    expect(received.length).toBeGreaterThanOrEqual(4);
    for (const r of received) expect(relayed.get(eventIdOf(r))).toBe(toBase64(r));
    // And B pushed none of them back: every event on the relay came from one device once.
    expect(new Set(onRelay.map((e) => e.data)).size).toBe(onRelay.length);
    expect([...a.problems, ...b.problems]).toEqual([]);
  });

  it('queues edits made offline and drains them on reconnect', async () => {
    const acc = account();
    const a = await acc.device();
    await a.enableSync();
    await a.waitSynced();
    const b = await acc.device();
    await b.enableSync();
    await waitConverged([a, b]);

    a.goOffline();
    b.goOffline();
    for (const name of ['Stretch', 'Journal', 'Water']) {
      expect((await a.app.createHabit({ ...HABIT, name })).ok).toBe(true);
    }
    expect((await b.app.createHabit({ ...HABIT, name: 'Piano' })).ok).toBe(true);
    await a.engine.when((s) => s.kind === 'offline' && s.queued >= 3);
    expect(a.status).toMatchObject({ kind: 'offline' });
    expect(names(b)).toEqual(['Piano']);

    a.goOnline();
    await a.waitSynced();
    b.goOnline();
    await waitConverged([a, b]);
    expect(names(a)).toEqual(['Journal', 'Piano', 'Stretch', 'Water']);
    expect(names(b)).toEqual(names(a));
  });

  it('survives a relay restart in the middle of a sync', async () => {
    const acc = account();
    const a = await acc.device();
    await a.enableSync();
    await a.waitSynced();
    const b = await acc.device();
    await b.enableSync();
    await waitConverged([a, b]);

    let written = 0;
    const writes = (async () => {
      for (let i = 0; i < 40; i++) {
        const name = `h${String(i).padStart(2, '0')}`;
        expect((await a.app.createHabit({ ...HABIT, name })).ok).toBe(true);
        written += 1;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await a.waitFor(
      'some pushes',
      () => a.replica.cursor(toBase64(a.store.streamId('templates'))) > 5,
    );
    await relay.close();
    // The relay went away with edits still being made and pushed.
    expect(written).toBeLessThan(40);
    await startRelay();
    await writes;
    await waitConverged([a, b]);
    expect(names(b)).toHaveLength(40);
    expect(a.replica.progress.get().queued).toBe(0);
  });

  it('ignores a duplicate delivery: pulling everything again changes nothing', async () => {
    const acc = account();
    const a = await acc.device();
    await a.enableSync();
    await a.waitSynced();
    for (const name of ['One', 'Two', 'Three']) await a.app.createHabit({ ...HABIT, name });
    let b = await acc.device();
    await b.enableSync();
    await waitConverged([a, b]);
    const before = DOCS.map((doc) => b.store.logStats(doc).bytes);

    // Forget every cursor: the relay delivers every event a second time.
    await b.close();
    const streams = DOCS.map((doc) => toBase64(b.store.streamId(doc)));
    const reset = await b.syncStore.reopen().setCursors(new Map(streams.map((s) => [s, 0])));
    expect(reset.ok).toBe(true);
    b = await b.reopen();
    open.push(b);
    await b.waitSynced();
    await waitConverged([a, b]);
    expect(DOCS.map((doc) => b.store.logStats(doc).bytes)).toEqual(before);
    expect(names(b)).toEqual(['One', 'Three', 'Two']);
    expect(b.problems).toEqual([]);
  });

  it('bootstraps a new device from the newest snapshots', async () => {
    const acc = account();
    const a = await acc.device({ compaction: { maxRecords: 10 } });
    await a.enableSync();
    await a.waitSynced();
    for (let i = 0; i < 30; i++) {
      await a.app.createHabit({ ...HABIT, name: `b${i}` });
      // A snapshot covers what the device had received (and had acknowledged) when it compacted.
      if (i % 4 === 3) await a.waitSynced();
    }
    await a.waitSynced();
    await a.store.idle();
    await a.waitSynced();
    const heads = await relay.app.relay.store.listStreams(acc.accountId);
    const templates = heads.find((s) => s.streamId === toBase64(a.store.streamId('templates')));
    expect(templates?.snapshotCovers).toBeGreaterThan(0);
    const total = heads.reduce((n, s) => n + s.head, 0);

    const c = await acc.device();
    const received = vi.spyOn(c.store, 'receiveRecords');
    await c.enableSync();
    await waitConverged([a, c]);
    const records = received.mock.calls.reduce((n, [, r]) => n + r.length, 0);
    expect(records).toBeLessThan(total / 2);
    expect(names(c)).toHaveLength(30);
    expect(A.getHeads(c.store.doc('templates')).sort()).toEqual(
      A.getHeads(a.store.doc('templates')).sort(),
    );
  });
});
