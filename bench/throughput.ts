/**
 * Sustained acked events/s from 100 devices, every ack after its commit,
 * against reference (b): one INSERT per event, each its own commit, into the
 * same kind of database (and, for scale, 1,000-row multi-row INSERTs).
 *
 * Cairn: 100 authenticated devices (50 accounts of 2) push E events of 200
 * sealed bytes into their account's stream, at most W pushes in flight per
 * device; the figure is acked events per second from the first push to the
 * last ack. The relay batches the pushes that arrive together into one
 * transaction (group commit) and acks each only after COMMIT returned.
 * Reference (b) runs in the bench process, one connection, one statement at a
 * time, against a fresh database of the same cluster (Postgres, fsync on) or a
 * fresh PGlite folder.
 */
import { PGlite } from '@electric-sql/pglite';
import { ready } from '@cairn/shared';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import { pick, type BenchContext, type Benchmark } from './lib/bench.js';
import { freshFolder, freshPostgres, type DatabaseKind } from './lib/databases.js';
import { benchIdentities } from '../testkit/src/identities.js';
import { profileNote } from './lib/profile.js';
import { seededDatabase, startRelay } from './lib/relay.js';
import { fakeRecord, wireId } from '../testkit/src/identities.js';
import { closeAll, connectAll, LOAD_SOCKETS } from '../testkit/src/protocol-device.js';
import { figure, fmt, ratio, targetMet, type Row } from './lib/report.js';
import { ratios, summarize } from './lib/stats.js';
import { withTimeout } from './lib/wait.js';
import { warmUntilSteady } from './lib/warmup.js';

/** Run numbers for warm-up runs: a byte of every event id, apart from the measured runs'. */
const WARM_UP_RUNS = 100;

interface Sizes {
  accounts: number;
  perAccount: number;
  events: number;
  window: number;
  naive: number;
  bulkBatches: number;
  runs: number;
}

const EVENT_BYTES = 200;
const BULK_ROWS = 1000;
const TIMEOUT_MS = 180_000;
const TARGET = { op: '>=', value: 15 } as const;

const TABLE = `CREATE TABLE events (
  account_id uuid NOT NULL, stream_id bytea NOT NULL, seq bigint NOT NULL,
  event_id bytea NOT NULL, data bytea NOT NULL,
  PRIMARY KEY (account_id, stream_id, seq), UNIQUE (account_id, stream_id, event_id))`;
const ACCOUNT = '00000000-0000-4000-8000-000000000001';

interface Sql {
  run(text: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function openSql(kind: DatabaseKind): Promise<Sql> {
  if (kind === 'postgres') {
    const sql = postgres(await freshPostgres(), { max: 1, onnotice: () => {} });
    return {
      run: async (text, params = []) => {
        await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true });
      },
      close: () => sql.end(),
    };
  }
  const pg = await PGlite.create(freshFolder('pglite-ref'));
  return {
    run: async (text, params = []) => {
      await pg.query(text, params);
    },
    close: () => pg.close(),
  };
}

/** Reference (b) and the multi-row scale figure, on a fresh table per run. */
async function referenceSide(kind: DatabaseKind) {
  const sql = await openSql(kind);
  const stream = randomBytes(32);
  const data = randomBytes(EVENT_BYTES);
  const table = async (): Promise<void> => {
    await sql.run('DROP TABLE IF EXISTS events');
    await sql.run(TABLE);
  };
  return {
    /** One INSERT, one commit, per event: rows/s. */
    async naive(n: number): Promise<number> {
      await table();
      const t0 = performance.now();
      for (let i = 1; i <= n; i++) {
        await sql.run(
          'INSERT INTO events (account_id, stream_id, seq, event_id, data) VALUES ($1, $2, $3, $4, $5)',
          [ACCOUNT, stream, i, randomBytes(16), data],
        );
      }
      return n / ((performance.now() - t0) / 1000);
    },
    /** 1,000-row multi-row INSERTs, one commit each: rows/s. */
    async bulk(batches: number): Promise<number> {
      await table();
      const values = Array.from(
        { length: BULK_ROWS },
        (_, i) => `($1, $2, $${3 + 2 * i}, $${4 + 2 * i}, $${3 + 2 * BULK_ROWS})`,
      ).join(', ');
      const text = `INSERT INTO events (account_id, stream_id, seq, event_id, data) VALUES ${values}`;
      const t0 = performance.now();
      for (let b = 0; b < batches; b++) {
        const params: unknown[] = [ACCOUNT, stream];
        for (let i = 0; i < BULK_ROWS; i++) params.push(b * BULK_ROWS + i + 1, randomBytes(16));
        params.push(data);
        await sql.run(text, params);
      }
      return (batches * BULK_ROWS) / ((performance.now() - t0) / 1000);
    },
    close: () => sql.close(),
  };
}

async function cairnSide(s: Sizes, kind: DatabaseKind) {
  const ids = benchIdentities(s.accounts, s.perAccount);
  const relay = await startRelay(await seededDatabase(kind, ids));
  const devices = await connectAll(relay.wsUrl, ids, { ...LOAD_SOCKETS, events: 'count' });
  const per = Math.ceil(s.events / devices.length);
  const data = fakeRecord(EVENT_BYTES);
  return {
    server: relay.server,
    /** Acked events/s; `run` keeps event ids distinct from earlier runs'. */
    async measure(run: number): Promise<number> {
      const t0 = performance.now();
      await withTimeout(
        Promise.all(
          devices.map(async (d, k) => {
            const stream = wireId(32, 0x44, Math.floor(k / s.perAccount));
            let next = 0;
            const lane = async (): Promise<void> => {
              while (next < per) {
                const id = wireId(16, run, k * per + next++);
                const r = await d.client.push(stream, id, data);
                if (!r.ok) throw new Error(`push refused: ${r.error.code} ${r.error.message}`);
              }
            };
            await Promise.all(Array.from({ length: s.window }, lane));
          }),
        ),
        TIMEOUT_MS,
        `Cairn on ${kind}: pushes`,
      );
      return (per * devices.length) / ((performance.now() - t0) / 1000);
    },
    async close() {
      await closeAll(devices);
      await relay.stop();
    },
  };
}

export const throughput: Benchmark = {
  id: 'throughput',
  title: 'Relay acked events/s vs one commit per event',
  async run(ctx: BenchContext) {
    await ready();
    const s = pick(ctx, {
      full: {
        accounts: 50,
        perAccount: 2,
        events: 20_000,
        window: 32,
        naive: 2000,
        bulkBatches: 20,
        runs: 3,
        warmMax: 8,
      },
      smoke: {
        accounts: 2,
        perAccount: 2,
        events: 40,
        window: 4,
        naive: 20,
        bulkBatches: 1,
        runs: 1,
        warmMax: 1,
      },
    });
    const rows: Row[] = [];
    const notes: string[] = [];
    const warmUps: string[] = [];
    const refs = {
      postgres: await referenceSide('postgres'),
      pglite: await referenceSide('pglite'),
    };
    const relays = {
      pglite: await cairnSide(s, 'pglite'),
      postgres: await cairnSide(s, 'postgres'),
    };
    try {
      const naive = { postgres: [] as number[], pglite: [] as number[] };
      const bulk = { postgres: [] as number[], pglite: [] as number[] };
      const acked = { postgres: [] as number[], pglite: [] as number[] };
      // Not counted: each relay runs until it is steady (lib/warmup.ts); the
      // references are plain SQL and warm up in their first run.
      for (const kind of ['postgres', 'pglite'] as const) {
        await refs[kind].naive(s.naive);
        await refs[kind].bulk(s.bulkBatches);
        const w = await warmUntilSteady((run) => relays[kind].measure(WARM_UP_RUNS + run), {
          min: Math.min(2, s.warmMax),
          max: s.warmMax,
        });
        warmUps.push(`${kind} ${w.runs}${w.steady ? '' : ' (not steady)'}`);
        ctx.log(`throughput warm-up: ${kind} ${w.runs} runs${w.steady ? '' : ', not steady'}`);
      }
      for (let r = 1; r <= s.runs; r++) {
        const line: string[] = [];
        for (const kind of ['postgres', 'pglite'] as const) {
          const a = await refs[kind].naive(s.naive);
          const b = await refs[kind].bulk(s.bulkBatches);
          const c = await relays[kind].measure(r);
          line.push(
            `${kind}: one-per-commit ${fmt(a)}, multi-row ${fmt(b)} rows/s, Cairn ${fmt(c)} acked/s`,
          );
          naive[kind].push(a);
          bulk[kind].push(b);
          acked[kind].push(c);
        }
        ctx.log(`throughput run ${r}/${s.runs}: ${line.join('; ')}`);
      }
      rows.push(
        figure(
          'Reference (b): Postgres, one INSERT + commit per event',
          'rows/s',
          summarize(naive.postgres),
        ),
        figure(
          `Postgres, ${BULK_ROWS}-row multi-row INSERTs (for scale)`,
          'rows/s',
          summarize(bulk.postgres),
        ),
        figure('PGlite, one INSERT + commit per event', 'rows/s', summarize(naive.pglite)),
        figure(
          `PGlite, ${BULK_ROWS}-row multi-row INSERTs (for scale)`,
          'rows/s',
          summarize(bulk.pglite),
        ),
        figure(
          `Cairn relay on Postgres, ${s.accounts * s.perAccount} devices`,
          'acked events/s',
          summarize(acked.postgres),
        ),
        figure(
          `Cairn relay on PGlite, ${s.accounts * s.perAccount} devices`,
          'acked events/s',
          summarize(acked.pglite),
        ),
        ratio(
          'Cairn on Postgres / reference (b)',
          summarize(ratios(acked.postgres, naive.postgres)),
          TARGET,
        ),
        ratio(
          'Cairn on PGlite / reference (b)',
          summarize(ratios(acked.pglite, naive.postgres)),
          TARGET,
        ),
        ratio(
          'Cairn on PGlite / PGlite one commit per event',
          summarize(ratios(acked.pglite, naive.pglite)),
        ),
      );
      if (ctx.profileOnMiss && rows.some((row) => targetMet(row) === false)) {
        for (const kind of ['postgres', 'pglite'] as const) {
          const file = join(freshFolder('profile'), `throughput-${kind}.cpuprofile`);
          await relays[kind].server.startProfile();
          await relays[kind].measure(s.runs + 1);
          await relays[kind].server.stopProfile(file);
          notes.push(profileNote(file, `Profile of the relay on ${kind} during one extra run`));
        }
      }
    } finally {
      await Promise.all([...Object.values(refs), ...Object.values(relays)].map((x) => x.close()));
    }
    return {
      id: this.id,
      title: this.title,
      setup: [
        `Cairn: ${s.accounts * s.perAccount} authenticated devices (${s.accounts} accounts of ${s.perAccount}) push ${s.events} events of ${EVENT_BYTES} sealed bytes in total into their account's stream, ${s.window} pushes in flight per device; every ack is sent after its COMMIT (group commit, at most 1,000 events per transaction). Fan-out to the account's other device is on. Rate limits lifted for the load test.`,
        `Reference (b): ${s.naive} single-row INSERTs into an events-shaped table of the same Postgres cluster (fsync on), each its own transaction, one connection, sequential — the rate of acking each event after its own commit. Both relays are judged against it, as the target states; PGlite's own one-commit-per-event rate (a fresh PGlite folder, in the bench process) is shown beside it.`,
        `For scale, ${s.bulkBatches} × ${BULK_ROWS}-row multi-row INSERTs into the same table.`,
        `${s.runs} runs after warm-up (each relay until two runs in a row agree within 20 %: ${warmUps.join(', ')}); each run measures, per database, one-commit-per-event, multi-row and Cairn back to back; the relays stay up across runs.`,
      ],
      rows,
      notes,
    };
  },
};
