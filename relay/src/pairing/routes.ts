/**
 * Pairing routes (docs/protocol.md "Device pairing", "Through the relay";
 * frames in @cairn/shared protocol/pairing-relay.ts):
 *
 *   POST /v1/pairing/lookup  {v, lookupKey} → 200 {offer, expiresAt, now}
 *                            | 404 not-found | 410 expired, used, burned
 *                            | 429 rate-limited (Retry-After) | 400 bad-message
 *   GET  /v1/pairing         WebSocket: A's offer and B's join (pairing/session.ts)
 *
 * The lookup and the join draw from one per-IP budget
 * (`pairingLookupsPerMinute`). A sweep deletes offers a grace period (one
 * TTL) after their expiry: until then a late or second use of a code gets a
 * precise error. These routes log at `warn`, and nothing logs a lookup key.
 */
import { randomBytes } from 'node:crypto';
import {
  MAX_MESSAGE_LENGTH,
  describeIssues,
  PAIRING_LOOKUP_PATH,
  PAIRING_PROTOCOL_VERSION,
  PAIRING_WS_PATH,
  PairOfferFrame,
  PairingLookupRequest,
  type PairingError,
  type PairingErrorCode,
  type PairingLookupResponse,
} from '@cairn/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as v from 'valibot';
import type { WebSocket } from 'ws';
import type { AccountStore } from '../accounts/port.js';
import type { RelayLimitsConfig } from '../config.js';
import { admitSocket, socketsPerAddressHook } from '../http/admission.js';
import { RelayHttpError } from '../http/errors.js';
import { refusing, type Refusal, type ValibotTypeProvider } from '../http/schemas.js';
import { addressKey, type SocketsPerAddress } from '../http/addresses.js';
import { wireSession, type SessionFaults } from '../http/socket-wiring.js';
import { setMaxPayload } from '../http/ws-payload.js';
import { LookupLimiter } from './limiter.js';
import { offerStatus, type PairingStore } from './port.js';
import { PairingRouter } from './router.js';
import { PairingSession, REFUSALS, offerTtlCap } from './session.js';

const BODY_LIMIT = 1024;
const SWEEP_MS = 60_000;
const CLOSE_GRACE_MS = 5000;

export interface PairingRouteOptions {
  /** The relay's clock (tests move it). */
  now?: () => number;
  /** Open WebSockets per address, shared with the sync socket. */
  sockets: SocketsPerAddress;
  faults?: SessionFaults;
}

/** Another pairing version gets `unsupported-version`; any other refused body `bad-message`. */
const refuseLookup: Refusal = (body, issues) => {
  const otherVersion =
    typeof body === 'object' &&
    body !== null &&
    'v' in body &&
    typeof body.v === 'number' &&
    body.v !== PAIRING_PROTOCOL_VERSION;
  return otherVersion
    ? new RelayHttpError(
        400,
        'unsupported-version',
        `this relay speaks pairing v${PAIRING_PROTOCOL_VERSION}`,
      )
    : new RelayHttpError(400, 'bad-message', describeIssues(issues));
};

function sendError(
  reply: FastifyReply,
  status: number,
  code: PairingErrorCode,
  message: string,
  retryAfterMs?: number,
): FastifyReply {
  const body: PairingError = { type: 'error', code, message: message.slice(0, MAX_MESSAGE_LENGTH) };
  if (retryAfterMs !== undefined) {
    body.retryAfterMs = retryAfterMs;
    void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  }
  return reply.code(status).send(body);
}

/** Registers the routes; call after @fastify/websocket and @fastify/rate-limit. */
export async function registerPairing(
  app: FastifyInstance,
  store: PairingStore,
  accounts: AccountStore,
  limits: RelayLimitsConfig,
  options: PairingRouteOptions,
): Promise<PairingRouter> {
  const now = options.now ?? Date.now;
  const limiter = new LookupLimiter(limits.pairingLookupsPerMinute);
  const router = new PairingRouter(store, app.log);
  await router.listen();

  const sweep = (): void => {
    const t = now();
    limiter.prune(t);
    store.sweepOffers(t - offerTtlCap(limits)).catch((e: unknown) => {
      app.log.warn({ err: e }, 'pairing sweep failed');
    });
  };
  const sweeper = setInterval(sweep, SWEEP_MS);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  const lookup = { body: refusing(PairingLookupRequest, refuseLookup) };
  app
    .withTypeProvider<ValibotTypeProvider>()
    .post(
      PAIRING_LOOKUP_PATH,
      { logLevel: 'warn', bodyLimit: BODY_LIMIT, schema: lookup },
      async (req, reply) => {
        const wait = limiter.take(addressKey(req.ip), now());
        if (wait > 0) {
          return sendError(
            reply,
            429,
            'rate-limited',
            'too many pairing attempts from this address',
            wait,
          );
        }
        let record;
        try {
          record = await store.getOffer(req.body.lookupKey);
        } catch (e) {
          req.log.error({ err: e }, 'pairing lookup failed');
          return sendError(reply, 503, 'unavailable', 'storage is unavailable; try again later');
        }
        const status = offerStatus(record, now());
        if (!status.ok) {
          const refusal = REFUSALS[status.refusal];
          return sendError(
            reply,
            status.refusal === 'not-found' ? 404 : 410,
            refusal.code,
            refusal.message,
          );
        }
        let stored: unknown;
        try {
          stored = JSON.parse(status.offer);
        } catch {
          stored = undefined;
        }
        const offer = v.safeParse(PairOfferFrame, stored);
        if (!offer.success) {
          req.log.error({}, 'a stored pairing offer does not parse');
          return sendError(reply, 500, 'internal', 'internal error');
        }
        const body: PairingLookupResponse = {
          offer: offer.output,
          expiresAt: status.expiresAt,
          now: now(),
        };
        return reply.code(200).send(body);
      },
    );

  app.get(
    PAIRING_WS_PATH,
    {
      websocket: true,
      logLevel: 'warn',
      config: { rateLimit: { max: limits.connectPerMinute, timeWindow: 60_000 } },
      onRequest: socketsPerAddressHook(options.sockets),
    },
    (socket: WebSocket, req) => {
      // Pairing frames are a few KB at most (docs/protocol.md "Through the relay").
      setMaxPayload(socket, limits.maxPairingFrameBytes);
      if (admitSocket(socket, req, options.sockets) === undefined) return;
      let closing = false;
      const faults = options.faults === undefined ? {} : { faults: options.faults };
      const session = new PairingSession(
        { store, accounts, router, limiter, limits, log: req.log, now, ...faults },
        {
          send(frame) {
            if (!closing && socket.readyState === socket.OPEN) socket.send(frame);
          },
          close(code, reason) {
            if (closing) return;
            closing = true;
            socket.close(code, reason);
            setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
          },
        },
        randomBytes(32),
        addressKey(req.ip),
      );
      wireSession(socket, session, {
        authTimeoutMs: limits.authTimeoutMs,
        onAuthTimeout: () => session.onIdleTimeout(),
        heartbeatMs: limits.heartbeatMs,
        onError: (e) => req.log.info({ err: e }, 'pairing socket error'),
        onBug: (e) => {
          req.log.error({ err: e }, 'relay bug on a pairing connection: closing it');
          session.onBug();
        },
      });
    },
  );
  return router;
}
