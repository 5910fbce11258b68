/**
 * A benchmark device on the relay: a `ws` socket driven by the shared
 * `RelayProtocolClient` (the same protocol code the app runs). For throughput
 * runs, fan-out frames can be counted without decoding them, so the clients'
 * own parsing does not cap what is measured of the relay.
 */
import { RelayProtocolClient, type EventMessage } from '@cairn/shared';
import { WebSocket } from 'ws';
import type { BenchIdentity } from './identities.js';

export interface BenchDevice {
  readonly id: BenchIdentity;
  readonly ws: WebSocket;
  readonly client: RelayProtocolClient;
  /** Fan-out events received so far. */
  readonly received: () => number;
  /** Called for each decoded fan-out event (mode `decode`). */
  onEvent: ((e: EventMessage) => void) | undefined;
  /** Called for each fan-out event frame as text (mode `count`). */
  onEventFrame: (() => void) | undefined;
  close(): Promise<void>;
}

const EVENT_PREFIX = '{"type":"event"';

export async function connectDevice(
  wsUrl: string,
  id: BenchIdentity,
  mode: 'decode' | 'count' = 'decode',
): Promise<BenchDevice> {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
  let received = 0;
  const device: BenchDevice = {
    id,
    ws,
    client: new RelayProtocolClient((text) => ws.send(text), {
      onEvent: (e) => device.onEvent?.(e),
    }),
    received: () => received,
    onEvent: undefined,
    onEventFrame: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    if (text.startsWith(EVENT_PREFIX)) {
      received++;
      if (mode === 'count') {
        device.onEventFrame?.();
        return;
      }
    }
    device.client.receive(text);
  });
  ws.on('close', (code, reason) => device.client.closed(code, reason.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const ready = await device.client.authenticate({
    accountId: id.accountId,
    deviceId: id.deviceId,
    signingSecretKey: id.signing.secretKey,
  });
  if (!ready.ok) throw new Error(`auth refused: ${ready.error.code} ${ready.error.message}`);
  return device;
}

/** Connects every identity, `parallel` handshakes at a time. */
export async function connectAll(
  wsUrl: string,
  ids: readonly BenchIdentity[],
  mode: 'decode' | 'count' = 'decode',
  parallel = 64,
): Promise<BenchDevice[]> {
  const out: BenchDevice[] = new Array<BenchDevice>(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i];
      if (id !== undefined) out[i] = await connectDevice(wsUrl, id, mode);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

export async function closeAll(devices: readonly BenchDevice[]): Promise<void> {
  await Promise.all(devices.map((d) => d.close()));
}

/** A base64 id of `bytes` bytes: `n` big-endian in the last 4 bytes, `tag` before it. */
export function wireId(bytes: number, tag: number, n: number): string {
  const b = Buffer.alloc(bytes, tag);
  b.writeUInt32BE(n >>> 0, bytes - 4);
  return b.toString('base64');
}

/** Sealed-record-shaped bytes (version 0x01, then filler), base64: the relay sees only bytes. */
export function opaqueRecord(size: number): string {
  const b = Buffer.alloc(size, 0x5a);
  b[0] = 1;
  return b.toString('base64');
}
