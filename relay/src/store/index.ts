/** Opens the store the configuration names: Postgres when a URL is given, else PGlite. */
import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { RelayStore } from './types.js';

export type StoreConfig =
  { kind: 'postgres'; url: string; max?: number } | { kind: 'pglite'; dataDir?: string };

export function openStore(config: StoreConfig): Promise<RelayStore> {
  return config.kind === 'postgres'
    ? openPostgresStore(config.url, config.max === undefined ? {} : { max: config.max })
    : openPgliteStore(config.dataDir);
}

export type * from './types.js';
export { openPgliteStore } from './pglite.js';
export { openPostgresStore } from './postgres.js';
export { migrations, type Migration } from './migrations.js';
