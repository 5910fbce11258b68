/**
 * HTTP routes: account registration, health and metrics. Every error body has
 * the WebSocket `error` shape: `{ type: 'error', code, message, retryAfterMs? }`.
 *
 * `/metrics` is not public: it is served here only for requests bearing
 * `Authorization: Bearer <RELAY_METRICS_TOKEN>` (404 without a token
 * configured, 401 with a wrong one), or on a separate operator address
 * (metrics-server.ts, RELAY_METRICS_PORT).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ACCOUNTS_PATH,
  MAX_MESSAGE_LENGTH,
  describeIssues,
  PROTOCOL_VERSION,
  RegisterRequest,
  verifyRegisterRequest,
  type ErrorCode,
  type ErrorMessage,
  type RegisterResponse,
} from '@cairn/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as v from 'valibot';
import type { RelayLimitsConfig } from './config.js';
import type { RelayMetrics } from './metrics.js';
import type { RelayStore } from './store/types.js';

/** An HTTP failure with a protocol error code; the error handler renders it. */
export class RelayHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  retryAfterMs?: number,
): FastifyReply {
  // Bounded like every message a client decodes (MAX_MESSAGE_LENGTH).
  const body: ErrorMessage = { type: 'error', code, message: message.slice(0, MAX_MESSAGE_LENGTH) };
  if (retryAfterMs !== undefined) body.retryAfterMs = retryAfterMs;
  return reply.code(status).send(body);
}

const HEALTH_TIMEOUT_MS = 2000;

async function healthy(store: RelayStore): Promise<boolean> {
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

export function registerHttp(
  app: FastifyInstance,
  store: RelayStore,
  metrics: RelayMetrics,
  limits: RelayLimitsConfig,
  metricsToken: string | undefined,
): void {
  app.setErrorHandler((error, req, reply) => {
    if (error instanceof RelayHttpError) {
      return sendError(reply, error.statusCode, error.code, error.message, error.retryAfterMs);
    }
    const status =
      typeof error === 'object' &&
      error !== null &&
      'statusCode' in error &&
      typeof error.statusCode === 'number'
        ? error.statusCode
        : 500;
    if (status === 413) return sendError(reply, 413, 'too-large', 'request body too large');
    if (status >= 400 && status < 500)
      return sendError(reply, status, 'bad-frame', 'malformed request');
    req.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal', 'internal error');
  });

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

  app.post(
    ACCOUNTS_PATH,
    {
      bodyLimit: 16 * 1024,
      config: { rateLimit: { max: limits.registerPerMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const parsed = v.safeParse(RegisterRequest, req.body);
      if (!parsed.success) {
        return sendError(reply, 400, 'bad-message', describeIssues(parsed.issues));
      }
      const r = parsed.output;
      if (r.v !== PROTOCOL_VERSION) {
        return sendError(
          reply,
          400,
          'unsupported-version',
          `this relay speaks v${PROTOCOL_VERSION}`,
        );
      }
      if (!verifyRegisterRequest(r)) {
        return sendError(reply, 401, 'auth-failed', 'the signature does not verify');
      }
      let outcome;
      try {
        outcome = await store.registerAccount(r.accountId, {
          deviceId: r.deviceId,
          signingKey: r.signingKey,
          boxKey: r.boxKey,
          label: r.label,
        });
      } catch (e) {
        req.log.error({ err: e }, 'registration failed');
        return sendError(reply, 503, 'unavailable', 'storage is unavailable; retry later');
      }
      if (outcome === 'conflict') {
        return sendError(reply, 409, 'exists', 'this account id is taken');
      }
      req.log.info({ account: r.accountId, device: r.deviceId }, 'account registered');
      const body: RegisterResponse = {
        accountId: r.accountId,
        deviceId: r.deviceId,
        created: outcome === 'created',
      };
      return reply.code(outcome === 'created' ? 201 : 200).send(body);
    },
  );
}
