/**
 * One socket's largest frame, changed after the handshake.
 *
 * The sync socket takes a few kilobytes before `ready` (one `auth`) and
 * megabytes after it; the pairing socket a few kilobytes always. `ws` takes
 * one `maxPayload` per server, and its receiver compares every frame
 * header's announced length (and a fragmented message's running total)
 * against that number BEFORE it reads the payload: a frame over it closes the
 * socket with 1009 having buffered nothing but its header. That check is what
 * truly bounds an unauthenticated socket's memory, which a size check on the
 * whole message once it arrived (up to megabytes later) would not.
 *
 * `ws` has no public setter, so this sets the receiver's `_maxPayload`,
 * which it reads at each header (lib/receiver.js, `haveLength`, in the
 * pinned ws 8.23). The server is configured with the smallest limit, so if a
 * future `ws` dropped the field the sockets would stay at that limit (safe,
 * and caught at once by the limit tests), never at a bigger one.
 */
import type { WebSocket } from 'ws';

interface Receiver {
  _maxPayload: number;
}

function receiverOf(socket: WebSocket): Receiver {
  const receiver: unknown = Reflect.get(socket, '_receiver');
  if (
    typeof receiver !== 'object' ||
    receiver === null ||
    typeof Reflect.get(receiver, '_maxPayload') !== 'number'
  ) {
    throw new Error('ws internals changed: a socket has no receiver with _maxPayload');
  }
  return receiver as Receiver;
}

/** Sets the largest frame (bytes) this socket accepts from now on. */
export function setMaxPayload(socket: WebSocket, bytes: number): void {
  receiverOf(socket)._maxPayload = bytes;
}

/** The largest frame this socket accepts now. */
export function maxPayloadOf(socket: WebSocket): number {
  return receiverOf(socket)._maxPayload;
}
