/**
 * The embedded store: PGlite (Postgres compiled to WebAssembly) in this
 * process, its files in a folder (or in memory for tests). One process owns
 * the folder, so fan-out stays in-process and `listen` has nothing to do.
 */
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Db, Param, Row } from './db.js';
import { migrate } from './sql-store.js';
import { StoreBase } from './store-base.js';

function adapt(q: PGlite | Transaction): Db {
  return {
    async query(text: string, params: readonly Param[] = []): Promise<Row[]> {
      return (await q.query<Row>(text, [...params])).rows;
    },
    async exec(text: string): Promise<void> {
      await q.exec(text);
    },
    async queryWithBlob(
      text: string,
      params: readonly Param[],
      bytes: Uint8Array<ArrayBuffer>,
    ): Promise<Row[]> {
      return (await q.query<Row>(text, [...params], { blob: new Blob([bytes]) })).rows;
    },
  };
}

/** Opens (creating if needed) a PGlite database in `dataDir`, or in memory when undefined. */
export async function openPgliteStore(dataDir?: string): Promise<StoreBase> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  const db: Database = {
    ...adapt(pg),
    transaction: (fn) => pg.transaction((tx) => fn(adapt(tx))),
    close: () => pg.close(),
  };
  await migrate(db);
  return new StoreBase('pglite', false, db, undefined, async () => {});
}
