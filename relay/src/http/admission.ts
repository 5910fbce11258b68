/**
 * Admission of a WebSocket, alike for the sync and the pairing socket: an
 * address holding its `maxSocketsPerIp` open sockets gets 429 before the
 * upgrade, and is counted again, exactly, once the socket opens.
 */
import { CLOSE_CODES, type ErrorMessage } from '@cairn/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { addressKey, type SocketsPerAddress } from './addresses.js';

/** How long a socket closed at admission may take to flush its close frame. */
const CLOSE_GRACE_MS = 5000;

const TOO_MANY_SOCKETS = 'too many open connections from this address';

/**
 * The onRequest check of a WebSocket route: an address already holding its
 * `maxSocketsPerIp` sockets gets 429 before the upgrade (the count is checked
 * again, exactly, when the socket opens: see `admitSocket`).
 */
export function socketsPerAddressHook(sockets: SocketsPerAddress) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (sockets.hasRoom(addressKey(req.ip))) return;
    const body: ErrorMessage = { type: 'error', code: 'rate-limited', message: TOO_MANY_SOCKETS };
    await reply.code(429).header('retry-after', '1').send(body);
  };
}

/**
 * Counts an opened socket against its address; closes it at once (4429) when
 * the address has no room left. Returns the release, or undefined when refused.
 */
export function admitSocket(
  socket: WebSocket,
  req: FastifyRequest,
  sockets: SocketsPerAddress,
): (() => void) | undefined {
  const key = addressKey(req.ip);
  if (!sockets.hasRoom(key)) {
    socket.close(CLOSE_CODES.tooManySockets, TOO_MANY_SOCKETS);
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    return undefined;
  }
  const release = sockets.add(key);
  socket.once('close', release);
  return release;
}
