/**
 * Group commit. Pushes are queued as they arrive (from any socket); whenever
 * no transaction is running, everything queued (up to a row and byte budget)
 * goes to the store as ONE transaction. Under load, batches grow by
 * themselves while the previous commit is in flight; an idle relay commits a
 * lone push at once, with no timer. Each push's promise settles only after
 * its batch committed (or failed: then nothing of the batch was stored).
 *
 * One batch at a time per process keeps a device's pushes in order.
 */
import type { SyncMetrics } from './metrics.js';
import type { EventStore, PushItem, PushOutcome } from './port.js';

export interface CommitterOptions {
  maxBatchRows: number;
  maxBatchBytes: number;
  quotaBytes: number;
  maxStreams: number;
  /** Called after a batch commits, before any push of it settles (fan-out goes here). */
  onCommitted: (items: readonly PushItem[], outcomes: readonly PushOutcome[]) => void;
  /** A bug outside any one push (fan-out after a commit): logged, never thrown. */
  onError: (e: unknown) => void;
  /** Fault injection for tests: runs inside the transaction, before COMMIT. */
  beforeCommit?: (items: readonly PushItem[]) => Promise<void> | void;
  /** Fault injection for tests: runs after COMMIT, before the pushes settle. */
  afterCommit?: (items: readonly PushItem[]) => Promise<void> | void;
}

interface Entry {
  item: PushItem;
  resolve: (o: PushOutcome) => void;
  reject: (e: unknown) => void;
}

export class Committer {
  private queue: Entry[] = [];
  private running = false;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly metrics: SyncMetrics,
    private readonly options: CommitterOptions,
  ) {}

  /** Queues a push; the promise settles after its transaction ends. */
  submit(item: PushItem): Promise<PushOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been committed or failed. */
  drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a timer: pushes read from sockets in the same turn join this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.run().catch((e: unknown) => this.options.onError(e));
    });
  }

  private take(): Entry[] {
    let rows = 0;
    let bytes = 0;
    let n = 0;
    for (const e of this.queue) {
      if (
        n > 0 &&
        (rows + 1 > this.options.maxBatchRows || bytes + e.item.bytes > this.options.maxBatchBytes)
      )
        break;
      rows++;
      bytes += e.item.bytes;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.drainQueue();
    } finally {
      this.running = false;
      for (const f of this.idle.splice(0)) f();
    }
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      const items = batch.map((e) => e.item);
      const stop = this.metrics.commitSeconds.startTimer();
      try {
        const beforeCommit = this.options.beforeCommit;
        const outcomes = await this.store.append(items, {
          quotaBytes: this.options.quotaBytes,
          maxStreams: this.options.maxStreams,
          ...(beforeCommit === undefined ? {} : { beforeCommit: () => beforeCommit(items) }),
        });
        stop();
        this.metrics.batchSize.observe(items.length);
        await this.options.afterCommit?.(items);
        try {
          this.options.onCommitted(items, outcomes);
        } catch (e) {
          // Fan-out is a convenience (devices pull what they miss): the batch is
          // committed, so its pushes are acknowledged all the same.
          this.options.onError(e);
        }
        batch.forEach((e, i) => {
          const o = outcomes[i];
          if (o === undefined) e.reject(new Error('store returned fewer outcomes than items'));
          else e.resolve(o);
        });
      } catch (error) {
        stop();
        this.metrics.commitFailures.inc();
        for (const e of batch) e.reject(error);
      }
    }
  }
}
