/**
 * HTTP error bodies, alike on every route: the WebSocket `error` shape,
 * `{ type: 'error', code, message, retryAfterMs? }`. A route answers an
 * expected failure with `sendError`; anything thrown reaches the one error
 * handler: a `RelayHttpError` (a request the route schemas refused, a rate
 * limit) as its code, a body over its limit as `too-large`, another client
 * error as `bad-frame`, and the rest as `internal` (logged).
 */
import { MAX_MESSAGE_LENGTH, type ErrorCode, type ErrorMessage } from '@cairn/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';

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

/** Installs the one error handler; call before registering routes. */
export function installErrorHandler(app: FastifyInstance): void {
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
}
