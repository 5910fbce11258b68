/**
 * Database faults (reliability promise 2): Postgres is stopped with
 * `pg_ctl -m immediate` (no shutdown checkpoint: a crash) while three devices
 * push, again and again. Each time the relay must report itself unhealthy
 * (/healthz 503) while the database is gone, must not die, must serve again
 * once Postgres is back, and the invariants of support/scenario.ts must hold.
 * (The embedded PGlite runs inside the relay process: its crash is the relay
 * kill, in relay-kills.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { health, startRelayChild, waitUntil, type RelayChild } from '../../testkit/src/relay';
import { runScenario } from './support/scenario';
import { count, report, rng } from './support/scale';

const STOPS = count(50, 5);
const EVENTS = count(10_000, 1_000);

let pg: PostgresCluster | undefined;
let relay: RelayChild | undefined;
afterAll(async () => {
  await relay?.stop('SIGKILL');
  pg?.destroy();
});

/** What a timeout message needs: did the relay die, what did it last say. */
function diagnose(relay: RelayChild, logs: readonly string[], extra: string): string {
  const exit = relay.unexpectedExit;
  const state =
    exit === undefined ? 'relay still running' : `relay exited (${exit.code ?? exit.signal})`;
  // The expected "storage failed" lines would bury the one that explains.
  const telling = logs.filter((l) => !l.includes('"msg":"storage failed"'));
  return `${state}; ${extra}; last relay lines:\n${telling.slice(-20).join('\n')}`;
}

describe('database faults', () => {
  it(`keeps every acknowledged event through ${STOPS} immediate Postgres stops`, async () => {
    pg = await startPostgres();
    const cluster = pg;
    const logs: string[] = [];
    const running = await startRelayChild({ env: { DATABASE_URL: cluster.url }, logs });
    relay = running;
    const r = rng(31);
    let unhealthySeen = 0;
    let downMs = 0;
    let recoverMs = 0;
    const result = await runScenario({
      base: () => running.base,
      events: EVENTS,
      faults: STOPS,
      faultMs: 6000,
      uptime: () => 500 + r.int(1500),
      seed: 103,
      convergeMs: count(900_000, 240_000),
      database: { kind: 'postgres', url: cluster.url },
      inject: async () => {
        const t = performance.now();
        cluster.stop('immediate');
        // The relay notices: /healthz answers 503 while the database is gone.
        let last = -1;
        await waitUntil(
          'the relay to report itself unhealthy',
          async () => (last = await health(running.base)) === 503,
          30_000,
          () => diagnose(running, logs, `last /healthz status ${last}`),
        );
        unhealthySeen += 1;
        await new Promise((res) => setTimeout(res, r.int(1000)));
        downMs += performance.now() - t;
        const back = performance.now();
        cluster.start();
        await waitUntil(
          'the relay to recover',
          async () => (last = await health(running.base)) === 200,
          60_000,
          () => diagnose(running, logs, `last /healthz status ${last}`),
        );
        recoverMs += performance.now() - back;
        expect(running.unexpectedExit).toBeUndefined();
      },
      beforeRead: async () => {
        expect(await health(running.base)).toBe(200);
        expect(running.unexpectedExit).toBeUndefined();
      },
    });
    const unavailable = logs.filter(
      (l) => l.includes('storage failed') || l.includes('unavailable'),
    ).length;
    report('database faults (postgres)', {
      events: result.written,
      acked: result.acked,
      stops: result.faults,
      midWrite: result.midWrite,
      unhealthySeen,
      meanDownMs: Math.round(downMs / STOPS),
      meanRecoverMs: Math.round(recoverMs / STOPS),
      relayErrorLines: unavailable,
      gaps: result.check.gaps.length,
      duplicates: result.check.duplicates.length,
      writeMs: Math.round(result.writeMs),
      convergeMs: Math.round(result.convergeMs),
    });
    expect(unhealthySeen).toBe(STOPS);
  });
});
