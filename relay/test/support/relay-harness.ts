/** Starts relays on port 0 over a given database, and stops them all at the end. */
import type { FastifyInstance } from 'fastify';
import { buildRelay, type RelayOptions } from '../../src/app.js';
import type { StoreConfig } from '../../src/store/index.js';

export interface Running {
  app: FastifyInstance;
  base: string;
  close(): Promise<void>;
}

export async function startRelay(
  database: StoreConfig,
  options: Omit<RelayOptions, 'database'> = {},
): Promise<Running> {
  const app = await buildRelay({ ...options, database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('relay is not listening');
  return { app, base: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
