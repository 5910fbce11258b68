/**
 * Storage per 10k check-ins (issue item 3): bytes on the device (the sealed
 * log after compaction) and on the relay (the events of the document's
 * stream, and the events table), against the plaintext `Automerge.save()` of
 * the same document.
 *
 * A harness device (the app's controller, store and sync engine) writes the
 * check-ins through the app, one change each, syncing to the relay on
 * Postgres as it goes (the store compacts at its default thresholds and pushes
 * each snapshot); once every push is acknowledged, the log is compacted
 * once more and that snapshot pushed too.
 */
import * as A from '@automerge/automerge';
import { fromHex, ready, toBase64 } from '@cairn/shared';
import postgres from 'postgres';
import { DAILY_CRON, addHabit } from '../client/src/domain';
import { HarnessDevice } from '../test/support/harness-device.js';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { benchIdentity } from '../testkit/src/identities.js';
import { seededDatabase, startRelay } from './lib/relay.js';
import { figure, fmt, ratio, type Row } from './lib/report.js';
import { ratios, summarize } from './lib/stats.js';
import { NOW, dateOf, habitIds, habitOf } from './lib/workload.js';

interface Sizes {
  checkIns: number;
  runs: number;
}

const TARGET = { op: '<=', value: 1.3 } as const;
const SYNC_TIMEOUT_MS = 300_000;

interface Measured {
  save: number;
  disk: number;
  stream: number;
  bootstrap: number;
  table: number;
  /** The stream's head seq, and the seq the newest snapshot covers. */
  head: number;
  covers: number;
}

async function measure(s: Sizes): Promise<Measured> {
  const id = benchIdentity(0, 0);
  const database = await seededDatabase('postgres', [id]);
  if (database.kind !== 'postgres') throw new Error('expected Postgres');
  const relay = await startRelay(database);
  const device = await HarnessDevice.open({
    relayUrl: relay.base,
    kMaster: fromHex('5c'.repeat(32)),
    identity: { ...id, label: 'storage' },
    registered: true,
    now: () => NOW,
  });
  try {
    await device.enableSync();
    const made = await device.store.change('templates', (d) => {
      for (const [k, hid] of habitIds.entries()) {
        addHabit(d, {
          id: hid,
          name: `Habit ${k}`,
          schedule: DAILY_CRON,
          kind: { type: 'yesno' },
          startDate: dateOf(0),
          now: NOW,
        });
      }
    });
    if (!made.ok) throw new Error(made.error.message);
    for (let i = 0; i < s.checkIns; i++) {
      const r = await device.app.checkIn(habitOf(i), dateOf(i), { status: 'done' });
      if (!r.ok) throw new Error(r.message);
    }
    // Compacted once everything is acknowledged, so the snapshot covers the whole stream.
    await device.waitSynced(SYNC_TIMEOUT_MS);
    const streamB64 = toBase64(device.store.streamId('observations'));
    const before = device.replica.cursor(streamB64);
    const compacted = await device.store.compact('observations');
    if (!compacted.ok) throw new Error(compacted.error.message);
    // "Synced" may still show while the snapshot is on its way to the queue:
    // wait for its acknowledgement (it moves the cursor) before measuring.
    await device.waitFor(
      'the snapshot to be acknowledged',
      () => device.replica.cursor(streamB64) > before,
      SYNC_TIMEOUT_MS,
    );
    await device.waitSynced(SYNC_TIMEOUT_MS);
    const save = A.save(device.store.doc('observations')).length;
    const disk = device.store.logStats('observations').bytes;
    const stream = Buffer.from(device.store.streamId('observations'));
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const [all] = await sql<{ bytes: string }[]>`
        SELECT coalesce(sum(octet_length(data)), 0)::text AS bytes FROM events WHERE stream_id = ${stream}`;
      const [snap] = await sql<{ seq: string; covers: string; bytes: number }[]>`
        SELECT seq::text AS seq, covers_seq::text AS covers, octet_length(data) AS bytes FROM events
        WHERE stream_id = ${stream} AND covers_seq IS NOT NULL ORDER BY covers_seq DESC, seq DESC LIMIT 1`;
      const [tail] = await sql<{ bytes: string }[]>`
        SELECT coalesce(sum(octet_length(data)), 0)::text AS bytes FROM events
        WHERE stream_id = ${stream} AND seq > ${snap?.covers ?? '0'} AND seq <> ${snap?.seq ?? '0'}`;
      const [table] = await sql<{ bytes: string }[]>`
        SELECT pg_total_relation_size('events')::text AS bytes`;
      const [head] = await sql<{ seq: string }[]>`
        SELECT coalesce(max(seq), 0)::text AS seq FROM events WHERE stream_id = ${stream}`;
      return {
        save,
        disk,
        stream: Number(all?.bytes ?? 0),
        bootstrap: (snap?.bytes ?? 0) + Number(tail?.bytes ?? 0),
        table: Number(table?.bytes ?? 0),
        head: Number(head?.seq ?? 0),
        covers: Number(snap?.covers ?? 0),
      };
    } finally {
      await sql.end();
    }
  } finally {
    await device.close();
    await relay.stop();
  }
}

export const storage: Benchmark = {
  id: 'storage',
  title: 'Storage per 10k check-ins',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick(ctx, { full: { checkIns: 10_000, runs: 2 }, smoke: { checkIns: 30, runs: 1 } });
    const runs: Measured[] = [];
    for (let r = 0; r < s.runs; r++) {
      const m = await measure(s);
      runs.push(m);
      ctx.log(
        `storage run ${r + 1}/${s.runs}: save() ${fmt(m.save / 1024)} KiB, log ${fmt(m.disk / 1024)} KiB, relay stream ${fmt(m.stream / 1024)} KiB, bootstrap ${fmt(m.bootstrap / 1024)} KiB, events table ${fmt(m.table / 1024)} KiB`,
      );
    }
    const col = (k: keyof Measured): number[] => runs.map((m) => m[k] / 1024);
    const rows: Row[] = [
      figure('Plaintext Automerge.save() of the document', 'KiB', summarize(col('save'))),
      figure('Device: sealed log after compaction', 'KiB', summarize(col('disk'))),
      figure(
        "Relay: the stream's events (every change + every snapshot)",
        'KiB',
        summarize(col('stream')),
      ),
      figure(
        'Relay: what a new device bootstraps from (newest snapshot + events after it)',
        'KiB',
        summarize(col('bootstrap')),
      ),
      figure(
        'Relay: events table on disk (pg_total_relation_size)',
        'KiB',
        summarize(col('table')),
      ),
      ratio('Device log / save()', summarize(ratios(col('disk'), col('save'))), TARGET),
      ratio(
        'Relay bootstrap bytes / save()',
        summarize(ratios(col('bootstrap'), col('save'))),
        TARGET,
      ),
      ratio('Relay stream bytes / save()', summarize(ratios(col('stream'), col('save')))),
      ratio('Relay events table / save()', summarize(ratios(col('table'), col('save')))),
    ];
    return {
      id: this.id,
      title: this.title,
      setup: [
        `${s.checkIns} check-ins (10 habits × ${s.checkIns / 10} days), one change each, written through the app's \`checkIn\` on a harness device syncing to the relay on Postgres; the store compacts at its default thresholds and pushes each snapshot; once every push is acknowledged, the log is compacted once more and that snapshot pushed too (so it covers the whole stream). ${s.runs} runs, fresh database each.`,
        'Device: the observations log file (sealed, padded, framed records). Relay: sealed bytes (octet_length of `data`) of the observations stream; the newest snapshot plus the events after it is what `bootstrap` sends a new device; the events table size includes its indexes and every row of this fresh database.',
      ],
      rows,
      notes: runs
        .filter((m) => m.covers < m.head - 1)
        .map(
          (m) =>
            `In one run the newest snapshot covered seq ${m.covers} of the stream's ${m.head} events (a snapshot covers the cursor at the time it was taken and this device's own events acknowledged right after it), so a new device's bootstrap also downloads the ${m.head - m.covers - 1} events after it, earlier snapshots included: ${fmt(m.bootstrap / 1024)} KiB instead of about ${fmt(m.save / 1024)} KiB.`,
        ),
    };
  },
};
