/**
 * The WebSocket route: adapts a `ws` socket to a `Session`. Owns what only a
 * socket has: the slow-consumer cap, the auth timer and the heartbeat.
 */
import { randomBytes } from 'node:crypto';
import { CLOSE_CODES, WS_PATH } from '@cairn/shared';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { Session, type SessionDeps } from './session.js';

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

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
      socket.send(session.helloFrame());

      const authTimer = setTimeout(() => session.onAuthTimeout(), limits.authTimeoutMs);
      authTimer.unref();
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      const heartbeat = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, limits.heartbeatMs);
      heartbeat.unref();

      socket.on('message', (data, isBinary) => {
        if (isBinary) session.onBinary();
        else void session.onFrame(text(data));
      });
      socket.on('error', (e) => log.info({ err: e }, 'socket error'));
      socket.on('close', () => {
        clearTimeout(authTimer);
        clearInterval(heartbeat);
        metrics.connections.dec();
        session.onClosed();
      });
    },
  );
}
