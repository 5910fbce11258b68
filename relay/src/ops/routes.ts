/**
 * Operator routes: `/healthz` (the store answers within HEALTH_TIMEOUT_MS)
 * and `/metrics`.
 *
 * `/metrics` is not public: it is served here only for requests bearing
 * `Authorization: Bearer <RELAY_METRICS_TOKEN>` (404 without a token
 * configured, 401 with a wrong one), or on a separate operator address
 * (metrics-server.ts, RELAY_METRICS_PORT).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/errors.js';
import type { RelayMetrics } from './metrics.js';
import type { StoreLifecycle } from './port.js';

const HEALTH_TIMEOUT_MS = 2000;

async function healthy(store: Pick<StoreLifecycle, 'health'>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([store.health().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether an Authorization header carries `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function registerOps(
  app: FastifyInstance,
  store: StoreLifecycle,
  metrics: RelayMetrics,
  metricsToken: string | undefined,
): void {
  app.get('/healthz', async (_req, reply) => {
    const ok = await healthy(store);
    return reply.code(ok ? 200 : 503).send({ ok, store: store.kind });
  });

  if (metricsToken !== undefined) {
    app.get('/metrics', { logLevel: 'warn' }, async (req, reply) => {
      if (!bearerMatches(req.headers.authorization, metricsToken)) {
        return sendError(reply, 401, 'auth-failed', 'metrics need the operator token');
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
}
