/**
 * The WebSocket route: adapts a `ws` socket to a `Session`. Owns what only a
 * socket has: the frame limits (a few KB until `ready`, `maxFrameBytes`
 * after; ws-payload.ts), the per-address socket count, the slow-consumer cap
 * and corking (the auth timer, the heartbeat and failure containment, alike
 * for pairing sockets, are in socket-wiring.ts).
 */
import { randomBytes } from 'node:crypto';
import { CLOSE_CODES, WS_PATH, type ErrorMessage } from '@cairn/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { addressKey, type SocketsPerAddress } from './addresses.js';
import { Session, type SessionDeps } from './session.js';
import { wireSession } from './socket-wiring.js';
import { setMaxPayload } from './ws-payload.js';

/** How long a socket closed for slowness may take to flush its close frame. */
const SLOW_TERMINATE_MS = 5000;

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
    setTimeout(() => socket.terminate(), SLOW_TERMINATE_MS).unref();
    return undefined;
  }
  const release = sockets.add(key);
  socket.once('close', release);
  return release;
}

export function registerWebSocket(
  app: FastifyInstance,
  deps: SessionDeps,
  sockets: SocketsPerAddress,
): void {
  const { limits, metrics } = deps;
  app.get(
    WS_PATH,
    {
      websocket: true,
      config: { rateLimit: { max: limits.connectPerMinute, timeWindow: 60_000 } },
      onRequest: socketsPerAddressHook(sockets),
    },
    (socket: WebSocket, req) => {
      // Until `ready`, a frame over maxAuthFrameBytes is refused on its header.
      setMaxPayload(socket, limits.maxAuthFrameBytes);
      if (admitSocket(socket, req, sockets) === undefined) return;
      metrics.connections.inc();
      let closing = false;
      const log = req.log;
      // ws writes each frame with its own syscall. Frames sent in one turn of
      // the event loop (the acks and fan-out of one group commit, a page)
      // are corked into one write instead: the same bytes, a fraction of the
      // syscalls, and no added latency (uncorked before the loop moves on).
      const raw = req.socket;
      let corked = false;
      const uncork = (): void => {
        corked = false;
        raw.uncork();
      };
      const session: Session = new Session(
        { ...deps, log },
        {
          send(frame) {
            if (closing || socket.readyState !== socket.OPEN) return;
            if (!corked) {
              // What this client has left unread from earlier turns; this turn's
              // corked frames do not count against it (they are not late yet).
              const backlog = socket.bufferedAmount;
              if (backlog > limits.maxBufferedBytes) {
                closing = true;
                metrics.slowCloses.inc();
                log.warn({ buffered: backlog }, 'closing a slow consumer');
                socket.close(CLOSE_CODES.slowConsumer, 'slow consumer: reconnect and pull');
                setTimeout(() => socket.terminate(), SLOW_TERMINATE_MS).unref();
                session.onClosed();
                return;
              }
              corked = true;
              raw.cork();
              process.nextTick(uncork);
            }
            socket.send(frame);
          },
          close(code, reason) {
            if (closing) return;
            closing = true;
            socket.close(code, reason);
            setTimeout(() => socket.terminate(), SLOW_TERMINATE_MS).unref();
          },
          authenticated() {
            setMaxPayload(socket, limits.maxFrameBytes);
          },
        },
        randomBytes(32),
      );
      wireSession(socket, session, {
        authTimeoutMs: limits.authTimeoutMs,
        onAuthTimeout: () => session.onAuthTimeout(),
        heartbeatMs: limits.heartbeatMs,
        onError: (e) => log.info({ err: e }, 'socket error'),
        onBug: (e) => {
          metrics.bugs.inc();
          log.error({ err: e }, 'relay bug on a connection: closing it');
          session.kick('internal', 'the relay failed on this connection', CLOSE_CODES.internal);
        },
        onClosed: () => metrics.connections.dec(),
      });
    },
  );
}
