/** Prometheus metrics of one relay instance (its own registry, so tests can run several). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cairn_relay_' });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({
      name: 'cairn_relay_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    authenticated: new Gauge({
      name: 'cairn_relay_authenticated_connections',
      help: 'Open WebSocket connections that completed auth',
      registers,
    }),
    pushes: new Counter({
      name: 'cairn_relay_pushes_total',
      help: 'Push requests accepted for commit',
      registers,
    }),
    acks: new Counter({
      name: 'cairn_relay_acks_total',
      help: 'Pushes acknowledged after commit',
      registers,
    }),
    duplicates: new Counter({
      name: 'cairn_relay_duplicate_pushes_total',
      help: 'Acknowledged pushes that were already stored (retries)',
      registers,
    }),
    batchSize: new Histogram({
      name: 'cairn_relay_commit_batch_size',
      help: 'Events per group-commit transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    }),
    commitSeconds: new Histogram({
      name: 'cairn_relay_commit_seconds',
      help: 'Duration of group-commit transactions',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    commitFailures: new Counter({
      name: 'cairn_relay_commit_failures_total',
      help: 'Group-commit transactions that failed (nothing acknowledged)',
      registers,
    }),
    fanout: new Counter({
      name: 'cairn_relay_fanout_frames_total',
      help: 'Event frames sent to other devices',
      registers,
    }),
    slowCloses: new Counter({
      name: 'cairn_relay_slow_consumer_closes_total',
      help: 'Sockets closed because their unsent bytes passed the cap',
      registers,
    }),
    bugs: new Counter({
      name: 'cairn_relay_connection_bugs_total',
      help: 'Connections closed because the relay failed on them (each one a bug)',
      registers,
    }),
    queuedBytes: new Gauge({
      name: 'cairn_relay_queued_push_bytes',
      help: 'Sealed bytes of pushes waiting for their commit',
      registers,
    }),
    errors: new Counter({
      name: 'cairn_relay_errors_total',
      help: 'Error answers sent, by code',
      labelNames: ['code'] as const,
      registers,
    }),
  };
}

export type RelayMetrics = ReturnType<typeof createMetrics>;
