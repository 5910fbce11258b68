/**
 * The WebSocket route: adapts a `ws` socket to a `Session`. Owns what only a
 * socket has: the slow-consumer cap and corking (the auth timer and the
 * heartbeat, alike for pairing sockets, are in socket-wiring.ts).
 */
import { randomBytes } from 'node:crypto';
import { CLOSE_CODES, WS_PATH } from '@cairn/shared';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { Session, type SessionDeps } from './session.js';
import { wireSession } from './socket-wiring.js';

/** How long a socket closed for slowness may take to flush its close frame. */
const SLOW_TERMINATE_MS = 5000;

export function registerWebSocket(app: FastifyInstance, deps: SessionDeps): void {
  const { limits, metrics } = deps;
  app.get(
    WS_PATH,
    {
      websocket: true,
      config: { rateLimit: { max: limits.connectPerMinute, timeWindow: 60_000 } },
    },
    (socket: WebSocket, req) => {
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
        },
        randomBytes(32),
      );
      wireSession(socket, session, {
        authTimeoutMs: limits.authTimeoutMs,
        onAuthTimeout: () => session.onAuthTimeout(),
        heartbeatMs: limits.heartbeatMs,
        onError: (e) => log.info({ err: e }, 'socket error'),
        onClosed: () => metrics.connections.dec(),
      });
    },
  );
}
