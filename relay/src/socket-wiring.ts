/**
 * What the sync and pairing WebSocket routes do alike with a `ws` socket once
 * their session exists: send its first frame, give up on a client that does
 * not authenticate in time, ping it every heartbeat (one that missed the last
 * pong is terminated: a half-open TCP connection would otherwise hold its
 * session for ever), hand it text frames, and clean up on close.
 */
import type { RawData, WebSocket } from 'ws';

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
  /** After the session's own `onClosed`. */
  onClosed?(): void;
}

function socketText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export function wireSession(socket: WebSocket, session: WiredSession, o: Wiring): void {
  socket.send(session.helloFrame());
  const authTimer = setTimeout(() => o.onAuthTimeout(), o.authTimeoutMs);
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
  }, o.heartbeatMs);
  heartbeat.unref();
  socket.on('message', (data, isBinary) => {
    if (isBinary) session.onBinary();
    else void session.onFrame(socketText(data));
  });
  socket.on('error', (e) => o.onError(e));
  socket.on('close', () => {
    clearTimeout(authTimer);
    clearInterval(heartbeat);
    session.onClosed();
    o.onClosed?.();
  });
}
