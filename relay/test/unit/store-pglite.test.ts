import { openPgliteStore } from '../../src/store/pglite.js';
import { accountStoreContract } from '../support/accounts-store-contract.js';
import { eventStoreContract } from '../support/event-store-contract.js';
import { storeLifecycleContract } from '../support/store-lifecycle-contract.js';

accountStoreContract('PGlite (in memory)', () => openPgliteStore());
eventStoreContract('PGlite (in memory)', () => openPgliteStore());
storeLifecycleContract('PGlite (in memory)', () => openPgliteStore());
