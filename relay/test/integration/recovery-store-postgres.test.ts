import { openPostgresStore } from '../../src/store/postgres.js';
import { freshDatabase, postgresUrl, type FreshDatabase } from '../support/pg.js';
import { recoveryStoreContract } from '../support/recovery-store-contract.js';

let db: FreshDatabase | undefined;
recoveryStoreContract(
  'Postgres',
  async () => {
    db = await freshDatabase(postgresUrl());
    return openPostgresStore(db.url);
  },
  async () => {
    await db?.drop();
  },
);
