/**
 * One WebSocket connection's protocol logic, without the socket: frames in
 * (`onFrame`), frames out (`out.send`), so it can be driven directly in tests.
 *
 * States: `hello` (challenge sent, waiting for `auth`) → `authenticating`
 * (looking up the device) → `joining` (in the hub, checking once more that
 * the device was not revoked meanwhile) → `ready` → `closed`.
 *
 * Before `ready` the only frame taken is one `auth`, at most
 * `maxAuthFrameBytes` (the socket layer enforces it on the frame header, see
 * routes.ts): anything else, anything malformed, or a frame while the auth is
 * being checked, gets an `error` and closes the socket (4402). After `ready`,
 * every failure is an `error` frame; only revocation, slowness and this
 * connection's own bugs close it.
 *
 * Bounds per connection: `maxInFlight` requests other than push, and
 * `maxQueuedBytes` of sealed bytes waiting for the committer (plus the
 * process-wide `maxQueuedBytesTotal`, shared by every socket); a push past
 * either is answered `rate-limited`. One device may hold
 * `maxSocketsPerDevice` sockets in this process.
 */
import {
  base64Length,
  CLOSE_CODES,
  decodeClientMessage,
  DEFAULT_PULL_LIMIT,
  MAX_MESSAGE_LENGTH,
  fromBase64,
  PROTOCOL_VERSION,
  RECORD_OVERHEAD,
  toBase64,
  verifyAuth,
  type AuthMessage,
  type ClientMessage,
  type ClientRequest,
  type ErrorCode,
  type ErrorMessage,
  type EventsMessage,
  type PushRequest,
  type ServerMessage,
  type WireEvent,
} from '@cairn/shared';
import type { AccountStore } from '../accounts/port.js';
import type { RelayLimitsConfig } from '../config.js';
import type { LogLike, Outbox, SessionFaults } from '../http/socket-wiring.js';
import type { Committer } from './committer.js';
import type { Hub, HubPeer } from './hub.js';
import type { SyncMetrics } from './metrics.js';
import type { EventStore, StoredEvent } from './port.js';
import { TokenBucket } from './token-bucket.js';

/** Sealed bytes waiting for the committer, across every socket of the process. */
export class QueuedBytes {
  private used = 0;

  constructor(
    private readonly max: number,
    private readonly onChange: (bytes: number) => void = () => undefined,
  ) {}

  /** Reserves `n` bytes; false (nothing reserved) when they do not fit. */
  take(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    this.onChange(this.used);
    return true;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
    this.onChange(this.used);
  }

  get bytes(): number {
    return this.used;
  }
}

export interface SessionDeps {
  /** Events, and the account's devices (the sync socket also lists, relabels, adds and revokes them). */
  store: EventStore & AccountStore;
  committer: Committer;
  hub: Hub;
  limits: RelayLimitsConfig;
  metrics: SyncMetrics;
  /** Per-device push buckets shared by that device's sessions in this process. */
  buckets: Map<string, TokenBucket>;
  /** The process-wide budget of sealed bytes waiting for commit. */
  queued: QueuedBytes;
  log: LogLike;
  now: () => number;
  faults?: SessionFaults;
}

type State = 'hello' | 'authenticating' | 'joining' | 'ready' | 'closed';

/** How soon a push refused for queued bytes may come again (the committer drains meanwhile). */
const QUEUE_RETRY_MS = 100;

export function eventFrame(streamId: string, e: StoredEvent): string {
  const m: ServerMessage = {
    type: 'event',
    streamId,
    seq: e.seq,
    eventId: e.eventId,
    data: e.data,
  };
  if (e.coversSeq !== undefined) m.coversSeq = e.coversSeq;
  return JSON.stringify(m);
}

function wire(e: StoredEvent): WireEvent {
  const w: WireEvent = { seq: e.seq, eventId: e.eventId, data: e.data };
  if (e.coversSeq !== undefined) w.coversSeq = e.coversSeq;
  return w;
}

export class Session implements HubPeer {
  private state: State = 'hello';
  private account = '';
  private device = '';
  private inFlight = 0;
  /** Sealed bytes of this connection's pushes waiting for the committer. */
  private queuedBytes = 0;

  constructor(
    private readonly deps: SessionDeps,
    private readonly out: Outbox,
    private readonly challenge: Uint8Array,
  ) {}

  get accountId(): string {
    return this.account;
  }
  get deviceId(): string {
    return this.device;
  }
  get isReady(): boolean {
    return this.state === 'ready';
  }

  helloFrame(): string {
    const l = this.deps.limits;
    return JSON.stringify({
      type: 'hello',
      v: PROTOCOL_VERSION,
      challenge: toBase64(this.challenge),
      limits: {
        maxEventBytes: l.maxEventBytes,
        maxFrameBytes: l.maxFrameBytes,
        maxPullLimit: l.maxPullLimit,
        maxPageBytes: l.maxPageBytes,
        pushRate: l.pushRate,
        pushBurst: l.pushBurst,
        maxQueuedBytes: l.maxQueuedBytes,
      },
    } satisfies ServerMessage);
  }

  /**
   * Handles one text frame. A storage failure becomes an `error` frame; the
   * promise rejects only for a bug, which the socket layer turns into closing
   * this connection.
   */
  async onFrame(text: string): Promise<void> {
    if (this.state === 'closed') return;
    this.deps.faults?.beforeFrame?.(text);
    if (this.state !== 'ready') {
      await this.beforeReady(text);
      return;
    }
    let m: ClientMessage | undefined;
    try {
      const decoded = decodeClientMessage(text);
      if (!decoded.ok) {
        this.error(decoded.error.code, decoded.error.message, decoded.error.ref);
        return;
      }
      m = decoded.value;
      if (m.type === 'auth') {
        this.error('not-authenticated', 'already authenticated');
        return;
      }
      if (m.type === 'push') {
        await this.push(m);
        return;
      }
      if (this.inFlight >= this.deps.limits.maxInFlight) {
        this.error('rate-limited', 'too many requests in flight', m.id, 100);
        return;
      }
      this.inFlight++;
      try {
        await this.request(m);
      } finally {
        this.inFlight--;
      }
    } catch (e) {
      const ref = m === undefined || m.type === 'auth' ? undefined : m.id;
      this.deps.log.error({ err: e, type: m?.type }, 'storage failed');
      this.error('unavailable', 'storage is unavailable; retry later', ref);
    }
  }

  /** The one frame taken before `ready`: a small `auth`. Anything else ends the connection. */
  private async beforeReady(text: string): Promise<void> {
    const refuse = (code: ErrorCode, message: string, ref?: number): void => {
      this.error(code, message, ref);
      this.close(CLOSE_CODES.notAuthenticated, 'auth first');
    };
    if (this.state !== 'hello') {
      refuse('not-authenticated', 'wait for ready before sending anything else');
      return;
    }
    if (text.length > this.deps.limits.maxAuthFrameBytes) {
      this.error(
        'too-large',
        `before ready a frame is at most ${this.deps.limits.maxAuthFrameBytes} bytes`,
      );
      this.close(CLOSE_CODES.tooBig, 'frame too big before auth');
      return;
    }
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      refuse(decoded.error.code, decoded.error.message, decoded.error.ref);
      return;
    }
    const m = decoded.value;
    if (m.type !== 'auth') {
      refuse('not-authenticated', 'send auth and wait for ready first', m.id);
      return;
    }
    try {
      await this.auth(m);
    } catch (e) {
      this.deps.log.error({ err: e, type: 'auth' }, 'storage failed');
      this.error('unavailable', 'storage is unavailable; retry later');
      this.close(CLOSE_CODES.goingAway, 'storage unavailable');
    }
  }

  onBinary(): void {
    if (this.state !== 'closed')
      this.error('bad-frame', 'binary frames are not part of the protocol');
  }

  onAuthTimeout(): void {
    if (this.state === 'ready' || this.state === 'closed') return;
    this.error('not-authenticated', 'no auth in time');
    this.close(CLOSE_CODES.authTimeout, 'auth timeout');
  }

  /** The socket closed. */
  onClosed(): void {
    const was = this.state;
    this.state = 'closed';
    if (was === 'joining') this.deps.hub.remove(this);
    if (was !== 'ready') return;
    this.deps.hub.remove(this);
    this.deps.metrics.authenticated.dec();
    if (!this.deps.hub.hasDevice(this.account, this.device)) {
      this.deps.buckets.delete(`${this.account}|${this.device}`);
    }
    this.deps.store.touchDevice(this.account, this.device).catch((e: unknown) => {
      this.deps.log.warn({ err: e }, 'could not record last seen');
    });
  }

  deliver(frame: string): void {
    if (this.state !== 'ready') return;
    this.out.send(frame);
  }

  kick(code: ErrorCode, message: string, closeCode: number): void {
    if (this.state === 'closed') return;
    this.error(code, message);
    this.close(closeCode, message);
  }

  private close(code: number, reason: string): void {
    if (this.state === 'ready' || this.state === 'joining') this.onClosed();
    this.state = 'closed';
    this.out.close(code, reason);
  }

  private send(m: ServerMessage): void {
    if (this.state !== 'closed') this.out.send(JSON.stringify(m));
  }

  private error(code: ErrorCode, message: string, ref?: number, retryAfterMs?: number): void {
    this.deps.metrics.errors.inc({ code });
    const m: ErrorMessage = { type: 'error', code, message: message.slice(0, MAX_MESSAGE_LENGTH) };
    if (ref !== undefined) m.ref = ref;
    if (retryAfterMs !== undefined) m.retryAfterMs = retryAfterMs;
    this.send(m);
  }

  private async auth(m: AuthMessage): Promise<void> {
    if (m.v !== PROTOCOL_VERSION) {
      this.error('unsupported-version', `this relay speaks v${PROTOCOL_VERSION}`);
      this.close(CLOSE_CODES.badVersion, 'unsupported version');
      return;
    }
    this.state = 'authenticating';
    const device = await this.deps.store.getDevice(m.accountId, m.deviceId);
    if (this.state !== 'authenticating') return;
    const key = device === undefined ? undefined : fromBase64(device.signingKey);
    if (
      device === undefined ||
      key === undefined ||
      !verifyAuth(key, this.challenge, m.accountId, m.deviceId, m.signature)
    ) {
      this.deps.log.info({ account: m.accountId, device: m.deviceId }, 'auth failed');
      this.error('auth-failed', 'authentication failed');
      this.close(CLOSE_CODES.authFailed, 'authentication failed');
      return;
    }
    if (device.revokedAt !== null) {
      this.error('revoked', 'this device was revoked');
      this.close(CLOSE_CODES.revoked, 'revoked');
      return;
    }
    const { hub, limits } = this.deps;
    if (hub.countDevice(m.accountId, m.deviceId) >= limits.maxSocketsPerDevice) {
      this.error(
        'rate-limited',
        `this device has ${limits.maxSocketsPerDevice} connections open; close one first`,
        undefined,
        1000,
      );
      this.close(CLOSE_CODES.tooManySockets, 'too many sockets for this device');
      return;
    }
    this.account = m.accountId;
    this.device = m.deviceId;
    // In the hub before the second look: a revocation that commits after the
    // look below reaches this session through the hub (hub.revoke, here or by
    // NOTIFY from another process); one that committed before it, the look sees.
    this.state = 'joining';
    hub.add(this);
    const again = await this.deps.store.getDevice(m.accountId, m.deviceId);
    if (this.state !== 'joining') return;
    if (again === undefined || again.revokedAt !== null) {
      this.error('revoked', 'this device was revoked');
      this.close(CLOSE_CODES.revoked, 'revoked');
      return;
    }
    this.state = 'ready';
    this.deps.metrics.authenticated.inc();
    this.deps.log.info({ account: this.account, device: this.device }, 'device connected');
    this.out.authenticated?.();
    this.send({ type: 'ready', accountId: this.account, deviceId: this.device });
    this.deps.store.touchDevice(this.account, this.device).catch((e: unknown) => {
      this.deps.log.warn({ err: e }, 'could not record last seen');
    });
  }

  private bucket(): TokenBucket {
    const key = `${this.account}|${this.device}`;
    let b = this.deps.buckets.get(key);
    if (b === undefined) {
      b = new TokenBucket(this.deps.limits.pushRate, this.deps.limits.pushBurst, this.deps.now());
      this.deps.buckets.set(key, b);
    }
    return b;
  }

  private async push(m: PushRequest): Promise<void> {
    const bytes = base64Length(m.data);
    if (bytes > this.deps.limits.maxEventBytes) {
      this.error('too-large', `an event is at most ${this.deps.limits.maxEventBytes} bytes`, m.id);
      return;
    }
    if (bytes < RECORD_OVERHEAD) {
      this.error('bad-message', 'data is shorter than a sealed record', m.id);
      return;
    }
    const { limits, queued } = this.deps;
    if (this.queuedBytes + bytes > limits.maxQueuedBytes) {
      this.error(
        'rate-limited',
        `at most ${limits.maxQueuedBytes} bytes of pushes wait for commit per connection`,
        m.id,
        QUEUE_RETRY_MS,
      );
      return;
    }
    if (!queued.take(bytes)) {
      this.error('rate-limited', 'the relay is busy; push again shortly', m.id, QUEUE_RETRY_MS);
      return;
    }
    const wait = this.bucket().take(this.deps.now());
    if (wait > 0) {
      queued.release(bytes);
      this.error('rate-limited', 'too many pushes from this device', m.id, wait);
      return;
    }
    this.deps.metrics.pushes.inc();
    // Queued synchronously, before any await: a device's pushes keep their order.
    const item = {
      accountId: this.account,
      deviceId: this.device,
      streamId: m.streamId,
      eventId: m.eventId,
      data: m.data,
      bytes,
      ...(m.coversSeq === undefined ? {} : { coversSeq: m.coversSeq }),
    };
    this.queuedBytes += bytes;
    let outcome;
    try {
      outcome = await this.deps.committer.submit(item);
    } finally {
      this.queuedBytes -= bytes;
      queued.release(bytes);
    }
    if (!outcome.ok) {
      this.error(outcome.code, outcome.message, m.id);
      return;
    }
    this.deps.metrics.acks.inc();
    if (outcome.duplicate) this.deps.metrics.duplicates.inc();
    this.send({ type: 'ack', ref: m.id, seq: outcome.seq, duplicate: outcome.duplicate });
  }

  private bounds(limit: number | undefined): { limit: number; maxBytes: number } {
    const l = this.deps.limits;
    return {
      limit: Math.min(limit ?? DEFAULT_PULL_LIMIT, l.maxPullLimit),
      maxBytes: l.maxPageBytes,
    };
  }

  private async request(m: Exclude<ClientRequest, PushRequest>): Promise<void> {
    const { store } = this.deps;
    switch (m.type) {
      case 'pull': {
        const page = await store.pull(this.account, m.streamId, m.after, this.bounds(m.limit));
        this.send({
          type: 'events',
          ref: m.id,
          streamId: m.streamId,
          after: m.after,
          events: page.events.map(wire),
          next: page.next,
          hasMore: page.hasMore,
          head: page.head,
        });
        return;
      }
      case 'bootstrap': {
        const page = await store.bootstrap(this.account, m.streamId, this.bounds(m.limit));
        const answer: EventsMessage = {
          type: 'events',
          ref: m.id,
          streamId: m.streamId,
          after: page.after,
          events: page.events.map(wire),
          next: page.next,
          hasMore: page.hasMore,
          head: page.head,
        };
        if (page.snapshot !== undefined) answer.snapshot = wire(page.snapshot);
        this.send(answer);
        return;
      }
      case 'streams': {
        const streams = await store.listStreams(this.account);
        this.send({ type: 'streams', ref: m.id, streams });
        return;
      }
      case 'devices': {
        const devices = await store.listDevices(this.account);
        // Wall-clock time (deps.now is monotonic, for rate limits).
        const now = Date.now();
        this.send({
          type: 'devices',
          ref: m.id,
          devices: devices.map((d) => {
            // last_seen_at is written when a device connects and leaves: a device
            // connected here for hours is seen now, not at its connect time.
            const online =
              d.revokedAt === null && this.deps.hub.hasDevice(this.account, d.deviceId);
            return {
              deviceId: d.deviceId,
              label: d.label,
              createdAt: d.createdAt,
              lastSeenAt: online ? now : d.lastSeenAt,
              revokedAt: d.revokedAt,
              current: d.deviceId === this.device,
              online,
            };
          }),
        });
        return;
      }
      case 'relabel': {
        const done = await store.relabelDevice(this.account, m.deviceId, m.label);
        if (done) this.send({ type: 'ok', ref: m.id });
        else this.error('not-found', 'no such device in this account', m.id);
        return;
      }
      case 'add-device': {
        const { maxDevices, quotaBytes } = this.deps.limits;
        const outcome = await store.addDevice(this.account, m.device, { maxDevices, quotaBytes });
        switch (outcome) {
          case 'created':
            this.deps.log.info(
              { account: this.account, device: m.device.deviceId },
              'device added',
            );
            this.send({ type: 'ok', ref: m.id });
            return;
          case 'same':
            this.send({ type: 'ok', ref: m.id });
            return;
          case 'too-many':
            this.error('quota', `an account has at most ${maxDevices} devices`, m.id);
            return;
          case 'quota':
            this.error('quota', 'the account storage quota is full', m.id);
            return;
          case 'conflict':
          case 'no-account':
            this.error('exists', 'this device id is taken', m.id);
            return;
        }
        return;
      }
      case 'revoke': {
        const outcome = await store.revokeDevice(this.account, m.deviceId);
        if (outcome === 'not-found') {
          this.error('not-found', 'no such device in this account', m.id);
          return;
        }
        if (outcome === 'last-device') {
          this.error(
            'last-device',
            'this is the account’s last active device; it cannot be revoked',
            m.id,
          );
          return;
        }
        this.deps.log.info({ account: this.account, device: m.deviceId }, 'device revoked');
        this.send({ type: 'ok', ref: m.id });
        this.deps.hub.revoke(this.account, m.deviceId, CLOSE_CODES.revoked);
        return;
      }
      case 'ping':
        this.send({ type: 'pong', ref: m.id });
        return;
    }
  }
}
