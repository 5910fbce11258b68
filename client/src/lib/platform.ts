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

/**
 * Every open tab of this origin, as one channel (the browser's
 * `BroadcastChannel`, boot/tabs.ts): a message posted is heard by every
 * other member, in the order one member posted them, never by its sender.
 * Messages are structured-cloned: plain objects, strings, numbers, arrays
 * and `Uint8Array`s arrive as they left.
 */
export interface TabChannel {
  post(message: unknown): void;
  listen(listener: (message: unknown) => void): () => void;
  close(): void;
}

/**
 * The lock one tab holds while it leads (the browser's Web Locks,
 * boot/tabs.ts). `acquire` resolves once this tab holds it; it is held until
 * the page goes away, when the browser hands it to the next tab waiting.
 */
export interface LeaderLock {
  acquire(): Promise<void>;
}
