/**
 * A Postgres restart under a running relay store: queries fail as values
 * while it is down, and LISTEN comes back by itself (and says so), so relay
 * processes sharing the database keep hearing each other's commits afterwards.
 */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { NOTIFY_CHANNEL } from '../../src/store/sql-store.js';
import type { StoreNotice } from '../../src/store/types.js';
import { startPostgres, type PostgresCluster } from '../../../test/support/postgres.js';

let cluster: PostgresCluster | undefined;
afterAll(() => cluster?.destroy());

async function eventually(test: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const notice = (n: number): string =>
  JSON.stringify({ k: 'r', i: 'another-process', a: `account-${n}`, d: 'device' });

describe('a Postgres restart', () => {
  it('keeps LISTEN alive: notices after the restart still arrive', async () => {
    cluster = await startPostgres();
    const pg = cluster;
    const store = await openPostgresStore(pg.url, { max: 2 });
    const heard: StoreNotice[] = [];
    await store.listen((n) => heard.push(n));
    const other = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      await other`select pg_notify(${NOTIFY_CHANNEL}, ${notice(1)})`;
      expect(await eventually(() => heard.length === 1, 10_000)).toBe(true);

      pg.stop('immediate');
      expect(await store.health().catch(() => false)).toBe(false);
      // Down long enough for the listener's first reconnect to fail.
      await new Promise((r) => setTimeout(r, 1500));
      pg.start();
      expect(await eventually(() => store.health().catch(() => false), 30_000)).toBe(true);

      const after = await eventually(async () => {
        await other`select pg_notify(${NOTIFY_CHANNEL}, ${notice(2)})`.catch(() => undefined);
        return heard.some((n) => n.kind === 'revoked' && n.accountId === 'account-2');
      }, 30_000);
      expect(after).toBe(true);
      // And the store said so: notices sent while LISTEN was down are lost.
      expect(heard.filter((n) => n.kind === 'resubscribed').length).toBeGreaterThanOrEqual(1);
    } finally {
      await other.end({ timeout: 1 });
      await store.close();
    }
  });
});
