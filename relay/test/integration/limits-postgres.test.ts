import { freshDatabase, postgresUrl, type FreshDatabase } from '../support/pg.js';
import { limitsSuite } from '../support/limits-suite.js';

// Every relay of the suite shares one fresh database, as relay processes would.
let db: Promise<FreshDatabase> | undefined;
limitsSuite(
  'Postgres',
  async () => {
    db ??= freshDatabase(postgresUrl());
    return { kind: 'postgres', url: (await db).url };
  },
  async () => {
    await (await db)?.drop();
  },
);
