/**
 * The one thing the engine needs of a WebSocket, so the same engine runs over
 * the browser's `WebSocket` (below) and Node's `ws` (the harness device's
 * adapter): open a URL, send text, be told of text frames and of the close.
 */

export interface SocketHandlers {
  open(): void;
  /** A text frame. */
  message(text: string): void;
  /** A binary frame: not part of the protocol. */
  binary(): void;
  /** The socket closed (after an error too); called once. */
  close(code: number, reason: string): void;
}

export interface SocketHandle {
  /** Sends a text frame if the socket is open; dropped otherwise (the close follows). */
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle;

/** The browser's WebSocket. */
export const browserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  let closed = false;
  const closeOnce = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    handlers.close(code, reason);
  };
  ws.onopen = () => handlers.open();
  ws.onmessage = (e: MessageEvent<unknown>) => {
    if (typeof e.data === 'string') handlers.message(e.data);
    else handlers.binary();
  };
  // An error is always followed by a close event, which carries the code.
  ws.onerror = () => undefined;
  ws.onclose = (e) => closeOnce(e.code, e.reason);
  return {
    send(text) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close(code, reason);
    },
  };
};
