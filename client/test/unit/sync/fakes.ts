/**
 * Fakes for the sync engine's unit tests: a relay that speaks the protocol's
 * messages in memory (validated by the shared codec), with switches for the
 * failures the engine must survive, and timers driven by hand.
 */
import {
  decodeClientMessage,
  type ClientMessage,
  type ServerMessage,
  type WireEvent,
} from '@cairn/shared';
import type { Timers } from '../../../src/sync/timers';
import type { SocketFactory, SocketHandlers } from '../../../src/lib/platform';

/** The next macrotask (client code is typed for the browser: no setImmediate). */
const later = (fn: () => void): void => {
  setTimeout(fn, 0);
};

/** Lets every pending promise, microtask and queued frame run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => later(r));
}

export class ManualTimers implements Timers {
  private clock = 0;
  private pending: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  /** Every delay asked for, in order (for the backoff schedule). */
  readonly requested: number[] = [];

  now(): number {
    return this.clock;
  }

  after(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.requested.push(ms);
    this.pending.push({ at: this.clock + ms, fn, id });
    return () => {
      this.pending = this.pending.filter((p) => p.id !== id);
    };
  }

  /** Moves time forward, running what falls due, in order. */
  async advance(ms: number): Promise<void> {
    // What is already in flight (frames, storage) lands first, and may set timers.
    await settle();
    const end = this.clock + ms;
    for (;;) {
      const next = this.pending
        .filter((p) => p.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next === undefined) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.clock = next.at;
      next.fn();
      await settle();
    }
    this.clock = end;
    await settle();
  }

  /** Delays currently waiting. */
  waiting(): number[] {
    return this.pending.map((p) => p.at - this.clock);
  }
}

interface Stored extends WireEvent {
  device: string;
}

class FakeConnection {
  device = '';
  ready = false;
  open = true;

  constructor(
    private readonly relay: FakeRelay,
    private readonly handlers: SocketHandlers,
  ) {}

  send(m: ServerMessage): void {
    if (!this.open) return;
    this.relay.sent.push(m);
    const text = JSON.stringify(m);
    later(() => {
      if (this.open) this.handlers.message(text);
    });
  }

  close(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.relay.connections.delete(this);
    later(() => this.handlers.close(code, reason));
  }

  receive(text: string): void {
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) throw new Error(`the engine sent a bad frame: ${decoded.error.message}`);
    this.relay.received.push(decoded.value);
    this.relay.handle(this, decoded.value);
  }
}

export class FakeRelay {
  readonly streams = new Map<string, Stored[]>();
  readonly connections = new Set<FakeConnection>();
  /** Every message the engine sent, in order. */
  readonly received: ClientMessage[] = [];
  /** Every message the relay sent, in order. */
  readonly sent: ServerMessage[] = [];
  /** Refuse connections (the network or the relay is down). */
  down = false;
  /** Open connections and never answer them (a stalled relay). */
  silent = false;
  revoked = false;
  quotaFull = false;
  /** Store the next n pushes, then drop the connection before acknowledging them. */
  loseAcks = 0;
  pageLimit = 1000;
  connects = 0;

  readonly factory: SocketFactory = (_url, handlers) => {
    this.connects += 1;
    const c = new FakeConnection(this, handlers);
    if (this.down) {
      c.open = false;
      later(() => handlers.close(1006, ''));
    } else if (this.silent) {
      this.connections.add(c);
      later(() => handlers.open());
    } else {
      this.connections.add(c);
      later(() => {
        handlers.open();
        c.send({
          type: 'hello',
          v: 1,
          challenge: 'A'.repeat(43) + '=',
          limits: {
            maxEventBytes: 1 << 20,
            maxFrameBytes: 2 << 20,
            maxPullLimit: this.pageLimit,
            maxPageBytes: 4 << 20,
            pushRate: 1000,
            pushBurst: 10_000,
          },
        });
      });
    }
    return {
      send: (text) => c.open && c.receive(text),
      close: (code, reason) => c.close(code ?? 1000, reason ?? ''),
    };
  };

  /** Drops every connection (a relay restart, a network cut). */
  dropAll(code = 1006): void {
    for (const c of [...this.connections]) c.close(code, 'dropped');
  }

  events(stream: string): Stored[] {
    return this.streams.get(stream) ?? [];
  }

  /** Stores an event as another device's push, fanning it out to connected devices. */
  inject(stream: string, eventId: string, data: string, coversSeq?: number): WireEvent {
    return this.store(stream, eventId, data, 'other-device', coversSeq).event;
  }

  /** Sends an event to connected devices as fan-out, without storing it (a duplicate delivery). */
  fanOut(stream: string, event: WireEvent): void {
    for (const c of this.connections)
      if (c.ready) c.send({ type: 'event', streamId: stream, ...event });
  }

  private store(
    stream: string,
    eventId: string,
    data: string,
    device: string,
    coversSeq?: number,
  ): { event: WireEvent; duplicate: boolean } {
    const list = this.streams.get(stream) ?? [];
    this.streams.set(stream, list);
    const existing = list.find((e) => e.eventId === eventId);
    if (existing !== undefined) return { event: existing, duplicate: true };
    const event: Stored = { seq: list.length + 1, eventId, data, device };
    if (coversSeq !== undefined) event.coversSeq = coversSeq;
    list.push(event);
    for (const c of this.connections) {
      if (c.ready && c.device !== device)
        c.send({ type: 'event', streamId: stream, ...wire(event) });
    }
    return { event: wire(event), duplicate: false };
  }

  handle(c: FakeConnection, m: ClientMessage): void {
    switch (m.type) {
      case 'auth':
        if (this.revoked) {
          c.send({ type: 'error', code: 'revoked', message: 'this device was revoked' });
          c.close(4403, 'revoked');
          return;
        }
        c.device = m.deviceId;
        c.ready = true;
        c.send({ type: 'ready', accountId: m.accountId, deviceId: m.deviceId });
        return;
      case 'push': {
        if (this.quotaFull) {
          c.send({ type: 'error', ref: m.id, code: 'quota', message: 'full' });
          return;
        }
        const { event, duplicate } = this.store(
          m.streamId,
          m.eventId,
          m.data,
          c.device,
          m.coversSeq,
        );
        if (this.loseAcks > 0) {
          this.loseAcks -= 1;
          if (this.loseAcks === 0) c.close(1006, 'lost');
          return;
        }
        c.send({ type: 'ack', ref: m.id, seq: event.seq, duplicate });
        return;
      }
      case 'pull': {
        const all = this.events(m.streamId).filter((e) => e.seq > m.after);
        const page = all.slice(0, Math.min(m.limit ?? 500, this.pageLimit));
        const head = this.events(m.streamId).length;
        const hasMore = page.length < all.length;
        c.send({
          type: 'events',
          ref: m.id,
          streamId: m.streamId,
          after: m.after,
          events: page.map(wire),
          next: hasMore ? (page.at(-1)?.seq ?? m.after) : Math.max(head, m.after),
          hasMore,
          head,
        });
        return;
      }
      case 'bootstrap': {
        const list = this.events(m.streamId);
        const snapshot = list
          .filter((e) => e.coversSeq !== undefined)
          .sort((a, b) => (b.coversSeq ?? 0) - (a.coversSeq ?? 0) || b.seq - a.seq)[0];
        const after = snapshot?.coversSeq ?? 0;
        const rest = list.filter((e) => e.seq > after && e !== snapshot);
        const page = rest.slice(0, Math.min(m.limit ?? 500, this.pageLimit));
        const hasMore = page.length < rest.length;
        const answer: ServerMessage = {
          type: 'events',
          ref: m.id,
          streamId: m.streamId,
          after,
          events: page.map(wire),
          next: hasMore ? (page.at(-1)?.seq ?? after) : Math.max(list.length, after),
          hasMore,
          head: list.length,
        };
        if (snapshot !== undefined) answer.snapshot = wire(snapshot);
        c.send(answer);
        return;
      }
      case 'streams':
        c.send({
          type: 'streams',
          ref: m.id,
          streams: [...this.streams].map(([streamId, list]) => {
            const covers = list.flatMap((e) => (e.coversSeq === undefined ? [] : [e.coversSeq]));
            return covers.length === 0
              ? { streamId, head: list.length }
              : { streamId, head: list.length, snapshotCovers: Math.max(...covers) };
          }),
        });
        return;
      case 'ping':
        c.send({ type: 'pong', ref: m.id });
        return;
      default:
        c.send({ type: 'error', ref: m.id, code: 'bad-message', message: 'not faked' });
    }
  }
}

function wire(e: Stored | WireEvent): WireEvent {
  const w: WireEvent = { seq: e.seq, eventId: e.eventId, data: e.data };
  if (e.coversSeq !== undefined) w.coversSeq = e.coversSeq;
  return w;
}
