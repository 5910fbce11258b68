/**
 * Starts Cairn: the relay and the built PWA, one process, one origin.
 *
 *   PORT (8080), HOST (127.0.0.1)         where it listens
 *   DATABASE_URL                          a Postgres to use; unset: embedded PGlite
 *   RELAY_DATA_DIR (<repo>/.data/relay)   PGlite's folder
 *   RELAY_STATIC_DIR (<repo>/client/dist) the built PWA
 *   LOG_LEVEL (info)                      logging
 *   TRUST_PROXY (unset)                   X-Forwarded-For hops to believe: a hop count
 *                                         or the proxies' addresses (http/addresses.ts)
 *   RELAY_METRICS_TOKEN (unset)           /metrics here, for that bearer token only
 *   RELAY_METRICS_PORT, _HOST (127.0.0.1) /metrics on a separate operator address
 *   RELAY_CONNECT_SRC (unset)             other relays the served app may sync with (CSP)
 *   RELAY_TLS_CERT, RELAY_TLS_KEY (unset) serve HTTPS with this PEM certificate and key (tls.ts)
 *   RELAY_*                               limits (see config.ts)
 */
import { resolve } from 'node:path';
import { parseTrustProxy } from './http/addresses.js';
import { buildRelay } from './app.js';
import { limitsFromEnv } from './config.js';
import { startMetricsServer } from './ops/metrics-server.js';
import { tlsFromEnv } from './tls.js';

const env = process.env;
const root = resolve(import.meta.dirname, '../..');
const port = Number(env['PORT'] ?? 8080);
const host = env['HOST'] ?? '127.0.0.1';
const databaseUrl = env['DATABASE_URL'];
const metricsToken = env['RELAY_METRICS_TOKEN'];
const metricsPort = env['RELAY_METRICS_PORT'];
const connectSrc = (env['RELAY_CONNECT_SRC'] ?? '').split(/\s+/).filter((s) => s !== '');
// env['RELAY_TLS_CERT'], env['RELAY_TLS_KEY']: read and checked in tls.ts.
const tls = tlsFromEnv(env);
if (!tls.ok) {
  console.error(`Cairn cannot start: ${tls.error.message}`);
  process.exit(1);
}

const app = await buildRelay({
  database:
    databaseUrl !== undefined && databaseUrl !== ''
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'pglite', dataDir: resolve(env['RELAY_DATA_DIR'] ?? resolve(root, '.data/relay')) },
  staticDir: resolve(env['RELAY_STATIC_DIR'] ?? resolve(root, 'client/dist')),
  logger: { level: env['LOG_LEVEL'] ?? 'info' },
  trustProxy: parseTrustProxy(env['TRUST_PROXY']),
  limits: limitsFromEnv(env),
  ...(metricsToken !== undefined && metricsToken !== '' ? { metricsToken } : {}),
  connectSrc,
  ...(tls.value === undefined ? {} : { https: tls.value }),
});

// Last line of defence: every promise of a connection is caught there (http/socket-wiring.ts);
// one that is not is a bug to log, not a reason to drop every other device's connection.
process.on('unhandledRejection', (e: unknown) => {
  app.relay.metrics.bugs.inc();
  app.log.error({ err: e }, 'unhandled rejection');
});

const metricsServer =
  metricsPort !== undefined && metricsPort !== ''
    ? await startMetricsServer(app.relay.metrics, {
        host: env['RELAY_METRICS_HOST'] ?? '127.0.0.1',
        port: Number(metricsPort),
      })
    : undefined;

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  Promise.all([app.close(), metricsServer?.close()]).then(
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
console.log(
  `Cairn is running at ${tls.value === undefined ? 'http' : 'https'}://${shown}:${actual}/`,
);
if (metricsServer !== undefined) {
  console.log(
    `Metrics at http://${env['RELAY_METRICS_HOST'] ?? '127.0.0.1'}:${metricsServer.port}/metrics`,
  );
}
