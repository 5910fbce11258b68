/**
 * One connection to the relay, from open to close (the engine makes a new one
 * for every reconnect). Protocol: docs/protocol.md "Relay protocol", spoken
 * through the shared `RelayProtocolClient`. It holds no local state of its
 * own: cursors, the queue and applying belong to the replica it is given
 * (`SessionReplica`); it tells of its own changes (ready, receiving, progress,
 * quota) through `changes`, and pushes whenever the replica's queue grows.
 *
 * After `ready`, two things run side by side:
 * - catch-up: `streams` lists the account's streams with their heads; every
 *   stream of a document this device holds whose head is past its cursor is
 *   pulled page by page (`bootstrap` instead when the cursor is 0 and the
 *   relay has a snapshot), each page applied as ONE batch;
 * - drain: the push queue is sent oldest first, a window of pushes at a
 *   time (the relay keeps a device's pushes in order and commits them
 *   together); an entry leaves the queue only on its `ack`.
 * Fan-out events are buffered for a moment and applied per stream as one
 * batch when they continue the cursor; a gap (a missed event) turns into a
 * pull from the cursor instead. All receiving runs one step at a time.
 *
 * Heads check: a missed fan-out event shows as a gap only when a later event
 * of the same stream arrives, which may be never (a relay process that lost
 * a notification while its LISTEN connection was down; the last event of a
 * burst lost between relay and device while events of other streams got
 * through). So the connection asks `streams` again and pulls every stream whose
 * head is past its cursor: once live events have settled (SETTLE_CHECK_MS
 * after the last batch, at most SETTLE_CHECK_MAX_MS after the first one not
 * checked), and after every liveness ping on a quiet connection.
 *
 * Push failures: `rate-limited` waits `retryAfterMs`; `quota` stops pushing
 * until the next connection (the status says so); `bad-cover` is retried
 * without `coversSeq` (the snapshot still carries its data); `too-large` and
 * `bad-message` can never succeed, so the entry is dropped and reported;
 * anything else is retried after a second.
 */
import {
  base64Length,
  CLOSE_CODES,
  RelayProtocolClient,
  type DeviceCredentials,
  type EventsMessage,
  type RelayLimits,
  type RequestFailure,
  type Result,
  type WireEvent,
} from '@cairn/shared';
import { Observable, type ReadonlyObservable } from '../../lib/observable';
import type { QueueEntry, SyncStoreError } from '../../storage/sync-state';
import type { PushProgress } from '../replica/outbox';
import type { AckedPush, DroppedPush } from '../replica/replica';
import type { SocketFactory, SocketHandle } from '../../lib/platform';
import type { Timers } from '../timers';
import type { RefusalReason } from './refusal';

/**
 * Fan-out events are applied in batches at most this often. An event that
 * finds no batch applied in the last COALESCE_MS goes at once (after one turn
 * of the event loop, so the frames already queued behind it join it): a lone
 * change from another device shows up with no added delay. Under a stream of
 * events the batches come one window apart, so a burst costs a few applies,
 * not one per event. 16 ms: about a display frame, faster than the UI shows.
 */
export const COALESCE_MS = 16;
/** The heads check after live events: this long after the last batch, at most MAX after the first. */
export const SETTLE_CHECK_MS = 1000;
export const SETTLE_CHECK_MAX_MS = 10_000;
/** Liveness: a ping when the connection was quiet this long, and how long to wait for pong. */
export const PING_INTERVAL_MS = 25_000;
export const PONG_TIMEOUT_MS = 10_000;
/** A connection that is not authenticated by then is given up (and retried). */
export const CONNECT_TIMEOUT_MS = 20_000;
const RETRY_PUSH_MS = 1000;

export type SessionEnd =
  | { kind: 'closed'; ready: boolean; retryAfterMs?: number }
  | { kind: 'refused'; reason: RefusalReason; message: string };

/** What a connection needs of the replica (a Replica fits). */
export interface SessionReplica {
  /** Whether this device holds the document of a stream. */
  holds(stream: string): boolean;
  cursor(stream: string): number;
  /** The highest seq a compaction snapshot taken at cursor `from` covers (cursors.ts). */
  cover(stream: string, from: number): number;
  /**
   * Applies received events of one stream as one batch and moves the cursor
   * to `next`; false when local storage failed (nothing moved).
   */
  apply(stream: string, events: readonly WireEvent[], next: number): Promise<boolean>;
  /** The oldest queued records that go out together (a failure is reported by the replica). */
  nextWindow(): Promise<Result<QueueEntry[], SyncStoreError>>;
  /** Acknowledged and refused entries leave the queue; false when the store failed. */
  settle(acks: readonly AckedPush[], dropped: readonly DroppedPush[]): Promise<boolean>;
  /** Drops a snapshot's cover the relay refused, so it goes again as a plain event. */
  uncover(entry: QueueEntry): Promise<void>;
  /** The queue: a connection pushes when it grows. */
  readonly progress: ReadonlyObservable<PushProgress>;
}

export interface RelayConnectionOptions {
  readonly url: string;
  readonly credentials: DeviceCredentials;
  readonly connect: SocketFactory;
  readonly timers: Timers;
}

export class RelayConnection {
  private readonly client: RelayProtocolClient;
  private readonly socket: SocketHandle;
  private phase: 'connecting' | 'ready' | 'ended' = 'connecting';
  private limits: RelayLimits | undefined;
  private endWith: ((end: SessionEnd) => void) | undefined;
  readonly ended: Promise<SessionEnd>;
  private rx: Promise<void> = Promise.resolve();
  private readonly live = new Map<string, WireEvent[]>();
  private cancelLive: (() => void) | undefined;
  private lastLiveFlush = Number.NEGATIVE_INFINITY;
  private cancelCheck: (() => void) | undefined;
  /** When the pending heads check must run at the latest (undefined: none pending). */
  private checkDue: number | undefined;
  private draining = false;
  private drainAgain = false;
  private pushBlocked = false;
  private cancelPing: (() => void) | undefined;
  private cancelWait: (() => void) | undefined;
  private readonly cancelConnect: () => void;
  private refusedBy: SessionEnd | undefined;
  private quotaShown = false;
  private readonly timers: Timers;
  private readonly credentials: DeviceCredentials;
  private readonly stopListening: () => void;
  private readonly changeCount = new Observable(0);
  /** Catch-up progress in events (seq units). */
  private pullDoneValue = 0;
  private pullTotalValue = 0;
  private catchingUp = true;

  constructor(
    private readonly replica: SessionReplica,
    options: RelayConnectionOptions,
  ) {
    this.timers = options.timers;
    this.credentials = options.credentials;
    this.ended = new Promise((resolve) => (this.endWith = resolve));
    let queued = replica.progress.get().queued;
    this.stopListening = replica.progress.subscribe((p) => {
      const grew = p.queued > queued;
      queued = p.queued;
      if (grew) this.kick();
    });
    this.cancelConnect = this.timers.after(CONNECT_TIMEOUT_MS, () => {
      if (this.phase === 'connecting') this.close();
    });
    this.client = new RelayProtocolClient((text) => this.socket.send(text), {
      onEvent: (e) => this.onLive(e.streamId, e),
      onError: (e) => {
        if (e.code === 'revoked') this.refusedBy = refused('revoked', e.message);
      },
      onProtocolError: () => this.socket.close(1000, 'protocol error'),
    });
    this.socket = options.connect(options.url, {
      open: () => {
        this.authenticate().catch((e: unknown) => this.bug(e));
      },
      message: (text) => {
        this.heard();
        this.client.receive(text);
      },
      binary: () => undefined,
      close: (code, reason) => this.onClose(code, reason),
    });
  }

  /** Ticks whenever something the status depends on changed. */
  get changes(): ReadonlyObservable<number> {
    return this.changeCount;
  }

  get ready(): boolean {
    return this.phase === 'ready';
  }

  /** The relay refused this connection's pushes for lack of room. */
  get quotaFull(): boolean {
    return this.quotaShown;
  }

  /** Events pulled since the progress was last shown complete. */
  get pullDone(): number {
    return this.pullDoneValue;
  }

  /** Events to pull, as far as known, since the progress was last shown complete. */
  get pullTotal(): number {
    return this.pullTotalValue;
  }

  /** The engine showed everything synced: counting starts again from zero. */
  restartProgress(): void {
    this.pullDoneValue = 0;
    this.pullTotalValue = 0;
  }

  /** Busy receiving or about to: the status is not `synced` yet. */
  get receiving(): boolean {
    return this.catchingUp || this.live.size > 0;
  }

  close(): void {
    if (this.phase === 'ended') return;
    this.socket.close(1000, 'closing');
    this.finish({ kind: 'closed', ready: this.phase === 'ready' });
  }

  /** Pushes the queue if connected (called when it grows). */
  private kick(): void {
    if (this.phase !== 'ready' || this.pushBlocked) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    this.drain()
      .catch((e: unknown) => this.bug(e))
      .finally(() => {
        this.draining = false;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.kick();
        }
      });
  }

  private async authenticate(): Promise<void> {
    const answer = await this.client.authenticate(this.credentials);
    if (this.phase !== 'connecting') return;
    if (!answer.ok) {
      const end = endOf(answer.error);
      if (end !== undefined) this.refusedBy = end;
      this.socket.close(1000, 'authentication failed');
      if (end !== undefined) this.finish(end);
      return;
    }
    this.limits = this.client.relayHello?.limits;
    this.cancelConnect();
    this.phase = 'ready';
    this.heard();
    this.changed();
    this.kick();
    this.serial(() => this.catchUpAll());
  }

  private onClose(code: number, reason: string): void {
    this.client.closed(code, reason);
    const wasReady = this.phase === 'ready';
    if (code === CLOSE_CODES.revoked) this.refusedBy = refused('revoked', reason);
    if (code === CLOSE_CODES.badVersion) this.refusedBy = refused('version', reason);
    if (code === CLOSE_CODES.authFailed && this.refusedBy === undefined) {
      this.refusedBy = refused('unknown-device', reason);
    }
    const end: SessionEnd = this.refusedBy ?? {
      kind: 'closed',
      ready: wasReady,
      // A slow consumer resumes at once from its cursor; anything else backs off.
      ...(code === CLOSE_CODES.slowConsumer ? { retryAfterMs: 0 } : {}),
    };
    this.finish(end);
  }

  private finish(end: SessionEnd): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.cancelConnect();
    this.cancelLive?.();
    this.cancelCheck?.();
    this.cancelPing?.();
    this.cancelWait?.();
    this.live.clear();
    this.stopListening();
    this.endWith?.(end);
    this.changed();
  }

  private changed(): void {
    this.changeCount.set(this.changeCount.get() + 1);
  }

  /** Schedules the next liveness check; any frame from the relay postpones it. */
  private heard(): void {
    if (this.phase !== 'ready') return;
    this.cancelPing?.();
    this.cancelPing = this.timers.after(PING_INTERVAL_MS, () => {
      this.ping().catch((e: unknown) => this.bug(e));
    });
  }

  private async ping(): Promise<void> {
    const timeout = this.timers.after(PONG_TIMEOUT_MS, () =>
      this.socket.close(1000, 'no answer to ping'),
    );
    this.cancelPing = timeout;
    const pong = await this.client.ping();
    timeout();
    if (!pong.ok) return;
    this.heard();
    this.serial(() => this.checkHeads());
  }

  private bug(e: unknown): void {
    // A thrown error here is a defect; surface it rather than lose it.
    this.close();
    queueMicrotask(() => {
      throw e;
    });
  }

  /** Runs receive steps one at a time. */
  private serial(step: () => Promise<void>): void {
    this.rx = this.rx.then(async () => {
      if (this.phase === 'ready') await step();
    });
    this.rx.catch((e: unknown) => this.bug(e));
  }

  // ── receiving ───────────────────────────────────────────────────────────

  private async catchUpAll(): Promise<void> {
    const listed = await this.client.streams();
    if (!listed.ok) {
      this.failed(listed.error);
      return;
    }
    const plan: { stream: string; bootstrap: boolean }[] = [];
    for (const s of listed.value.streams) {
      if (!this.replica.holds(s.streamId)) continue;
      const cursor = this.replica.cursor(s.streamId);
      if (s.head <= cursor) continue;
      const covers = s.snapshotCovers ?? 0;
      plan.push({ stream: s.streamId, bootstrap: cursor === 0 && covers > 0 });
      this.pullTotalValue += s.head - cursor;
    }
    this.changed();
    for (const p of plan) {
      if (!(await this.catchUp(p.stream, p.bootstrap))) return;
    }
    this.catchingUp = false;
    this.changed();
  }

  /** Pulls a stream to its head, page by page; false if the session cannot go on. */
  private async catchUp(stream: string, bootstrap: boolean): Promise<boolean> {
    const limit = this.limits?.maxPullLimit;
    let page = bootstrap
      ? await this.client.bootstrap(stream, limit)
      : await this.client.pull(stream, this.replica.cursor(stream), limit);
    for (;;) {
      if (!page.ok) {
        this.failed(page.error);
        return false;
      }
      if (!(await this.applyPage(stream, page.value))) return false;
      if (!page.value.hasMore) return true;
      page = await this.client.pull(stream, this.replica.cursor(stream), limit);
    }
  }

  private async applyPage(stream: string, page: EventsMessage): Promise<boolean> {
    const before = this.replica.cursor(stream);
    const events = page.snapshot === undefined ? page.events : [page.snapshot, ...page.events];
    if (!(await this.replica.apply(stream, events, page.next))) {
      this.close();
      return false;
    }
    const moved = Math.max(0, this.replica.cursor(stream) - before);
    this.pullDoneValue += moved;
    this.pullTotalValue = Math.max(
      this.pullTotalValue,
      this.pullDoneValue + Math.max(0, page.head - page.next),
    );
    this.changed();
    return true;
  }

  private onLive(stream: string, event: WireEvent): void {
    if (this.phase !== 'ready' || !this.replica.holds(stream)) return;
    const buffered = this.live.get(stream);
    if (buffered === undefined) this.live.set(stream, [event]);
    else buffered.push(event);
    if (this.cancelLive !== undefined) return;
    this.changed();
    const wait = Math.max(0, this.lastLiveFlush + COALESCE_MS - this.timers.now());
    this.cancelLive = this.timers.after(wait, () => {
      this.cancelLive = undefined;
      this.lastLiveFlush = this.timers.now();
      this.serial(() => this.flushLive());
    });
  }

  private async flushLive(): Promise<void> {
    const batches = [...this.live];
    this.live.clear();
    for (const [stream, events] of batches) {
      const cursor = this.replica.cursor(stream);
      const run = contiguousRun(events, cursor);
      const last = run.at(-1);
      if (last !== undefined && !(await this.replica.apply(stream, run, last.seq))) {
        this.close();
        return;
      }
      const missed = events.some((e) => e.seq > this.replica.cursor(stream));
      if (missed && !(await this.catchUp(stream, false))) return;
    }
    this.changed();
    this.scheduleHeadsCheck();
  }

  /** Debounced: a burst of batches costs one check (see "Heads check" above). */
  private scheduleHeadsCheck(): void {
    const now = this.timers.now();
    this.checkDue ??= now + SETTLE_CHECK_MAX_MS;
    this.cancelCheck?.();
    this.cancelCheck = this.timers.after(
      Math.max(0, Math.min(now + SETTLE_CHECK_MS, this.checkDue) - now),
      () => {
        this.cancelCheck = undefined;
        this.checkDue = undefined;
        this.serial(() => this.checkHeads());
      },
    );
  }

  /** Pulls every stream of ours whose head on the relay is past its cursor. */
  private async checkHeads(): Promise<void> {
    const listed = await this.client.streams();
    if (!listed.ok) {
      this.failed(listed.error);
      return;
    }
    const behind = listed.value.streams.filter(
      (s) => this.replica.holds(s.streamId) && s.head > this.replica.cursor(s.streamId),
    );
    if (behind.length === 0) return;
    this.catchingUp = true;
    this.changed();
    for (const s of behind) {
      this.pullTotalValue += s.head - this.replica.cursor(s.streamId);
      if (!(await this.catchUp(s.streamId, false))) return;
    }
    this.catchingUp = false;
    this.changed();
  }

  // ── pushing ─────────────────────────────────────────────────────────────

  private async drain(): Promise<void> {
    while (this.phase === 'ready' && !this.pushBlocked) {
      const window = await this.replica.nextWindow();
      if (!window.ok) return;
      const batch = window.value;
      if (batch.length === 0) return;
      const maxBytes = this.limits?.maxEventBytes ?? Number.POSITIVE_INFINITY;
      const answers = await Promise.all(
        batch.map((e) =>
          base64Length(e.data) > maxBytes
            ? Promise.resolve(tooLarge(maxBytes))
            : this.client.push(
                e.streamId,
                e.eventId,
                e.data,
                e.coversSeq === undefined ? undefined : this.replica.cover(e.streamId, e.coversSeq),
              ),
        ),
      );
      const acks: AckedPush[] = [];
      const dropped: DroppedPush[] = [];
      let waitMs = 0;
      let stop = false;
      for (const [i, entry] of batch.entries()) {
        const a = answers[i];
        if (a === undefined) continue;
        if (a.ok) {
          acks.push({ entry, seq: a.value.seq });
          continue;
        }
        const f = a.error;
        switch (f.code) {
          case 'closed':
            stop = true;
            break;
          case 'quota':
            this.pushBlocked = true;
            break;
          case 'rate-limited':
            waitMs = Math.max(waitMs, f.retryAfterMs ?? RETRY_PUSH_MS);
            break;
          case 'bad-cover':
            await this.replica.uncover(entry);
            break;
          case 'too-large':
          case 'bad-message':
            dropped.push({ entry, code: f.code, message: f.message });
            break;
          default:
            waitMs = Math.max(waitMs, RETRY_PUSH_MS);
        }
      }
      if (!(await this.replica.settle(acks, dropped))) return;
      if (this.pushBlocked || acks.length > 0) {
        this.quotaShown = this.pushBlocked;
        this.changed();
      }
      if (stop) return;
      if (waitMs > 0) await this.wait(waitMs);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.timers.after(ms, () => {
        this.cancelWait = undefined;
        resolve();
      });
      this.cancelWait = () => {
        cancel();
        resolve();
      };
    });
  }

  /** A request failed: `closed` ends the session by itself; anything else is retried by reconnecting. */
  private failed(f: RequestFailure): void {
    if (f.code === 'closed') return;
    const end = endOf(f);
    if (end !== undefined) this.refusedBy = end;
    this.socket.close(1000, `request failed: ${f.code}`);
  }
}

function refused(reason: RefusalReason, message: string): SessionEnd {
  return { kind: 'refused', reason, message };
}

/** The refusal a failure means, if it is one. */
function endOf(f: RequestFailure): SessionEnd | undefined {
  switch (f.code) {
    case 'auth-failed':
      return refused('unknown-device', f.message);
    case 'revoked':
      return refused('revoked', f.message);
    case 'unsupported-version':
      return refused('version', f.message);
    default:
      return undefined;
  }
}

/** The events that continue `cursor` without a gap, in seq order, each seq once. */
export function contiguousRun(events: readonly WireEvent[], cursor: number): WireEvent[] {
  const bySeq = new Map<number, WireEvent>();
  for (const e of events) if (e.seq > cursor && !bySeq.has(e.seq)) bySeq.set(e.seq, e);
  const run: WireEvent[] = [];
  for (let seq = cursor + 1; ; seq++) {
    const e = bySeq.get(seq);
    if (e === undefined) return run;
    run.push(e);
  }
}

function tooLarge(max: number): { ok: false; error: RequestFailure } {
  return { ok: false, error: { code: 'too-large', message: `an event is at most ${max} bytes` } };
}
