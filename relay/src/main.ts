/**
 * Starts Cairn: the relay and the built PWA, one process, on embedded storage.
 * PORT (default 8080) and HOST (default 127.0.0.1) choose where it listens.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';

const port = Number(process.env['PORT'] ?? 8080);
const host = process.env['HOST'] ?? '127.0.0.1';
const appDir = resolve(import.meta.dirname, '../../client/dist');

const app = Fastify({ logger: { level: process.env['LOG_LEVEL'] ?? 'info' } });
app.get('/healthz', async () => ({ ok: true }));
if (existsSync(appDir)) await app.register(fastifyStatic, { root: appDir });
await app.listen({ port, host });
console.log(`Cairn is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
