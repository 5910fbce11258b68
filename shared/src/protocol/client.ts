/**
 * A transport-agnostic relay protocol client: it pairs requests with answers
 * (by `id`/`ref`), runs the auth handshake and hands fan-out events to a
 * callback. It does no I/O: the caller supplies `send(text)`, feeds every
 * inbound text frame to `receive`, and calls `closed` when the socket closes.
 * The browser's WebSocket and Node's `ws` both fit, so the app's sync layer,
 * tests and benchmarks share this one implementation of the protocol.
 *
 * Every request resolves to a `Result`: expected failures (an `error` from the
 * relay, the connection closing) are values with a protocol error code.
 */
import { err, ok, type Result } from '../errors.js';
import { decodeServerMessage } from './codec.js';
import { PROTOCOL_VERSION, type ErrorCode } from './constants.js';
import { signAuth } from './auth.js';
import type {
  AckMessage,
  AddDeviceRequest,
  ClientRequest,
  DevicesMessage,
  ErrorMessage,
  EventMessage,
  EventsMessage,
  HelloMessage,
  OkMessage,
  PongMessage,
  ReadyMessage,
  ServerMessage,
  StreamsMessage,
} from './messages.js';

export interface RequestFailure {
  /** A relay error code, or `closed` when the connection ended first. */
  code: ErrorCode | 'closed';
  message: string;
  retryAfterMs?: number;
}

export type Answer<T> = Result<T, RequestFailure>;

export interface ProtocolClientHandlers {
  /** An event another device pushed (fan-out). */
  onEvent?: (event: EventMessage) => void;
  /** An error the relay sent without `ref` (e.g. before closing the socket). */
  onError?: (error: ErrorMessage) => void;
  /** A frame the client could not decode: the relay speaks another protocol. */
  onProtocolError?: (message: string) => void;
}

export interface DeviceCredentials {
  accountId: string;
  deviceId: string;
  /** The device's Ed25519 secret key (64 bytes, libsodium layout). */
  signingSecretKey: Uint8Array;
}

type Pending = (a: Answer<ServerMessage>) => void;
type Reply<K extends ServerMessage['type']> = Extract<ServerMessage, { type: K }>;

const isType = <K extends ServerMessage['type']>(m: ServerMessage, k: K): m is Reply<K> =>
  m.type === k;

type Omit2<T> = T extends unknown ? Omit<T, 'id' | 'type'> : never;

export class RelayProtocolClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private hello: HelloMessage | undefined;
  private helloWaiters: ((h: Answer<HelloMessage>) => void)[] = [];
  private authWaiter: ((a: Answer<ReadyMessage>) => void) | undefined;
  private closedWith: RequestFailure | undefined;

  constructor(
    private readonly send: (text: string) => void,
    private readonly handlers: ProtocolClientHandlers = {},
  ) {}

  /** The relay's `hello` (its limits), once received. */
  get relayHello(): HelloMessage | undefined {
    return this.hello;
  }

  /** Feed every inbound text frame here. */
  receive(text: string): void {
    const decoded = decodeServerMessage(text);
    if (!decoded.ok) {
      this.handlers.onProtocolError?.(decoded.error.message);
      return;
    }
    const m = decoded.value;
    switch (m.type) {
      case 'hello':
        this.hello = m;
        for (const w of this.helloWaiters.splice(0)) w(ok(m));
        return;
      case 'ready':
        this.authWaiter?.(ok(m));
        this.authWaiter = undefined;
        return;
      case 'event':
        this.handlers.onEvent?.(m);
        return;
      case 'error':
        if (m.ref !== undefined && this.pending.has(m.ref)) {
          const p = this.pending.get(m.ref);
          this.pending.delete(m.ref);
          p?.(err(failureOf(m)));
        } else if (this.authWaiter !== undefined) {
          this.authWaiter(err(failureOf(m)));
          this.authWaiter = undefined;
        } else {
          this.handlers.onError?.(m);
        }
        return;
      default: {
        const p = this.pending.get(m.ref);
        if (p === undefined) return;
        this.pending.delete(m.ref);
        p(ok(m));
      }
    }
  }

  /** Call when the socket closes: every pending request fails with `closed`. */
  closed(code: number, reason: string): void {
    const failure: RequestFailure = { code: 'closed', message: `closed ${code} ${reason}`.trim() };
    this.closedWith = failure;
    for (const p of this.pending.values()) p(err(failure));
    this.pending.clear();
    for (const w of this.helloWaiters.splice(0)) w(err(failure));
    this.authWaiter?.(err(failure));
    this.authWaiter = undefined;
  }

  /** Waits for `hello`, signs its challenge, and resolves on `ready`. */
  async authenticate(creds: DeviceCredentials): Promise<Answer<ReadyMessage>> {
    const hello = await this.waitHello();
    if (!hello.ok) return hello;
    return new Promise((resolve) => {
      this.authWaiter = resolve;
      this.send(
        JSON.stringify({
          type: 'auth',
          v: PROTOCOL_VERSION,
          accountId: creds.accountId,
          deviceId: creds.deviceId,
          signature: signAuth(
            creds.signingSecretKey,
            hello.value.challenge,
            creds.accountId,
            creds.deviceId,
          ),
        }),
      );
    });
  }

  push(
    streamId: string,
    eventId: string,
    data: string,
    coversSeq?: number,
  ): Promise<Answer<AckMessage>> {
    const body =
      coversSeq === undefined
        ? { streamId, eventId, data }
        : { streamId, eventId, data, coversSeq };
    return this.request('push', 'ack', body);
  }

  pull(streamId: string, after: number, limit?: number): Promise<Answer<EventsMessage>> {
    return this.request(
      'pull',
      'events',
      limit === undefined ? { streamId, after } : { streamId, after, limit },
    );
  }

  bootstrap(streamId: string, limit?: number): Promise<Answer<EventsMessage>> {
    return this.request(
      'bootstrap',
      'events',
      limit === undefined ? { streamId } : { streamId, limit },
    );
  }

  streams(): Promise<Answer<StreamsMessage>> {
    return this.request('streams', 'streams', {});
  }

  devices(): Promise<Answer<DevicesMessage>> {
    return this.request('devices', 'devices', {});
  }

  relabel(deviceId: string, label: string): Promise<Answer<OkMessage>> {
    return this.request('relabel', 'ok', { deviceId, label });
  }

  /** Adds another device to this account (same keys again: ok; other keys: `exists`). */
  addDevice(device: AddDeviceRequest['device']): Promise<Answer<OkMessage>> {
    return this.request('add-device', 'ok', { device });
  }

  revoke(deviceId: string): Promise<Answer<OkMessage>> {
    return this.request('revoke', 'ok', { deviceId });
  }

  ping(): Promise<Answer<PongMessage>> {
    return this.request('ping', 'pong', {});
  }

  private waitHello(): Promise<Answer<HelloMessage>> {
    if (this.hello !== undefined) return Promise.resolve(ok(this.hello));
    if (this.closedWith !== undefined) return Promise.resolve(err(this.closedWith));
    return new Promise((resolve) => this.helloWaiters.push(resolve));
  }

  private request<K extends ServerMessage['type']>(
    type: ClientRequest['type'],
    expect: K,
    body: Omit2<ClientRequest>,
  ): Promise<Answer<Reply<K>>> {
    if (this.closedWith !== undefined) return Promise.resolve(err(this.closedWith));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (a) => {
        if (!a.ok) resolve(a);
        else if (isType(a.value, expect)) resolve(ok(a.value));
        else
          resolve(err({ code: 'bad-message', message: `expected ${expect}, got ${a.value.type}` }));
      });
      this.send(JSON.stringify({ ...body, type, id }));
    });
  }
}

function failureOf(m: ErrorMessage): RequestFailure {
  const f: RequestFailure = { code: m.code, message: m.message };
  if (m.retryAfterMs !== undefined) f.retryAfterMs = m.retryAfterMs;
  return f;
}
