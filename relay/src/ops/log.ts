/**
 * What the relay's logs may hold of an error: its type, code, message and
 * stack, never the values it carries. Database drivers attach the failing
 * query and its parameters to their errors (PGlite: `query`, `params`;
 * Postgres: `detail`, `where`, and with debugging `parameters`), and pino's
 * standard serializer copies every enumerable property: a failing push would
 * log the ciphertext, a failing recovery call the recovery id, blob and
 * restore key, a failing pairing call the lookup key. This serializer keeps
 * the four safe fields (and the same of a `cause`, one level down), so a log
 * line says what failed and where, and nothing of what was being stored.
 */
import type { FastifyServerOptions } from 'fastify';

const MAX_MESSAGE = 500;

export interface SafeError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
  code?: string;
  cause?: SafeError;
}

export function safeError(e: unknown, depth = 0): SafeError {
  if (!(e instanceof Error)) {
    return { type: typeof e, message: 'a non-Error value was thrown', stack: '' };
  }
  const out: SafeError = {
    type: e.constructor.name || e.name,
    message: e.message.slice(0, MAX_MESSAGE),
    stack: e.stack ?? '',
  };
  const code: unknown = Reflect.get(e, 'code');
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
  if (depth === 0 && e.cause !== undefined) out.cause = safeError(e.cause, 1);
  return out;
}

/** The relay's logger options: the caller's, with errors serialized safely. */
export function loggerOptions(
  logger: FastifyServerOptions['logger'],
): NonNullable<FastifyServerOptions['logger']> {
  if (logger === undefined || logger === false) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: { ...base.serializers, err: safeError, error: safeError },
  };
}
