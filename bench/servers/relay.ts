/**
 * Cairn's relay for benchmarks: `buildRelay` exactly as `relay/src/main.ts`
 * runs it, configured by one JSON environment variable, logging off.
 *
 *   BENCH_RELAY='{"database":{"kind":"pglite","dataDir":"/tmp/x"},"limits":{...}}'
 *   BENCH_RELAY='{"database":{"kind":"postgres","url":"postgres://..."}}'
 *   optional "staticDir" (the built PWA at /) and "benchPageDir" (served at /bench/),
 *   so a benchmark page shares the app's origin (its OPFS and IndexedDB).
 *
 * Prints READY {"port":n}; exits cleanly on SIGTERM.
 */
import fastifyStatic from '@fastify/static';
import * as v from 'valibot';
import { buildRelay } from '../../relay/src/app.js';
import { listenForControl } from './control.js';

const Config = v.object({
  database: v.variant('kind', [
    v.object({ kind: v.literal('pglite'), dataDir: v.string() }),
    v.object({ kind: v.literal('postgres'), url: v.string() }),
  ]),
  limits: v.optional(v.record(v.string(), v.number())),
  staticDir: v.optional(v.string()),
  benchPageDir: v.optional(v.string()),
});

const config = v.parse(Config, JSON.parse(process.env['BENCH_RELAY'] ?? '{}'));
const app = await buildRelay({
  database: config.database,
  ...(config.staticDir === undefined ? {} : { staticDir: config.staticDir }),
  limits: config.limits ?? {},
});
if (config.benchPageDir !== undefined) {
  await app.register(fastifyStatic, {
    root: config.benchPageDir,
    prefix: '/bench/',
    decorateReply: false,
  });
}
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
listenForControl();
console.log(`READY ${JSON.stringify({ port })}`);
