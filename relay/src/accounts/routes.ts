/**
 * Account registration: `POST /v1/accounts` (docs/protocol.md "Registration"),
 * a new account and its first device, signed by that device.
 *
 *   201 created | 200 the same registration again | 400 bad-message,
 *   unsupported-version | 401 auth-failed | 409 exists | 429 | 503 unavailable
 */
import {
  ACCOUNTS_PATH,
  PROTOCOL_VERSION,
  RegisterRequest,
  verifyRegisterRequest,
  type RegisterResponse,
} from '@cairn/shared';
import type { FastifyInstance } from 'fastify';
import type { RelayLimitsConfig } from '../config.js';
import { sendError } from '../http/errors.js';
import type { ValibotTypeProvider } from '../http/schemas.js';
import type { AccountStore } from './port.js';

export function registerAccounts(
  app: FastifyInstance,
  store: AccountStore,
  limits: RelayLimitsConfig,
): void {
  app.withTypeProvider<ValibotTypeProvider>().post(
    ACCOUNTS_PATH,
    {
      bodyLimit: 16 * 1024,
      config: { rateLimit: { max: limits.registerPerMinute, timeWindow: 60_000 } },
      schema: { body: RegisterRequest },
    },
    async (req, reply) => {
      const r = req.body;
      if (r.v !== PROTOCOL_VERSION) {
        return sendError(
          reply,
          400,
          'unsupported-version',
          `this relay speaks v${PROTOCOL_VERSION}`,
        );
      }
      if (!verifyRegisterRequest(r)) {
        return sendError(reply, 401, 'auth-failed', 'the signature does not verify');
      }
      let outcome;
      try {
        outcome = await store.registerAccount(r.accountId, {
          deviceId: r.deviceId,
          signingKey: r.signingKey,
          boxKey: r.boxKey,
          label: r.label,
        });
      } catch (e) {
        req.log.error({ err: e }, 'registration failed');
        return sendError(reply, 503, 'unavailable', 'storage is unavailable; retry later');
      }
      if (outcome === 'conflict') {
        return sendError(reply, 409, 'exists', 'this account id is taken');
      }
      req.log.info({ account: r.accountId, device: r.deviceId }, 'account registered');
      const body: RegisterResponse = {
        accountId: r.accountId,
        deviceId: r.deviceId,
        created: outcome === 'created',
      };
      return reply.code(outcome === 'created' ? 201 : 200).send(body);
    },
  );
}
