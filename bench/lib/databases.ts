/**
 * The databases benchmarks run on: one ephemeral Postgres cluster per bench
 * run (fsync on, test/support/postgres.ts), a fresh database in it per use,
 * and fresh PGlite folders. Everything is removed by `cleanup()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startPostgres, type PostgresCluster } from '../../test/support/postgres.js';

export type DatabaseKind = 'pglite' | 'postgres';

export type RelayDatabase =
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: string };

let cluster: Promise<PostgresCluster> | undefined;
const folders: string[] = [];

export function postgresCluster(): Promise<PostgresCluster> {
  cluster ??= startPostgres();
  return cluster;
}

/** A new, empty Postgres database in the shared cluster; returns its URL. */
export async function freshPostgres(): Promise<string> {
  const pg = await postgresCluster();
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return pg.url.replace(/\/postgres$/, `/${name}`);
}

export function freshFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cairn-bench-${prefix}-`));
  folders.push(dir);
  return dir;
}

export async function freshDatabase(kind: DatabaseKind): Promise<RelayDatabase> {
  return kind === 'pglite'
    ? { kind: 'pglite', dataDir: freshFolder('pglite') }
    : { kind: 'postgres', url: await freshPostgres() };
}

export async function cleanup(): Promise<void> {
  const pg = cluster;
  cluster = undefined;
  if (pg !== undefined) (await pg).destroy();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}
