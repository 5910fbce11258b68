/**
 * The pairing socket as a queue of validated frames (docs/protocol.md "Device
 * pairing", "Through the relay"). No browser API: the socket comes from a
 * `SocketFactory` (the browser's WebSocket in the app, `ws` in Node tests).
 *
 * `next()` resolves with the next frame the relay sent, or with `closed`
 * once the socket has closed and every frame before the close was read; a
 * frame that does not decode ends the channel as `protocol`.
 */
import { PAIRING_WS_PATH, decodePairingServerFrame, type PairingServerFrame } from '@cairn/shared';
import type { SocketFactory, SocketHandle } from '../lib/platform';
import { normaliseRelayUrl } from '../device/relay-address';

export type ChannelEvent =
  | { kind: 'frame'; frame: PairingServerFrame }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'protocol'; message: string };

export function pairingSocketUrl(relayUrl: string): string | undefined {
  const base = normaliseRelayUrl(relayUrl);
  return base === undefined ? undefined : `${base.replace(/^http/, 'ws')}${PAIRING_WS_PATH}`;
}

export class PairingChannel {
  private readonly queue: ChannelEvent[] = [];
  private waiter: ((e: ChannelEvent) => void) | undefined;
  private ended: ChannelEvent | undefined;
  private readonly socket: SocketHandle;

  constructor(url: string, connect: SocketFactory) {
    this.socket = connect(url, {
      open: () => undefined,
      message: (text) => {
        const decoded = decodePairingServerFrame(text);
        if (decoded.ok) this.push({ kind: 'frame', frame: decoded.value });
        else this.end({ kind: 'protocol', message: decoded.error.message });
      },
      binary: () => this.end({ kind: 'protocol', message: 'a binary frame' }),
      close: (code, reason) => this.end({ kind: 'closed', code, reason }),
    });
  }

  /** The next event; after the end, the end again. */
  next(): Promise<ChannelEvent> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended !== undefined) return Promise.resolve(this.ended);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  send(frame: unknown): void {
    if (this.ended === undefined) this.socket.send(JSON.stringify(frame));
  }

  close(): void {
    this.socket.close(1000, 'done');
    this.end({ kind: 'closed', code: 1000, reason: 'closed here' });
  }

  get isClosed(): boolean {
    return this.ended !== undefined;
  }

  private push(e: ChannelEvent): void {
    if (this.ended !== undefined) return;
    const w = this.waiter;
    this.waiter = undefined;
    if (w !== undefined) w(e);
    else this.queue.push(e);
  }

  private end(e: ChannelEvent): void {
    if (this.ended !== undefined) return;
    if (e.kind === 'protocol') this.socket.close(1000, 'protocol error');
    this.ended = e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(e);
  }
}
