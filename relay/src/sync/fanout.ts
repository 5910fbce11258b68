/**
 * Fan-out: a committed event goes to the account's other devices connected
 * to this process (the hub), as one frame built once.
 *
 *   - this process's commits: `onCommitted`, called by the committer with the
 *     batch and its outcomes (duplicates and refusals are not fanned out);
 *   - other processes' commits, on a shared Postgres: `onNotice`, fed by the
 *     store's LISTEN (ops/port.ts `listen`). A notice carries ids and seq
 *     runs only, so the events are read here, in notice order. A revocation
 *     closes that device's sockets here; a re-established LISTEN (notices
 *     lost meanwhile) makes every device here pull from its cursor.
 */
import { CLOSE_CODES } from '@cairn/shared';
import type { LogLike } from '../http/socket-wiring.js';
import type { Hub } from './hub.js';
import type { SyncMetrics } from './metrics.js';
import type { EventStore, PushItem, PushOutcome, StoreNotice } from './port.js';
import { eventFrame } from './session.js';

export class FanOut {
  /** Other processes' commits, applied one after the other. */
  private remote = Promise.resolve();

  constructor(
    private readonly hub: Hub,
    private readonly events: Pick<EventStore, 'range'>,
    private readonly metrics: Pick<SyncMetrics, 'fanout'>,
    private readonly log: LogLike,
  ) {}

  /** This process's commits (the committer's `onCommitted`). */
  onCommitted = (items: readonly PushItem[], outcomes: readonly PushOutcome[]): void => {
    items.forEach((item, i) => {
      const o = outcomes[i];
      if (o === undefined || !o.ok || o.duplicate) return;
      // No frame to build when no other device of the account is connected here.
      if (!this.hub.hasOther(item.accountId, item.deviceId)) return;
      const stored = { seq: o.seq, eventId: item.eventId, data: item.data };
      const frame = eventFrame(
        item.streamId,
        item.coversSeq === undefined ? stored : { ...stored, coversSeq: item.coversSeq },
      );
      this.metrics.fanout.inc(this.hub.fanOut(item.accountId, item.deviceId, frame));
    });
  };

  /** Other processes' commits: read the events here and fan them out, in notice order. */
  onNotice = (n: StoreNotice): void => {
    this.remote = this.remote
      .then(() => this.apply(n))
      .catch((e: unknown) => {
        this.log.error({ err: e }, 'remote fan-out failed');
      });
  };

  /** Resolves once every notice received so far is applied. */
  settled(): Promise<void> {
    return this.remote;
  }

  private async apply(n: StoreNotice): Promise<void> {
    if (n.kind === 'resubscribed') {
      // Commits notified while LISTEN was down never reach this process: every
      // device here may have missed some, so each reconnects and pulls from its
      // cursor at once (4409 means exactly that to a client).
      const peers = this.hub.all();
      this.log.warn({ sessions: peers.length }, 'LISTEN re-established; sessions resume by pull');
      for (const peer of peers) {
        peer.kick(
          'unavailable',
          'fan-out was interrupted: pull from your cursor',
          CLOSE_CODES.slowConsumer,
        );
      }
      return;
    }
    if (n.kind === 'revoked') {
      this.hub.revoke(n.accountId, n.deviceId, CLOSE_CODES.revoked);
      return;
    }
    const first = n.runs[0];
    const last = n.runs.at(-1);
    if (!this.hub.has(n.accountId) || first === undefined || last === undefined) return;
    const events = await this.events.range(n.accountId, n.streamId, first.from, last.to);
    for (const e of events) {
      const run = n.runs.find((r) => r.from <= e.seq && e.seq <= r.to);
      if (run === undefined) continue;
      this.metrics.fanout.inc(
        this.hub.fanOut(n.accountId, run.deviceId, eventFrame(n.streamId, e)),
      );
    }
  }
}
