import { openPostgresStore } from '../../src/store/postgres.js';
import { accountStoreContract } from '../support/accounts-store-contract.js';
import { eventStoreContract } from '../support/event-store-contract.js';
import { freshDatabase, postgresUrl, type FreshDatabase } from '../support/pg.js';
import { storeLifecycleContract } from '../support/store-lifecycle-contract.js';
import type { RelayStore } from '../../src/store/types.js';

type Contract = (
  name: string,
  open: () => Promise<RelayStore>,
  dispose: () => Promise<void>,
) => void;

/** Each port's contract on a database of its own. */
function onFreshDatabase(run: Contract): void {
  let db: FreshDatabase | undefined;
  run(
    'Postgres',
    async () => {
      db = await freshDatabase(postgresUrl());
      return openPostgresStore(db.url);
    },
    async () => {
      await db?.drop();
    },
  );
}

onFreshDatabase(accountStoreContract);
onFreshDatabase(eventStoreContract);
onFreshDatabase(storeLifecycleContract);
