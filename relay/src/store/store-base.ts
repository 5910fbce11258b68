/** A `RelayStore` from the shared SQL core plus what differs per driver. */
import type { Database } from './db.js';
import type { PairingStore } from '../pairing/port.js';
import { SqlPairingStore } from './pairing-sql.js';
import { SqlCore } from './sql-store.js';
import type { RelayStore, StoreNotice } from './types.js';

export class StoreBase extends SqlCore implements RelayStore {
  private closed = false;
  readonly pairing: PairingStore;

  constructor(
    readonly kind: 'pglite' | 'postgres',
    readonly shared: boolean,
    private readonly database: Database,
    /** Set on Postgres: the id other processes use to skip this one's notices. */
    notifyAs: string | undefined,
    private readonly subscribe: (onNotice: (n: StoreNotice) => void) => Promise<void>,
    /** Postgres: subscribes to the pairing channel (pairing-sql.ts). */
    pairingSubscribe?: (onPayload: (payload: string) => void) => Promise<void>,
  ) {
    super(database, notifyAs);
    this.pairing = new SqlPairingStore(database, pairingSubscribe);
  }

  listen(onNotice: (notice: StoreNotice) => void): Promise<void> {
    return this.subscribe(onNotice);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.database.close();
  }
}
