/**
 * The sync WebSocket route: adapts a `ws` socket to a `Session`. Owns what
 * only a socket has: the frame limits (a few KB until `ready`,
 * `maxFrameBytes` after; http/ws-payload.ts), the slow-consumer cap and
 * corking (the per-address socket count, the auth timer, the heartbeat and
 * failure containment, alike for pairing sockets, are in http/).
 */
import { randomBytes } from 'node:crypto';
import { CLOSE_CODES, WS_PATH } from '@cairn/shared';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { admitSocket, socketsPerAddressHook } from '../http/admission.js';
import type { SocketsPerAddress } from '../http/addresses.js';
import { wireSession } from '../http/socket-wiring.js';
import { setMaxPayload } from '../http/ws-payload.js';
import { Session, type SessionDeps } from './session.js';

/** How long a socket closed for slowness may take to flush its close frame. */
const SLOW_TERMINATE_MS = 5000;

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
