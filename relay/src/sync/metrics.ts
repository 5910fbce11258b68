/**
 * What the sync feature counts, as a port: ops/metrics.ts registers the
 * relay's Prometheus metrics and hands them in (the composition root checks
 * they fit). Sync code never builds or names a registry.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';

type Level = Pick<Gauge, 'inc' | 'dec' | 'set'>;
type Count = Pick<Counter, 'inc'>;

export interface SyncMetrics {
  /** Open sync sockets, and those past `auth`. */
  connections: Level;
  authenticated: Level;
  pushes: Count;
  acks: Count;
  duplicates: Count;
  batchSize: Pick<Histogram, 'observe'>;
  commitSeconds: Pick<Histogram, 'startTimer'>;
  commitFailures: Count;
  /** Event frames sent to other devices. */
  fanout: Count;
  slowCloses: Count;
  /** Connections closed because the relay failed on them. */
  bugs: Count;
  queuedBytes: Level;
  /** Error answers sent, by code. */
  errors: Pick<Counter<'code'>, 'inc'>;
}
