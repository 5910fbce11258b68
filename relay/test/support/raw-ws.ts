/**
 * A WebSocket client by hand, over a raw TCP socket: for frames no library
 * sends, such as a header that announces megabytes followed by a few bytes of
 * payload (what a relay that reads whole messages before checking them would
 * buffer, and a relay that checks the header refuses at once).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawSocket {
  socket: Socket;
  /** Every byte received after the handshake. */
  received(): Buffer;
  /** Resolves when the server closed the TCP connection. */
  ended: Promise<void>;
  /** Writes a client frame header (masked) for a payload of `length` bytes, and its mask. */
  header(opcode: number, length: number): Buffer;
  /** The close code of the server's close frame, once received. */
  closeCode(): number | undefined;
}

export async function rawUpgrade(base: string, path: string): Promise<RawSocket> {
  const url = new URL(path, base);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(
    [
      `GET ${url.pathname} HTTP/1.1`,
      `Host: ${url.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  let buffer = Buffer.alloc(0);
  let upgraded = false;
  let rest = Buffer.alloc(0);
  const ended = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no upgrade')), 5000);
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        rest = Buffer.concat([rest, chunk]);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        clearTimeout(timer);
        reject(new Error(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`));
        return;
      }
      upgraded = true;
      rest = buffer.subarray(end + 4);
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    socket,
    received: () => rest,
    ended,
    header(opcode, length) {
      const mask = randomBytes(4);
      let head: Buffer;
      if (length < 126) head = Buffer.from([0x80 | opcode, 0x80 | length]);
      else if (length < 65536) {
        head = Buffer.alloc(4);
        head[0] = 0x80 | opcode;
        head[1] = 0x80 | 126;
        head.writeUInt16BE(length, 2);
      } else {
        head = Buffer.alloc(10);
        head[0] = 0x80 | opcode;
        head[1] = 0x80 | 127;
        head.writeBigUInt64BE(BigInt(length), 2);
      }
      return Buffer.concat([head, mask]);
    },
    closeCode() {
      // Server frames are unmasked: find the close frame (opcode 8) among them.
      let at = 0;
      while (at + 2 <= rest.length) {
        const opcode = (rest[at] ?? 0) & 0x0f;
        let len = (rest[at + 1] ?? 0) & 0x7f;
        let off = at + 2;
        if (len === 126) {
          len = rest.readUInt16BE(off);
          off += 2;
        } else if (len === 127) {
          len = Number(rest.readBigUInt64BE(off));
          off += 8;
        }
        if (opcode === 8 && off + 2 <= rest.length) return rest.readUInt16BE(off);
        at = off + len;
      }
      return undefined;
    },
  };
}
