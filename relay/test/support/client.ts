/**
 * A Node test device: the shared `RelayProtocolClient` over a `ws` socket, with
 * registration over HTTP and a record of fan-out events, errors and the close.
 */
import {
  ACCOUNTS_PATH,
  RelayProtocolClient,
  WS_PATH,
  type ErrorMessage,
  type EventMessage,
  type ReadyMessage,
} from '@cairn/shared';
import { WebSocket } from 'ws';
import { registration, type TestDevice } from './identities.js';

export interface Connected {
  client: RelayProtocolClient;
  ws: WebSocket;
  events: EventMessage[];
  errors: ErrorMessage[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `n` fan-out events have arrived (or rejects after `ms`). */
  waitEvents(n: number, ms?: number): Promise<EventMessage[]>;
  close(): Promise<void>;
}

export async function register(base: string, d: TestDevice): Promise<Response> {
  return fetch(new URL(ACCOUNTS_PATH, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(registration(d)),
  });
}

/** Opens a socket and waits for `hello`, without authenticating. */
export async function open(base: string): Promise<Connected> {
  const url = new URL(WS_PATH, base.replace(/^http/, 'ws'));
  const ws = new WebSocket(url);
  const events: EventMessage[] = [];
  const errors: ErrorMessage[] = [];
  const waiters: (() => void)[] = [];
  const client = new RelayProtocolClient((t) => ws.send(t), {
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    onError: (e) => errors.push(e),
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      client.closed(code, reason.toString());
      resolve({ code, reason: reason.toString() });
    });
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) client.receive(data.toString());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`unexpected response ${res.statusCode}`)),
    );
  });
  const waitEvents = (n: number, ms = 10_000): Promise<EventMessage[]> =>
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
    });
  return {
    client,
    ws,
    events,
    errors,
    closed,
    waitEvents,
    async close() {
      ws.close();
      await closed;
    },
  };
}

/** Opens a socket and authenticates `d`; throws if the relay refuses. */
export async function connect(
  base: string,
  d: TestDevice,
): Promise<Connected & { ready: ReadyMessage }> {
  const c = await open(base);
  const r = await c.client.authenticate({
    accountId: d.accountId,
    deviceId: d.deviceId,
    signingSecretKey: d.signing.secretKey,
  });
  if (!r.ok) throw new Error(`auth refused: ${r.error.code} ${r.error.message}`);
  return { ...c, ready: r.value };
}

/** Raw frames from a socket (for tests of malformed input). */
export function nextFrame(ws: WebSocket, ms = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame')), ms);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()));
    });
  });
}
