/**
 * `buildRelay(options)`: the relay as a Fastify app, not yet listening (tests
 * call `listen({ port: 0 })`). The composition root: it opens the store (or
 * takes one), runs migrations, and hands each feature its own store port:
 *
 *   accounts/  registration                      AccountStore
 *   sync/      the sync socket, group commit,    EventStore (+ AccountStore: the
 *              fan-out in-process and from         socket also manages devices)
 *              other relay processes
 *   recovery/  escrowed blobs, restore           RecoveryStore (+ AccountStore)
 *   pairing/   offers and the pairing socket     PairingStore (+ AccountStore)
 *   ops/       health, metrics, headers, logs    StoreLifecycle
 *
 * It also serves the built PWA from `staticDir` on the same origin.
 */
import { CLOSE_CODES, ready } from '@cairn/shared';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerAccounts } from './accounts/routes.js';
import { resolveLimits, type RelayLimitsConfig } from './config.js';
import {
  addressKey,
  fastifyTrustProxy,
  SocketsPerAddress,
  type TrustProxy,
} from './http/addresses.js';
import { installErrorHandler, RelayHttpError } from './http/errors.js';
import { useValibotSchemas } from './http/schemas.js';
import type { SessionFaults } from './http/socket-wiring.js';
import { securityHeaders } from './ops/headers.js';
import { loggerOptions } from './ops/log.js';
import { createMetrics, type RelayMetrics } from './ops/metrics.js';
import { registerOps } from './ops/routes.js';
import { registerPairing } from './pairing/routes.js';
import { registerRecovery } from './recovery/routes.js';
import { openStore, type StoreConfig } from './store/index.js';
import type { RelayStore } from './store/types.js';
import { Committer } from './sync/committer.js';
import { FanOut } from './sync/fanout.js';
import { Hub } from './sync/hub.js';
import type { PushItem } from './sync/port.js';
import { registerWebSocket } from './sync/routes.js';
import { QueuedBytes } from './sync/session.js';
import type { TokenBucket } from './sync/token-bucket.js';
import { registerStaticFiles } from './http/static-files.js';
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
   * per-address limits: a hop count or the proxies' addresses (http/addresses.ts).
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

  const app = Fastify({
    logger: loggerOptions(options.logger),
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    ...(options.https === undefined ? {} : { https: options.https }),
  });
  const fanOut = new FanOut(hub, store, metrics, app.log);
  const committer = new Committer(store, metrics, {
    maxBatchRows: limits.maxBatchRows,
    maxBatchBytes: limits.maxBatchBytes,
    quotaBytes: limits.quotaBytes,
    maxStreams: limits.maxStreams,
    onCommitted: fanOut.onCommitted,
    onError: (e) => app.log.error({ err: e }, 'fan-out after a commit failed'),
    ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
    ...(options.afterCommit === undefined ? {} : { afterCommit: options.afterCommit }),
  });
  app.decorate('relay', { store, metrics, hub, committer, limits });

  // Other processes' commits and revocations (LISTEN/NOTIFY on a shared Postgres).
  if (store.shared) await store.listen(fanOut.onNotice);

  await app.register(fastifyRateLimit, {
    global: false,
    // Per client address as TRUST_PROXY determines it; an IPv6 /64 is one client.
    keyGenerator: (req) => addressKey(req.ip),
    errorResponseBuilder: (_req, ctx) =>
      new RelayHttpError(429, 'rate-limited', `too many requests; retry in ${ctx.after}`, ctx.ttl),
  });
  await app.register(fastifyWebsocket, {
    // The smallest frame limit of any socket; each route sets its own on its
    // sockets (http/ws-payload.ts), the sync socket raising it after `ready`.
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
  installErrorHandler(app);
  useValibotSchemas(app);
  registerOps(app, store, metrics, options.metricsToken);
  registerAccounts(app, store, limits);
  await registerRecovery(app, store, store, limits);
  const sockets = new SocketsPerAddress(limits.maxSocketsPerIp);
  await registerPairing(app, store.pairing, store, limits, {
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
    await fanOut.settled();
    if (ownsStore) await store.close();
  });
  return app;
}
