/**
 * The platform's ports, as types only: what sync and pairing need of a
 * WebSocket, so the same code runs over the browser's `WebSocket`
 * (boot/browser.ts) and Node's `ws` (the harness device's adapter): open a
 * URL, send text, be told of text frames and of the close.
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
