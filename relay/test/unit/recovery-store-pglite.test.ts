import { openPgliteStore } from '../../src/store/pglite.js';
import { recoveryStoreContract } from '../support/recovery-store-contract.js';

recoveryStoreContract('PGlite (in memory)', () => openPgliteStore());
