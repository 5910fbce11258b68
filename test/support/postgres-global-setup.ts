/**
 * Vitest global setup for suites that need a real Postgres: uses DATABASE_URL
 * when the caller set one, otherwise starts an ephemeral cluster for the run.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresCluster } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env['DATABASE_URL'];
  if (given !== undefined && given !== '') {
    project.provide('postgresUrl', given);
    return;
  }
  cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
}

export function teardown(): void {
  cluster?.destroy();
}
