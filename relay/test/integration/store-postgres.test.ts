import { openPostgresStore } from '../../src/store/postgres.js';
import { freshDatabase, postgresUrl, type FreshDatabase } from '../support/pg.js';
import { storeContract } from '../support/store-contract.js';

let db: FreshDatabase | undefined;
storeContract(
  'Postgres',
  async () => {
    db = await freshDatabase(postgresUrl());
    return openPostgresStore(db.url);
  },
  async () => {
    await db?.drop();
  },
);
