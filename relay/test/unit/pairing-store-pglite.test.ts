import { openPgliteStore } from '../../src/store/pglite.js';
import { pairingStoreContract } from '../support/pairing-store-contract.js';

pairingStoreContract('PGlite (in memory)', () => openPgliteStore());
