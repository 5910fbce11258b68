/**
 * The protocol device: a Node end of Cairn's sync protocol, the shared
 * `RelayProtocolClient` (the same code the app runs) over a `ws` socket, with
 * registration over HTTP, a record of every frame, fan-out event and error, and
 * raw frames for what no client would send.
 *
 * For load runs (`keep: false`, `events: 'count'`), nothing is kept and fan-out
 * frames are counted without being decoded, so the devices' own parsing does not
 * cap what is measured of the relay.
 */
import {
  ACCOUNTS_PATH,
  RelayProtocolClient,
  WS_PATH,
  toBase64,
  type ErrorMessage,
  type EventMessage,
  type ReadyMessage,
} from '@cairn/shared';
import { WebSocket } from 'ws';
import { registration, type Identity } from './identities.js';

export interface ProtocolDevice {
  readonly ws: WebSocket;
  readonly client: RelayProtocolClient;
  /** Every text frame received, raw (empty with `keep: false`). */
  readonly frames: string[];
  /** Fan-out events (empty with `keep: false` or `events: 'count'`). */
  readonly events: EventMessage[];
  readonly errors: ErrorMessage[];
  readonly closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  /** Fan-out event frames received so far (decoded or not). */
  received(): number;
  /** Called for each decoded fan-out event. */
  onEvent: ((e: EventMessage) => void) | undefined;
  /** Called for each fan-out event frame left undecoded (`events: 'count'`). */
  onEventFrame: (() => void) | undefined;
  /** Resolves once `n` fan-out events have arrived (or rejects after `ms`). */
  waitEvents(n: number, ms?: number): Promise<EventMessage[]>;
  close(): Promise<void>;
}

export interface DeviceOptions {
  /** `decode` (default) hands fan-out events to the client; `count` only counts them. */
  events?: 'decode' | 'count';
  /** Keep frames and events (default true). */
  keep?: boolean;
  perMessageDeflate?: boolean;
  /** Give up opening after this long (default 10 s). */
  openTimeoutMs?: number;
}

/** Sockets for load runs: nothing kept, no compression (what the benchmarks measure). */
export const LOAD_SOCKETS: DeviceOptions = { keep: false, perMessageDeflate: false };

const EVENT_PREFIX = '{"type":"event"';

const socketUrl = (base: string): string =>
  base.startsWith('ws') ? base : new URL(WS_PATH, base.replace(/^http/, 'ws')).toString();

/** `POST /v1/accounts` registering `id` as its account's first device. */
export async function register(base: string, id: Identity): Promise<Response> {
  return fetch(new URL(ACCOUNTS_PATH, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(registration(id)),
  });
}

/** Opens a socket to `base` (http: the relay; ws: the socket URL), without authenticating. */
export async function openDevice(
  base: string,
  options: DeviceOptions = {},
): Promise<ProtocolDevice> {
  const keep = options.keep ?? true;
  const count = options.events === 'count';
  const ws = new WebSocket(
    socketUrl(base),
    options.perMessageDeflate === undefined ? {} : { perMessageDeflate: options.perMessageDeflate },
  );
  const frames: string[] = [];
  const events: EventMessage[] = [];
  const errors: ErrorMessage[] = [];
  const waiters: (() => void)[] = [];
  let received = 0;
  let done = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      done = true;
      device.client.closed(code, reason.toString());
      resolve({ code, reason: reason.toString() });
    });
  });
  const device: ProtocolDevice = {
    ws,
    client: new RelayProtocolClient(
      (t) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(t);
      },
      {
        onEvent: (e) => {
          if (keep) events.push(e);
          device.onEvent?.(e);
          for (const w of waiters.splice(0)) w();
        },
        onError: (e) => errors.push(e),
      },
    ),
    frames,
    events,
    errors,
    closed,
    isClosed: () => done,
    received: () => received,
    onEvent: undefined,
    onEventFrame: undefined,
    waitEvents: (n, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out with ${events.length}/${n} events`)),
          ms,
        );
        const check = (): void => {
          if (events.length >= n) {
            clearTimeout(timer);
            resolve(events);
          } else waiters.push(check);
        };
        check();
      }),
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closed;
    },
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
    if (text.startsWith(EVENT_PREFIX)) {
      received++;
      if (count) {
        device.onEventFrame?.();
        return;
      }
    }
    if (keep) frames.push(text);
    device.client.receive(text);
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('socket did not open'));
    }, options.openTimeoutMs ?? 10_000);
    const settle = (f: () => void): void => {
      clearTimeout(timer);
      f();
    };
    ws.once('open', () => settle(resolve));
    ws.once('close', () => settle(() => reject(new Error('socket closed before it opened'))));
    ws.once('unexpected-response', (_req, res) =>
      settle(() => reject(new Error(`unexpected response ${res.statusCode}`))),
    );
  });
  return device;
}

/** Opens a socket and authenticates `id`; throws if the relay refuses. */
export async function connectDevice(
  base: string,
  id: Identity,
  options: DeviceOptions = {},
): Promise<ProtocolDevice & { ready: ReadyMessage }> {
  const d = await openDevice(base, options);
  const r = await d.client.authenticate({
    accountId: id.accountId,
    deviceId: id.deviceId,
    signingSecretKey: id.signing.secretKey,
  });
  if (!r.ok) {
    d.ws.terminate();
    throw new Error(`auth refused: ${r.error.code} ${r.error.message}`);
  }
  return Object.assign(d, { ready: r.value });
}

/** Connects every identity, `parallel` handshakes at a time. */
export async function connectAll(
  base: string,
  ids: readonly Identity[],
  options: DeviceOptions = {},
  parallel = 64,
): Promise<ProtocolDevice[]> {
  const out: ProtocolDevice[] = new Array<ProtocolDevice>(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i];
      if (id !== undefined) out[i] = await connectDevice(base, id, options);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

export async function closeAll(devices: readonly ProtocolDevice[]): Promise<void> {
  await Promise.all(devices.map((d) => d.close()));
}

/** Registers `first`, then adds `others` to its account from its own connection. */
export async function setUpAccount(
  base: string,
  first: Identity,
  others: readonly Identity[],
): Promise<void> {
  const r = await register(base, first);
  await r.arrayBuffer();
  if (r.status !== 201 && r.status !== 200) throw new Error(`registration answered ${r.status}`);
  if (others.length === 0) return;
  const s = await connectDevice(base, first);
  for (const d of others) {
    const added = await s.client.addDevice({
      deviceId: d.deviceId,
      signingKey: toBase64(d.signing.publicKey),
      boxKey: toBase64(d.box.publicKey),
      label: d.label,
    });
    if (!added.ok) throw new Error(`add-device refused: ${added.error.code}`);
  }
  await s.close();
}

/** The challenge of the device's first frame (`hello` or `pairing-hello`). */
export async function challengeOf(s: ProtocolDevice, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (s.frames.length === 0) {
    if (Date.now() > deadline || s.isClosed()) throw new Error('no hello');
    await new Promise((r) => setTimeout(r, 5));
  }
  const hello: unknown = JSON.parse(s.frames[0] ?? '{}');
  if (
    typeof hello !== 'object' ||
    hello === null ||
    !('challenge' in hello) ||
    typeof hello.challenge !== 'string'
  ) {
    throw new Error('the first frame has no challenge');
  }
  return hello.challenge;
}

/** Sends a raw frame and waits for the next frame (parsed) or the close. */
export async function exchange(
  s: ProtocolDevice,
  frame: string,
  ms = 10_000,
): Promise<{ reply?: Record<string, unknown>; close?: number }> {
  const seen = s.frames.length;
  if (s.ws.readyState === WebSocket.OPEN) s.ws.send(frame);
  const deadline = Date.now() + ms;
  for (;;) {
    const next = s.frames[seen];
    if (next !== undefined) {
      const parsed: unknown = JSON.parse(next);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return { reply: Object.fromEntries(Object.entries(parsed)) };
      }
      return {};
    }
    if (s.isClosed()) return { close: (await s.closed).code };
    if (Date.now() > deadline) throw new Error(`no answer to ${frame.slice(0, 80)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The next raw frame on a socket, parsed (for tests of malformed input). */
export function nextFrame(ws: WebSocket, ms = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame')), ms);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()));
    });
  });
}
