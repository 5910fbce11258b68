/** The browser's WebSocket, as the SocketFactory sync and pairing take. */
import type { SocketFactory } from '../lib/platform';

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
