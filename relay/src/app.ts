/**
 * `buildRelay(options)`: the relay as a Fastify app, not yet listening (tests
 * call `listen({ port: 0 })`). It opens the store (or takes one), runs
 * migrations, wires group commit, in-process fan-out and, on a shared
 * Postgres, fan-out from other relay processes (LISTEN/NOTIFY), and serves the
 * built PWA from `staticDir` on the same origin.
 */
import { CLOSE_CODES, ready } from '@cairn/shared';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Committer } from './committer.js';
import { addressKey, fastifyTrustProxy, SocketsPerAddress, type TrustProxy } from './addresses.js';
import { resolveLimits, type RelayLimitsConfig } from './config.js';
import { loggerOptions } from './log.js';
import { securityHeaders } from './headers.js';
import { RelayHttpError, registerHttp } from './http.js';
import { Hub } from './hub.js';
import { registerRecovery } from './routes/recovery.js';
import { registerPairing } from './routes/pairing.js';
import { createMetrics, type RelayMetrics } from './metrics.js';
import { eventFrame, QueuedBytes, type SessionFaults } from './session.js';
import { openStore, type StoreConfig } from './store/index.js';
import type { PushItem, PushOutcome, RelayStore, StoreNotice } from './store/types.js';
import type { TokenBucket } from './token-bucket.js';
import { registerWebSocket } from './ws.js';
import { registerStaticFiles } from './static-files.js';
import type { TlsFiles } from './tls.js';

export interface RelayOptions {
  /** A store to use (and not close); otherwise one is opened from `database`. */
  store?: RelayStore;
  /** Default: PGlite in memory. */
  database?: StoreConfig;
  /** Folder of the built PWA to serve at `/`; omitted or missing: no static files. */
  staticDir?: string;
  logger?: FastifyServerOptions['logger'];
  /**
   * Which X-Forwarded-For hops to believe (behind a reverse proxy), for the
   * per-address limits: a hop count or the proxies' addresses (addresses.ts).
   */
  trustProxy?: TrustProxy;
  limits?: Partial<RelayLimitsConfig>;
  /** `GET /metrics` on this app, for `Authorization: Bearer <token>` only; absent: not served here. */
  metricsToken?: string;
  /** Serve HTTPS (and WSS) with this certificate and key (tls.ts); absent: plain HTTP. */
  https?: TlsFiles;
  /** Extra `connect-src` sources of the served app's CSP (other relays it may sync with). */
  connectSrc?: readonly string[];
  /** Fault injection for tests: runs at the start of every frame, both sockets. */
  faults?: SessionFaults;
  /** Fault injection for tests (see Committer). */
  beforeCommit?: (items: readonly PushItem[]) => Promise<void> | void;
  afterCommit?: (items: readonly PushItem[]) => Promise<void> | void;
}

export interface RelayInternals {
  store: RelayStore;
  metrics: RelayMetrics;
  hub: Hub;
  committer: Committer;
  limits: RelayLimitsConfig;
}

declare module 'fastify' {
  interface FastifyInstance {
    relay: RelayInternals;
  }
}

export async function buildRelay(options: RelayOptions = {}): Promise<FastifyInstance> {
  await ready();
  const limits = resolveLimits(options.limits);
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(options.database ?? { kind: 'pglite' }));
  const metrics = createMetrics();
  const hub = new Hub();

  const onCommitted = (items: readonly PushItem[], outcomes: readonly PushOutcome[]): void => {
    items.forEach((item, i) => {
      const o = outcomes[i];
      if (o === undefined || !o.ok || o.duplicate) return;
      // No frame to build when no other device of the account is connected here.
      if (!hub.hasOther(item.accountId, item.deviceId)) return;
      const stored = { seq: o.seq, eventId: item.eventId, data: item.data };
      const frame = eventFrame(
        item.streamId,
        item.coversSeq === undefined ? stored : { ...stored, coversSeq: item.coversSeq },
      );
      metrics.fanout.inc(hub.fanOut(item.accountId, item.deviceId, frame));
    });
  };
  // Fastify's logger exists only once the app does; the committer reports through it.
  let report: (e: unknown) => void = () => undefined;
  const committer = new Committer(store, metrics, {
    maxBatchRows: limits.maxBatchRows,
    maxBatchBytes: limits.maxBatchBytes,
    quotaBytes: limits.quotaBytes,
    maxStreams: limits.maxStreams,
    onCommitted,
    onError: (e) => report(e),
    ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
    ...(options.afterCommit === undefined ? {} : { afterCommit: options.afterCommit }),
  });

  const app = Fastify({
    logger: loggerOptions(options.logger),
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    ...(options.https === undefined ? {} : { https: options.https }),
  });
  report = (e) => app.log.error({ err: e }, 'fan-out after a commit failed');
  app.decorate('relay', { store, metrics, hub, committer, limits });

  // Other processes' commits: read the events here and fan them out, in notice order.
  let remote = Promise.resolve();
  const onNotice = (n: StoreNotice): void => {
    remote = remote
      .then(() => applyNotice(n))
      .catch((e: unknown) => {
        app.log.error({ err: e }, 'remote fan-out failed');
      });
  };
  const applyNotice = async (n: StoreNotice): Promise<void> => {
    if (n.kind === 'resubscribed') {
      // Commits notified while LISTEN was down never reach this process: every
      // device here may have missed some, so each reconnects and pulls from its
      // cursor at once (4409 means exactly that to a client).
      const peers = hub.all();
      app.log.warn({ sessions: peers.length }, 'LISTEN re-established; sessions resume by pull');
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
      hub.revoke(n.accountId, n.deviceId, CLOSE_CODES.revoked);
      return;
    }
    const first = n.runs[0];
    const last = n.runs.at(-1);
    if (!hub.has(n.accountId) || first === undefined || last === undefined) return;
    const events = await store.range(n.accountId, n.streamId, first.from, last.to);
    for (const e of events) {
      const run = n.runs.find((r) => r.from <= e.seq && e.seq <= r.to);
      if (run === undefined) continue;
      metrics.fanout.inc(hub.fanOut(n.accountId, run.deviceId, eventFrame(n.streamId, e)));
    }
  };
  if (store.shared) await store.listen(onNotice);

  await app.register(fastifyRateLimit, {
    global: false,
    // Per client address as TRUST_PROXY determines it; an IPv6 /64 is one client.
    keyGenerator: (req) => addressKey(req.ip),
    errorResponseBuilder: (_req, ctx) =>
      new RelayHttpError(429, 'rate-limited', `too many requests; retry in ${ctx.after}`, ctx.ttl),
  });
  await app.register(fastifyWebsocket, {
    // The smallest frame limit of any socket; each route sets its own on its
    // sockets (ws-payload.ts), the sync socket raising it after `ready`.
    options: { maxPayload: Math.min(limits.maxAuthFrameBytes, limits.maxPairingFrameBytes) },
    errorHandler: (error, socket, req) => {
      // Frames over a limit, resets: the client's doing, already answered by a close.
      const code: unknown = Reflect.get(error, 'code');
      const clients =
        typeof code === 'string' && (code.startsWith('WS_ERR_') || code === 'ECONNRESET');
      if (clients) req.log.info({ err: error }, 'websocket closed on a protocol error');
      else req.log.error({ err: error }, 'websocket failed');
      // ws has sent its close frame (1009 for a frame over the limit): let it reach the client.
      setTimeout(() => socket.terminate(), 1000).unref();
    },
  });
  await securityHeaders(app, options.connectSrc ?? []);
  registerHttp(app, store, metrics, limits, options.metricsToken);
  await registerRecovery(app, store, limits);
  const sockets = new SocketsPerAddress(limits.maxSocketsPerIp);
  await registerPairing(app, store, limits, {
    sockets,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  const buckets = new Map<string, TokenBucket>();
  const queued = new QueuedBytes(limits.maxQueuedBytesTotal, (n) => metrics.queuedBytes.set(n));
  registerWebSocket(
    app,
    {
      store,
      committer,
      hub,
      limits,
      metrics,
      buckets,
      queued,
      log: app.log,
      now: () => performance.now(),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    },
    sockets,
  );

  await registerStaticFiles(app, options.staticDir);

  app.addHook('preClose', async () => {
    for (const peer of hub.all())
      peer.kick('unavailable', 'relay shutting down', CLOSE_CODES.goingAway);
    await committer.drain();
  });
  app.addHook('onClose', async () => {
    await remote;
    if (ownsStore) await store.close();
  });
  return app;
}
