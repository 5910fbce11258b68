/**
 * The served store: a real Postgres through `postgres`. Several relay
 * processes may share the database; each NOTIFYs its commits and revocations
 * (inside the committing transaction) and LISTENs for the others'.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { Database, Db, Param, Row } from './db.js';
import { parseNotice } from './notices.js';
import { PAIRING_CHANNEL } from './pairing-sql.js';
import { migrate, NOTIFY_CHANNEL } from './sql-store.js';
import { StoreBase } from './store-base.js';
import type { StoreNotice } from './types.js';

type Sql = postgres.Sql | postgres.TransactionSql;

function adapt(sql: Sql): Db {
  return {
    async query(text: string, params: readonly Param[] = []): Promise<Row[]> {
      const rows = await sql.unsafe<Row[]>(text, [...params], { prepare: true });
      return [...rows];
    },
    async exec(text: string): Promise<void> {
      await sql.unsafe(text);
    },
  };
}

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  max?: number;
}

export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<StoreBase> {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'cairn-relay' },
  });
  const db: Database = {
    ...adapt(sql),
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      let result: [T] | undefined;
      await sql.begin(async (tx) => {
        result = [await fn(adapt(tx))];
      });
      if (result === undefined) throw new Error('transaction ended without running');
      return result[0];
    },
    close: () => sql.end({ timeout: 5 }),
  };
  try {
    await migrate(db);
  } catch (e) {
    await sql.end({ timeout: 1 });
    throw e;
  }
  const instance = randomBytes(8).toString('hex');
  const listen = async (onNotice: (n: StoreNotice) => void): Promise<void> => {
    let subscribed = false;
    await sql.listen(
      NOTIFY_CHANNEL,
      (payload) => {
        const notice = parseNotice(payload, instance);
        if (notice !== undefined) onNotice(notice);
      },
      // Called after the first LISTEN and again after each reconnect of its connection.
      () => {
        if (subscribed) onNotice({ kind: 'resubscribed' });
        subscribed = true;
      },
    );
  };
  const listenPairing = async (onPayload: (payload: string) => void): Promise<void> => {
    await sql.listen(PAIRING_CHANNEL, onPayload);
  };
  return new StoreBase('postgres', true, db, instance, listen, listenPairing);
}
