import { openPgliteStore } from '../../src/store/pglite.js';
import { storeContract } from '../support/store-contract.js';

storeContract('PGlite (in memory)', () => openPgliteStore());
