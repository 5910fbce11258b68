/**
 * What the sync and pairing WebSocket routes do alike with a `ws` socket once
 * their session exists: send its first frame, give up on a client that does
 * not authenticate in time, ping it every heartbeat (one that missed the last
 * pong is terminated: a half-open TCP connection would otherwise hold its
 * session for ever), hand it text frames, and clean up on close.
 *
 * Failures stay on their connection. Every frame's promise is caught, and
 * every socket event handler is guarded: a throw or rejection here is a relay
 * bug, and it closes this one socket (`onBug`: an `internal` error, close
 * 1011) instead of reaching the process (an unhandled rejection or an
 * exception out of an event emitter would end it, and every other device's
 * connection with it).
 */
import { isAscii } from 'node:buffer';
import type { RawData, WebSocket } from 'ws';

/** Where a session sends its frames: the socket, seen from the session. */
export interface Outbox {
  send(frame: string): void;
  close(code: number, reason: string): void;
  /** The connection authenticated: it may now send frames up to `maxFrameBytes`. */
  authenticated?(): void;
}

/** Fault injection for tests: a throw here is a bug on this connection. */
export interface SessionFaults {
  beforeFrame?(text: string): void;
}

export interface LogLike {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The session's side, as the socket sees it. */
export interface WiredSession {
  helloFrame(): string;
  onFrame(text: string): Promise<void>;
  onBinary(): void;
  onClosed(): void;
}

export interface Wiring {
  /** No authentication by then: the session's timeout runs. */
  authTimeoutMs: number;
  onAuthTimeout(): void;
  heartbeatMs: number;
  /** A socket error (reset, bad frame); the close follows. */
  onError(e: Error): void;
  /** A relay bug on this connection: log it and close this socket only. */
  onBug(e: unknown): void;
  /** After the session's own `onClosed`. */
  onClosed?(): void;
}

/** How long a socket closed for a bug may take to flush its error and close frame. */
const BUG_CLOSE_GRACE_MS = 1000;

/**
 * A text frame's string. ws has checked it is UTF-8; most frames are pure
 * ASCII (JSON and base64), which Latin-1 decoding turns into the same string
 * several times faster than UTF-8 decoding does (a 4 MiB push: ~2 ms, not ~18).
 */
function socketText(data: RawData): string {
  const buf = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : data;
  return isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
}

export function wireSession(socket: WebSocket, session: WiredSession, o: Wiring): void {
  let bugged = false;
  const bug = (e: unknown): void => {
    if (bugged) return;
    bugged = true;
    try {
      // Sends the `internal` error and the close frame; the socket goes soon after either way.
      o.onBug(e);
      setTimeout(() => socket.terminate(), BUG_CLOSE_GRACE_MS).unref();
    } catch {
      // The report itself failed: still, only this socket goes.
      socket.terminate();
    }
  };
  /** Runs a handler; what it throws is a bug of this connection. */
  const guard =
    <A extends unknown[]>(f: (...args: A) => void) =>
    (...args: A): void => {
      try {
        f(...args);
      } catch (e) {
        bug(e);
      }
    };

  const authTimer = setTimeout(
    guard(() => o.onAuthTimeout()),
    o.authTimeoutMs,
  );
  authTimer.unref();
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  const heartbeat = setInterval(
    guard(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }),
    o.heartbeatMs,
  );
  heartbeat.unref();
  socket.on(
    'message',
    guard((data: RawData, isBinary: boolean) => {
      if (isBinary) session.onBinary();
      else session.onFrame(socketText(data)).catch(bug);
    }),
  );
  socket.on(
    'error',
    guard((e: Error) => o.onError(e)),
  );
  socket.on('close', () => {
    clearTimeout(authTimer);
    clearInterval(heartbeat);
    guard(() => session.onClosed())();
    guard(() => o.onClosed?.())();
  });
  guard(() => socket.send(session.helloFrame()))();
}
