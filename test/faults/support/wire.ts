/**
 * Speaking to a relay from the fault suites: fixed identities, registration
 * over HTTP, and sockets driven by the shared `RelayProtocolClient` (or by
 * hand, for frames no client would send).
 */
import {
  ACCOUNTS_PATH,
  RelayProtocolClient,
  WS_PATH,
  buildRegisterRequest,
  ed25519KeyPair,
  fromHex,
  ready,
  toBase64,
  x25519KeyPair,
  type ErrorMessage,
  type EventMessage,
  type KeyPair,
} from '@cairn/shared';
import { WebSocket } from 'ws';

// Identities are derived at module scope by the suites that import this.
await ready();

export interface Identity {
  accountId: string;
  deviceId: string;
  signing: KeyPair;
  box: KeyPair;
  label: string;
}

const seed = (tag: number, n: number): Uint8Array =>
  fromHex(
    `fa${tag.toString(16).padStart(2, '0')}${n.toString(16).padStart(8, '0')}`.padEnd(64, '5a'),
  );

const uuid = (prefix: string, n: number): string =>
  `${prefix}${n.toString(16).padStart(6, '0')}-0000-4000-8000-00000000fa17`;

/** Device `d` of account `a`: the same numbers give the same keys and ids. */
export function identity(a: number, d: number): Identity {
  return {
    accountId: uuid('fa', a),
    deviceId: uuid('fd', a * 1000 + d),
    signing: ed25519KeyPair(seed(1, a * 1000 + d)),
    box: x25519KeyPair(seed(2, a * 1000 + d)),
    label: `fault device ${a}.${d}`,
  };
}

export async function registerAccount(base: string, id: Identity): Promise<number> {
  const r = await fetch(`${base}${ACCOUNTS_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      buildRegisterRequest(id.accountId, id.deviceId, id.signing, id.box.publicKey, id.label),
    ),
  });
  await r.arrayBuffer();
  return r.status;
}

export interface Socket {
  ws: WebSocket;
  client: RelayProtocolClient;
  /** Every text frame received, raw. */
  frames: string[];
  events: EventMessage[];
  errors: ErrorMessage[];
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
}

/** Opens a socket (hello arrives through `client`), without authenticating. */
export async function openSocket(base: string, timeoutMs = 10_000): Promise<Socket> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${WS_PATH}`);
  const frames: string[] = [];
  const events: EventMessage[] = [];
  const errors: ErrorMessage[] = [];
  let done = false;
  const client = new RelayProtocolClient(
    (t) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(t);
    },
    { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) },
  );
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      done = true;
      client.closed(code, reason.toString());
      resolve({ code, reason: reason.toString() });
    });
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
    frames.push(text);
    client.receive(text);
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('socket did not open'));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('close', () => {
      clearTimeout(timer);
      reject(new Error('socket closed before it opened'));
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`unexpected response ${res.statusCode}`));
    });
  });
  return { ws, client, frames, events, errors, closed, isClosed: () => done };
}

/** Opens a socket and authenticates; throws if the relay refuses. */
export async function connectAs(base: string, id: Identity): Promise<Socket> {
  const s = await openSocket(base);
  const r = await s.client.authenticate({
    accountId: id.accountId,
    deviceId: id.deviceId,
    signingSecretKey: id.signing.secretKey,
  });
  if (!r.ok) {
    s.ws.terminate();
    throw new Error(`auth refused: ${r.error.code} ${r.error.message}`);
  }
  return s;
}

/** Registers `first`, then adds `others` to its account from its own connection. */
export async function setUpAccount(
  base: string,
  first: Identity,
  others: Identity[],
): Promise<void> {
  const status = await registerAccount(base, first);
  if (status !== 201 && status !== 200) throw new Error(`registration answered ${status}`);
  if (others.length === 0) return;
  const s = await connectAs(base, first);
  for (const d of others) {
    const added = await s.client.addDevice({
      deviceId: d.deviceId,
      signingKey: toBase64(d.signing.publicKey),
      boxKey: toBase64(d.box.publicKey),
      label: d.label,
    });
    if (!added.ok) throw new Error(`add-device refused: ${added.error.code}`);
  }
  s.ws.close();
  await s.closed;
}

/** The canonical base64 of `n` bytes all equal to `fill`. */
export const b64 = (n: number, fill: number): string => Buffer.alloc(n, fill).toString('base64');

/** The challenge of the socket's first frame (`hello` or `pairing-hello`). */
export async function challengeOf(s: Socket, ms = 10_000): Promise<string> {
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
  s: Socket,
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
