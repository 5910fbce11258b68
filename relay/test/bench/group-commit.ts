/**
 * Acked events/s on Postgres, in one run: the relay with group commit, the
 * same relay with one commit per event (maxBatchRows = 1), and bare
 * one-commit-per-event INSERTs. Every ack is after its commit in all three.
 *
 *   npm run build:shared && npx tsx relay/test/bench/group-commit.ts [events] [devices]
 *
 * Starts its own ephemeral Postgres (fsync on) and runs the relay as a child
 * process (as in production), so the simulated devices in this process do not
 * share its thread. Devices push pipelined, at most WINDOW pushes in flight
 * each, 200-byte sealed events; one device per account (no fan-out), and a
 * last row with 10 devices per account (each push fanned out to 9 others).
 */
import { randomBytes } from 'node:crypto';
import { ready } from '@cairn/shared';
import postgres from 'postgres';
import { startPostgres } from '../../../test/support/postgres.js';
import { connectDevice } from '../../../testkit/src/protocol-device.js';
import { fakeRecord, identity, type Identity } from '../../../testkit/src/identities.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { startRelayChild } from '../../../testkit/src/relay.js';

const METRICS_TOKEN = 'group-commit-bench';

const EVENTS = Number(process.argv[2] ?? 20_000);
const DEVICES = Number(process.argv[3] ?? 100);
const WINDOW = 32;

await ready();
const pg = await startPostgres();

async function database(): Promise<string> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  return pg.url.replace(/\/postgres$/, `/${name}`);
}

async function bareInserts(n: number): Promise<number> {
  const sql = postgres(await database(), { max: 1, onnotice: () => {} });
  await sql.unsafe(
    'CREATE TABLE t (id bigserial PRIMARY KEY, stream bytea, event bytea, data bytea)',
  );
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await sql.unsafe('INSERT INTO t (stream, event, data) VALUES ($1, $2, $3)', [
      randomBytes(32),
      randomBytes(16),
      randomBytes(200),
    ]);
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await sql.end();
  return rate;
}

async function relayRate(
  maxBatchRows: number,
  events: number,
  accounts: number,
): Promise<{ rate: number; batches: number }> {
  const url = await database();
  const store = await openPostgresStore(url, { max: 1 });
  const devices: Identity[] = Array.from({ length: DEVICES }, (_, k) =>
    identity(1 + (k % accounts), 1 + Math.floor(k / accounts)),
  );
  for (const d of devices) {
    const acc = d.accountId;
    const body = {
      deviceId: d.deviceId,
      signingKey: Buffer.from(d.signing.publicKey).toString('base64'),
      boxKey: Buffer.from(d.box.publicKey).toString('base64'),
      label: d.label,
    };
    if ((await store.registerAccount(acc, body)) === 'conflict') await store.addDevice(acc, body);
  }
  await store.close();
  const relay = await startRelayChild({
    env: {
      RELAY_METRICS_TOKEN: METRICS_TOKEN,
      DATABASE_URL: url,
      RELAY_MAX_BATCH_ROWS: String(maxBatchRows),
      RELAY_PUSH_RATE: '1000000',
      RELAY_PUSH_BURST: '1000000',
      RELAY_CONNECT_PER_MINUTE: '100000',
    },
    stopSignal: 'SIGTERM',
  });
  const conns = await Promise.all(devices.map((d) => connectDevice(relay.base, d)));
  const per = Math.ceil(events / DEVICES);
  const data = fakeRecord(200, 7);
  const t0 = performance.now();
  await Promise.all(
    conns.map(async (c, k) => {
      const stream = randomBytes(32).toString('base64');
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < per) {
          next++;
          const r = await c.client.push(stream, randomBytes(16).toString('base64'), data);
          if (!r.ok) throw new Error(`device ${k}: ${r.error.code} ${r.error.message}`);
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, lane));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const metrics = await (
    await fetch(`${relay.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const batches = Number(/^cairn_relay_commit_batch_size_count (\d+)/m.exec(metrics)?.[1] ?? 0);
  for (const c of conns) c.ws.terminate();
  await relay.stop();
  return { rate: (per * DEVICES) / seconds, batches };
}

try {
  const naiveN = Math.min(EVENTS, 3000);
  const bare = await bareInserts(naiveN);
  const single = await relayRate(1, naiveN, DEVICES);
  const grouped = await relayRate(1000, EVENTS, DEVICES);
  const fanned = await relayRate(1000, EVENTS, Math.max(1, DEVICES / 10));
  const row = (name: string, rate: number, extra = ''): string =>
    `${name.padEnd(44)} ${rate.toFixed(0).padStart(8)} events/s  ${(rate / bare).toFixed(1).padStart(5)}×  ${extra}`;
  console.log(`Postgres, fsync on; ${DEVICES} devices, ${WINDOW} pushes in flight each`);
  console.log(row(`bare INSERT, one commit each (${naiveN})`, bare));
  console.log(
    row(`relay, one commit per event (${naiveN})`, single.rate, `${single.batches} commits`),
  );
  console.log(
    row(
      `relay, group commit (${EVENTS})`,
      grouped.rate,
      `${grouped.batches} commits, ${(EVENTS / grouped.batches).toFixed(0)} events/commit`,
    ),
  );
  console.log(
    row(`relay, group commit + fan-out to 9 (${EVENTS})`, fanned.rate, `${fanned.batches} commits`),
  );
} finally {
  pg.destroy();
}
