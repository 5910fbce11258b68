import { freshDatabase, postgresUrl, type FreshDatabase } from '../support/pg.js';
import { pairingSuite } from '../support/pairing-suite.js';

// Every relay of the suite shares one fresh database, as relay processes would.
let db: Promise<FreshDatabase> | undefined;
pairingSuite(
  'Postgres',
  async () => {
    db ??= freshDatabase(postgresUrl());
    return { kind: 'postgres', url: (await db).url };
  },
  {
    shared: true,
    dispose: async () => {
      await (await db)?.drop();
    },
  },
);
