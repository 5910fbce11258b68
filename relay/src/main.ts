/**
 * Starts Cairn: the relay and the built PWA, one process, one origin.
 *
 *   PORT (8080), HOST (127.0.0.1)         where it listens
 *   DATABASE_URL                          a Postgres to use; unset: embedded PGlite
 *   RELAY_DATA_DIR (<repo>/.data/relay)   PGlite's folder
 *   RELAY_STATIC_DIR (<repo>/client/dist) the built PWA
 *   LOG_LEVEL (info), TRUST_PROXY (unset) logging; honour X-Forwarded-For
 *   RELAY_*                               limits (see config.ts)
 */
import { resolve } from 'node:path';
import { buildRelay } from './app.js';
import { limitsFromEnv } from './config.js';

const env = process.env;
const root = resolve(import.meta.dirname, '../..');
const port = Number(env['PORT'] ?? 8080);
const host = env['HOST'] ?? '127.0.0.1';
const databaseUrl = env['DATABASE_URL'];

const app = await buildRelay({
  database:
    databaseUrl !== undefined && databaseUrl !== ''
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'pglite', dataDir: resolve(env['RELAY_DATA_DIR'] ?? resolve(root, '.data/relay')) },
  staticDir: resolve(env['RELAY_STATIC_DIR'] ?? resolve(root, 'client/dist')),
  logger: { level: env['LOG_LEVEL'] ?? 'info' },
  trustProxy: env['TRUST_PROXY'] === '1' || env['TRUST_PROXY'] === 'true',
  limits: limitsFromEnv(env),
});

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  app.close().then(
    () => process.exit(0),
    (e: unknown) => {
      app.log.error({ err: e }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

await app.listen({ port, host });
const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
// PORT=0 picks a free port: print the one in use.
const address = app.server.address();
const actual = typeof address === 'object' && address !== null ? address.port : port;
console.log(`Cairn is running at http://${shown}:${actual}/`);
