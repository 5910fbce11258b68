/**
 * Browser security headers on everything the relay serves, the app above all
 * (@fastify/helmet):
 *
 *   Content-Security-Policy   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'
 *                             (Automerge and libsodium are WebAssembly); connect-src
 *                             'self' (this relay's HTTP and WebSocket) plus the
 *                             operator's RELAY_CONNECT_SRC; img-src 'self' data: blob:;
 *                             frame-ancestors 'none'; object-src 'none'; base-uri 'none';
 *                             form-action 'self'
 *   X-Content-Type-Options    nosniff
 *   Referrer-Policy           no-referrer
 *   X-Frame-Options           DENY (for browsers without frame-ancestors)
 *
 * Not sent: Strict-Transport-Security (whoever terminates TLS in front of a
 * self-hosted relay decides that, for their whole domain), and
 * `upgrade-insecure-requests` (the relay also serves plain http on localhost).
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export function cspDirectives(connectSrc: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...connectSrc],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
  };
}

export async function securityHeaders(
  app: FastifyInstance,
  connectSrc: readonly string[],
): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(connectSrc) },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
}
