/**
 * The whole store, as the composition root (app.ts) opens it: one port per
 * feature, which the PGlite and Postgres stores (store-base.ts over the SQL
 * core, sql-store.ts) implement together. Each feature takes only its own
 * port, declared in its folder and checked by its contract suite:
 *
 *   accounts/port.ts  AccountStore    accounts and device rows
 *   sync/port.ts      EventStore      sealed events, pages, notices
 *   recovery/port.ts  RecoveryStore   escrowed blobs and pending changes
 *   pairing/port.ts   PairingStore    pairing offers (`store.pairing`)
 *   ops/port.ts       StoreLifecycle  kind, sharing, listen, health, close
 *
 * The port types are re-exported here for tools and tests that open a store.
 */
import type { AccountStore } from '../accounts/port.js';
import type { StoreLifecycle } from '../ops/port.js';
import type { PairingStore } from '../pairing/port.js';
import type { RecoveryStore } from '../recovery/port.js';
import type { EventStore } from '../sync/port.js';

export interface RelayStore extends AccountStore, EventStore, RecoveryStore, StoreLifecycle {
  /** Pairing offers and cross-process pairing notices (pairing-sql.ts). */
  readonly pairing: PairingStore;
}

export type * from '../accounts/port.js';
export type * from '../ops/port.js';
export type * from '../pairing/port.js';
export type * from '../recovery/port.js';
export type * from '../sync/port.js';
