/**
 * Recovery routes (docs/protocol.md "Recovery routes"; formats and signed bytes
 * in @cairn/shared protocol/recovery.ts):
 *
 *   PUT    /v1/recovery/:id          204 (the account's first blob) | 202 { pending } (a
 *                                    replacement, after the delay) | 400 bad-message
 *                                    | 401 auth-failed | 403 revoked | 409 exists
 *   GET    /v1/recovery/:id          200 { blob } always: the stored blob, or a decoy
 *   DELETE /v1/recovery/:id          202 { pending } | 404 not-found | 400 | 401 | 403
 *   POST   /v1/recovery/:id/restore  201/200 { accountId, deviceId, blob, created } | 404 | 409
 *   POST   /v1/recovery/status       200 { recoveryId, updatedAt, pending } | 400 | 401 | 403
 *   POST   /v1/recovery/cancel       204 | 404 not-found (nothing pending) | 400 | 401 | 403
 * GET and restore share one per-IP budget, put, delete, status and cancel
 * another (429 rate-limited, with Retry-After).
 *
 * A replacement or a removal of an account's blob waits `recoveryDelayMs`
 * (3 days by default), shown to every device in `status`, and any of them
 * can cancel it meanwhile: one stolen device cannot silently remove the way
 * back (store/recovery-sql.ts). A sweep applies changes whose time has come.
 *
 * No enumeration. GET answers an unknown id with a decoy: 0x01 ‖ 88 bytes of
 * HKDF(decoy secret, id), so the same id always gets the same bytes, and the
 * body, status and headers look like a stored blob's. Both paths run the same
 * query, derive the decoy and encode it; only the phrase's K_wrap can tell,
 * when the AEAD fails ("no backup for this phrase"). Restore verifies the
 * signature against the stored restore key, or against a decoy key when there
 * is none, and answers 404 for both an unknown id and a bad signature.
 *
 * These routes log at `warn`: recovery ids stay out of request logs.
 */
import {
  PROTOCOL_VERSION,
  RECORD_VERSION,
  RECOVERY_CLOCK_SKEW_MS,
  RECOVERY_PATH,
  RECOVERY_STATUS_PATH,
  RecoveryDeleteRequest,
  RecoveryIdParams,
  RecoveryPutRequest,
  RecoveryRestoreRequest,
  RecoveryStatusRequest,
  RECOVERY_CANCEL_PATH,
  RecoveryCancelRequest,
  concat,
  ed25519KeyPair,
  err,
  fromBase64,
  fromHex,
  hkdf,
  ok,
  randomBytes,
  recoveryDeletePayload,
  recoveryPutPayload,
  recoveryRestorePayload,
  recoveryStatusPayload,
  recoveryCancelPayload,
  toBase64,
  utf8,
  verifyRecoverySignature,
  type RecoveryGetResponse,
  type RecoveryPendingResponse,
  type RecoveryRestoreResponse,
  type RecoveryStatusResponse,
  type Result,
} from '@cairn/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountStore, DeviceRecord } from '../accounts/port.js';
import type { RelayLimitsConfig } from '../config.js';
import { sendError } from '../http/errors.js';
import type { ValibotTypeProvider } from '../http/schemas.js';
import type { RecoveryStore } from './port.js';

const DECOY_SECRET_NAME = 'recovery-decoy-v1';
const RECOVERY_SWEEP_MS = 60_000;
const BODY_LIMIT = 4096;

/** Stand-ins for what an unknown recovery id does not have. */
export interface Decoys {
  /** The decoy blob for an id, base64: 0x01 ‖ HKDF(secret, info ‖ id, 88). */
  blob(recoveryId: Uint8Array): string;
  /** A valid Ed25519 public key that no restore request is signed by. */
  readonly restoreKey: Uint8Array;
}

export function decoys(secret: Uint8Array): Decoys {
  const info = utf8('cairn-recovery-decoy-v1');
  return {
    blob: (id) =>
      toBase64(concat(Uint8Array.of(RECORD_VERSION), hkdf(secret, concat(info, id), 88))),
    restoreKey: ed25519KeyPair(hkdf(secret, 'cairn-recovery-decoy-key-v1', 32)).publicKey,
  };
}

interface Ctx {
  store: RecoveryStore;
  /** The account's devices: who may sign a change, and where a restore adds one. */
  accounts: AccountStore;
  decoys: Decoys;
  now: () => number;
  limits: RelayLimitsConfig;
}

/** A request as its route schemas left it: params and body parsed and typed. */
type Req<Params = unknown, Body = unknown> = Pick<FastifyRequest, 'log'> & {
  readonly params: Params;
  readonly body: Body;
};

/** Storage failures are the relay's, not the request's: 503, retry later. */
async function stored<T>(req: Req, f: () => Promise<T>): Promise<Result<T, 'unavailable'>> {
  try {
    return ok(await f());
  } catch (e) {
    req.log.error({ err: e }, 'recovery storage failed');
    return err('unavailable');
  }
}

const unavailable = (reply: FastifyReply): FastifyReply =>
  sendError(reply, 503, 'unavailable', 'storage is unavailable; retry later');

/**
 * The checks put and delete share: protocol version, clock window, and a
 * device of the account that signed `payload` and is not revoked. Sends the
 * error and returns undefined when one fails.
 */
async function signedByDevice(
  ctx: Ctx,
  req: Req,
  reply: FastifyReply,
  body: { v: number; accountId: string; deviceId: string; signedAt: number; signature: string },
  payload: Uint8Array,
): Promise<DeviceRecord | undefined> {
  if (body.v !== PROTOCOL_VERSION) {
    void sendError(reply, 400, 'unsupported-version', `this relay speaks v${PROTOCOL_VERSION}`);
    return undefined;
  }
  if (Math.abs(ctx.now() - body.signedAt) > RECOVERY_CLOCK_SKEW_MS) {
    void sendError(
      reply,
      401,
      'auth-failed',
      `signedAt is more than ${RECOVERY_CLOCK_SKEW_MS / 60_000} minutes from the relay's clock`,
    );
    return undefined;
  }
  const device = await stored(req, () => ctx.accounts.getDevice(body.accountId, body.deviceId));
  if (!device.ok) {
    void unavailable(reply);
    return undefined;
  }
  const key = device.value === undefined ? undefined : fromBase64(device.value.signingKey);
  const signature = fromBase64(body.signature);
  if (
    device.value === undefined ||
    key === undefined ||
    signature === undefined ||
    !verifyRecoverySignature(key, payload, signature)
  ) {
    void sendError(reply, 401, 'auth-failed', 'unknown device or bad signature');
    return undefined;
  }
  if (device.value.revokedAt !== null) {
    void sendError(reply, 403, 'revoked', 'this device was revoked');
    return undefined;
  }
  return device.value;
}

const STALE = 'a later recovery change was already accepted (replayed or out-of-order request)';

const timing = (ctx: Ctx, deviceId: string) => ({
  now: ctx.now(),
  delayMs: ctx.limits.recoveryDelayMs,
  deviceId,
});

/** 202 with the change now pending. */
function pendingReply(
  reply: FastifyReply,
  pending: RecoveryPendingResponse['pending'],
): FastifyReply {
  const body: RecoveryPendingResponse = { pending };
  return reply.code(202).header('cache-control', 'no-store').send(body);
}

async function put(
  ctx: Ctx,
  req: Req<RecoveryIdParams, RecoveryPutRequest>,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const { params, body } = req;
  // The schema fixed the length at 89 bytes; the first byte is the format version.
  const blob = fromBase64(body.blob);
  const restoreKey = fromBase64(body.restoreKey);
  if (blob === undefined || restoreKey === undefined) throw new Error('schema let bad base64 by');
  if (blob[0] !== RECORD_VERSION) {
    return sendError(reply, 400, 'bad-message', `blob: unknown version ${blob[0] ?? 'none'}`);
  }
  const payload = recoveryPutPayload({
    recoveryId: fromHex(params.recoveryId),
    blob,
    restoreKey,
    accountId: body.accountId,
    deviceId: body.deviceId,
    signedAt: body.signedAt,
  });
  if ((await signedByDevice(ctx, req, reply, body, payload)) === undefined) return reply;
  const when = timing(ctx, body.deviceId);
  const outcome = await stored(req, () =>
    ctx.store.putRecovery(
      body.accountId,
      { recoveryId: params.recoveryId, blob: body.blob, restoreKey: body.restoreKey },
      body.signedAt,
      when,
    ),
  );
  if (!outcome.ok) return unavailable(reply);
  switch (outcome.value) {
    case 'stored':
      req.log.info({ account: body.accountId, device: body.deviceId }, 'recovery blob stored');
      return reply.code(204).header('cache-control', 'no-store').send();
    case 'pending':
      req.log.info(
        { account: body.accountId, device: body.deviceId },
        'recovery blob replacement pending',
      );
      return pendingReply(reply, {
        op: 'replace',
        effectiveAt: when.now + when.delayMs,
        requestedBy: body.deviceId,
        recoveryId: params.recoveryId,
      });
    case 'stale':
      return sendError(reply, 401, 'auth-failed', STALE);
    case 'taken':
      return sendError(reply, 409, 'exists', 'another account holds this recovery id');
    case 'no-account':
      return sendError(reply, 401, 'auth-failed', 'unknown device or bad signature');
  }
}

async function remove(
  ctx: Ctx,
  req: Req<RecoveryIdParams, RecoveryDeleteRequest>,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const { params, body } = req;
  const payload = recoveryDeletePayload({
    recoveryId: fromHex(params.recoveryId),
    accountId: body.accountId,
    deviceId: body.deviceId,
    signedAt: body.signedAt,
  });
  if ((await signedByDevice(ctx, req, reply, body, payload)) === undefined) return reply;
  const when = timing(ctx, body.deviceId);
  const outcome = await stored(req, () =>
    ctx.store.deleteRecovery(body.accountId, params.recoveryId, body.signedAt, when),
  );
  if (!outcome.ok) return unavailable(reply);
  switch (outcome.value) {
    case 'deleted':
      req.log.info({ account: body.accountId, device: body.deviceId }, 'recovery blob deleted');
      return reply.code(204).header('cache-control', 'no-store').send();
    case 'pending':
      req.log.info(
        { account: body.accountId, device: body.deviceId },
        'recovery blob removal pending',
      );
      return pendingReply(reply, {
        op: 'delete',
        effectiveAt: when.now + when.delayMs,
        requestedBy: body.deviceId,
        recoveryId: params.recoveryId,
      });
    case 'not-found':
      return sendError(reply, 404, 'not-found', 'this account has no blob under this recovery id');
    case 'stale':
      return sendError(reply, 401, 'auth-failed', STALE);
    case 'no-account':
      return sendError(reply, 401, 'auth-failed', 'unknown device or bad signature');
  }
}

async function get(
  ctx: Ctx,
  req: Req<RecoveryIdParams>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { params } = req;
  // Derived on both paths, so a stored id and an unknown one cost the same.
  const decoy = ctx.decoys.blob(fromHex(params.recoveryId));
  const record = await stored(req, () => ctx.store.getRecovery(params.recoveryId, ctx.now()));
  if (!record.ok) return unavailable(reply);
  const body: RecoveryGetResponse = { blob: record.value?.blob ?? decoy };
  return reply.code(200).header('cache-control', 'no-store').send(body);
}

async function status(
  ctx: Ctx,
  req: Req<unknown, RecoveryStatusRequest>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { body } = req;
  const payload = recoveryStatusPayload({
    accountId: body.accountId,
    deviceId: body.deviceId,
    signedAt: body.signedAt,
  });
  if ((await signedByDevice(ctx, req, reply, body, payload)) === undefined) return reply;
  const found = await stored(req, () => ctx.store.accountRecovery(body.accountId, ctx.now()));
  if (!found.ok) return unavailable(reply);
  const answer: RecoveryStatusResponse = {
    recoveryId: found.value?.recoveryId ?? null,
    updatedAt: found.value?.updatedAt ?? null,
    pending: found.value?.pending ?? null,
  };
  return reply.code(200).header('cache-control', 'no-store').send(answer);
}

async function cancel(
  ctx: Ctx,
  req: Req<unknown, RecoveryCancelRequest>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { body } = req;
  const payload = recoveryCancelPayload({
    accountId: body.accountId,
    deviceId: body.deviceId,
    signedAt: body.signedAt,
  });
  if ((await signedByDevice(ctx, req, reply, body, payload)) === undefined) return reply;
  const outcome = await stored(req, () =>
    ctx.store.cancelRecovery(body.accountId, body.signedAt, ctx.now()),
  );
  if (!outcome.ok) return unavailable(reply);
  switch (outcome.value) {
    case 'cancelled':
      req.log.info(
        { account: body.accountId, device: body.deviceId },
        'pending recovery change cancelled',
      );
      return reply.code(204).header('cache-control', 'no-store').send();
    case 'none':
      return sendError(reply, 404, 'not-found', 'no recovery change is pending');
    case 'stale':
      return sendError(reply, 401, 'auth-failed', STALE);
    case 'no-account':
      return sendError(reply, 401, 'auth-failed', 'unknown device or bad signature');
  }
}

const NO_BACKUP = 'no backup for this recovery id and key';

async function restore(
  ctx: Ctx,
  req: Req<RecoveryIdParams, RecoveryRestoreRequest>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { params, body } = req;
  if (body.v !== PROTOCOL_VERSION) {
    return sendError(reply, 400, 'unsupported-version', `this relay speaks v${PROTOCOL_VERSION}`);
  }
  const signingKey = fromBase64(body.signingKey);
  const boxKey = fromBase64(body.boxKey);
  const signature = fromBase64(body.signature);
  if (signingKey === undefined || boxKey === undefined || signature === undefined) {
    throw new Error('schema let bad base64 by');
  }
  const recoveryId = fromHex(params.recoveryId);
  const record = await stored(req, () => ctx.store.getRecovery(params.recoveryId, ctx.now()));
  if (!record.ok) return unavailable(reply);
  // One verification on both paths: an unknown id and a wrong key answer alike.
  const key =
    record.value === undefined
      ? ctx.decoys.restoreKey
      : (fromBase64(record.value.restoreKey) ?? ctx.decoys.restoreKey);
  const payload = recoveryRestorePayload({
    recoveryId,
    deviceId: body.deviceId,
    signingKey,
    boxKey,
    label: body.label,
  });
  const valid = verifyRecoverySignature(key, payload, signature);
  if (record.value === undefined || !valid) return sendError(reply, 404, 'not-found', NO_BACKUP);
  const { accountId, blob } = record.value;
  const { maxDevices, quotaBytes } = ctx.limits;
  const added = await stored(req, () =>
    ctx.accounts.addDevice(
      accountId,
      {
        deviceId: body.deviceId,
        signingKey: body.signingKey,
        boxKey: body.boxKey,
        label: body.label,
      },
      { maxDevices, quotaBytes },
    ),
  );
  if (!added.ok) return unavailable(reply);
  if (added.value === 'too-many' || added.value === 'quota') {
    return sendError(
      reply,
      409,
      'quota',
      added.value === 'too-many'
        ? `an account has at most ${maxDevices} devices; remove one on another device first`
        : 'the account storage quota is full',
    );
  }
  if (added.value === 'conflict') {
    return sendError(reply, 409, 'exists', 'this device id is taken with other keys');
  }
  if (added.value === 'no-account') return sendError(reply, 404, 'not-found', NO_BACKUP);
  req.log.info({ account: accountId, device: body.deviceId }, 'device restored from recovery');
  const answer: RecoveryRestoreResponse = {
    accountId,
    deviceId: body.deviceId,
    blob,
    created: added.value === 'created',
  };
  return reply
    .code(added.value === 'created' ? 201 : 200)
    .header('cache-control', 'no-store')
    .send(answer);
}

export interface RecoveryRouteOptions {
  /** The relay's clock, for the signedAt window (tests move it). */
  now?: () => number;
}

/**
 * Registers the routes; call after @fastify/rate-limit, the error handler and
 * `useValibotSchemas` (each route declares its params and body schemas).
 */
export async function registerRecovery(
  app: FastifyInstance,
  store: RecoveryStore,
  accounts: AccountStore,
  limits: RelayLimitsConfig,
  options: RecoveryRouteOptions = {},
): Promise<void> {
  const secret = fromBase64(await store.relaySecret(DECOY_SECRET_NAME, toBase64(randomBytes(32))));
  if (secret === undefined) throw new Error('the stored decoy secret is not base64');
  const ctx: Ctx = {
    store,
    accounts,
    decoys: decoys(secret),
    now: options.now ?? Date.now,
    limits,
  };
  // One hook instance per budget: GET and restore share one per IP, and so do
  // put, delete and status.
  const lookups = app.rateLimit({ max: limits.recoveryLookupsPerMinute, timeWindow: 60_000 });
  const writes = app.rateLimit({ max: limits.registerPerMinute, timeWindow: 60_000 });
  const path = `${RECOVERY_PATH}/:recoveryId`;
  const quiet = { logLevel: 'warn' as const, bodyLimit: BODY_LIMIT };

  const routes = app.withTypeProvider<ValibotTypeProvider>();
  const id = { params: RecoveryIdParams };

  routes.put(
    path,
    { ...quiet, onRequest: writes, schema: { ...id, body: RecoveryPutRequest } },
    (req, reply) => put(ctx, req, reply),
  );
  routes.delete(
    path,
    { ...quiet, onRequest: writes, schema: { ...id, body: RecoveryDeleteRequest } },
    (req, reply) => remove(ctx, req, reply),
  );
  routes.get(path, { ...quiet, onRequest: lookups, schema: id }, (req, reply) =>
    get(ctx, req, reply),
  );
  routes.post(
    `${path}/restore`,
    { ...quiet, onRequest: lookups, schema: { ...id, body: RecoveryRestoreRequest } },
    (req, reply) => restore(ctx, req, reply),
  );
  routes.post(
    RECOVERY_STATUS_PATH,
    { ...quiet, onRequest: writes, schema: { body: RecoveryStatusRequest } },
    (req, reply) => status(ctx, req, reply),
  );
  routes.post(
    RECOVERY_CANCEL_PATH,
    { ...quiet, onRequest: writes, schema: { body: RecoveryCancelRequest } },
    (req, reply) => cancel(ctx, req, reply),
  );

  // Changes whose time has come take effect even on accounts nobody asks about.
  const sweeper = setInterval(() => {
    store.applyDueRecovery(ctx.now()).catch((e: unknown) => {
      app.log.warn({ err: e }, 'recovery sweep failed');
    });
  }, RECOVERY_SWEEP_MS);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));
}
