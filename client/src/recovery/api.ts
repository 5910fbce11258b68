/**
 * The recovery routes as the client calls them (docs/protocol.md "Recovery
 * routes"): PUT, DELETE, status and cancel signed by this device, restore
 * signed by the phrase's restore key. A PUT that replaces the account's blob
 * and a DELETE answer 202 with the change they made pending (it takes effect
 * after the relay's delay unless a device cancels it). `fetch` is injected, so Node tests drive a real relay.
 * Every answer is validated; failures are values:
 *
 *   offline        the request could not be made (no network, no relay)
 *   not-found      restore: no backup for this phrase; delete: nothing to delete
 *   rate-limited   too many lookups from this address (retryAfterMs when known)
 *   refused        the relay refused (code and message say why)
 *   unavailable    the relay's storage is failing, retry later
 *   bad-answer     the relay answered something that is not the protocol
 */
import {
  HttpError,
  RECOVERY_CANCEL_PATH,
  RECOVERY_STATUS_PATH,
  RecoveryPendingResponse,
  RecoveryRestoreResponse,
  RecoveryStatusResponse,
  buildRecoveryCancel,
  buildRecoveryDelete,
  buildRecoveryPut,
  buildRecoveryRestore,
  buildRecoveryStatus,
  err,
  fromHex,
  ok,
  recoveryPath,
  recoveryRestorePath,
  toHex,
  type DeviceSigner,
  type KeyPair,
  type NewDeviceKeys,
  type RecoveryPendingChange,
  type Result,
} from '@cairn/shared';
import * as v from 'valibot';
import { normaliseRelayUrl } from '../device/relay-address';

export type RecoveryFetch = (
  url: string,
  init: { method: 'PUT' | 'DELETE' | 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

export type ApiFailure =
  | { kind: 'offline'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'rate-limited'; message: string; retryAfterMs?: number }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'bad-answer'; message: string };

interface Answer {
  status: number;
  json: unknown;
}

async function call(
  fetchFn: RecoveryFetch,
  relayUrl: string,
  path: string,
  method: 'PUT' | 'DELETE' | 'POST',
  body: unknown,
): Promise<Result<Answer, ApiFailure>> {
  const base = normaliseRelayUrl(relayUrl);
  if (base === undefined) {
    return err({ kind: 'refused', code: 'bad-url', message: 'the relay URL is not http(s)' });
  }
  try {
    const res = await fetchFn(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // 204 has no body; any other unreadable body is judged by its status below.
    const json = await res.json().catch(() => undefined);
    return ok({ status: res.status, json });
  } catch (e) {
    // fetch rejects only when no request could be made.
    return err({ kind: 'offline', message: e instanceof Error ? e.message : 'network error' });
  }
}

function failure(a: Answer): ApiFailure {
  const parsed = v.safeParse(HttpError, a.json);
  if (!parsed.success) return { kind: 'bad-answer', message: `unexpected HTTP ${a.status}` };
  const { code, message, retryAfterMs } = parsed.output;
  if (code === 'rate-limited') {
    return retryAfterMs === undefined
      ? { kind: 'rate-limited', message }
      : { kind: 'rate-limited', message, retryAfterMs };
  }
  if (code === 'not-found') return { kind: 'not-found', message };
  if (code === 'unavailable' || a.status >= 500) return { kind: 'unavailable', message };
  return { kind: 'refused', code, message };
}

/** What a put or delete did: acted at once, or made this change pending. */
export interface Change {
  pending?: RecoveryPendingChange;
}

function changed(a: Answer): Result<Change, ApiFailure> {
  if (a.status === 204) return ok({});
  if (a.status !== 202) return err(failure(a));
  const parsed = v.safeParse(RecoveryPendingResponse, a.json);
  return parsed.success
    ? ok({ pending: parsed.output.pending })
    : err({ kind: 'bad-answer', message: 'the relay answered 202 without the pending change' });
}

export async function putBlob(
  fetchFn: RecoveryFetch,
  relayUrl: string,
  device: DeviceSigner,
  recoveryId: Uint8Array,
  blob: Uint8Array,
  restoreKey: Uint8Array,
  signedAt: number,
): Promise<Result<Change, ApiFailure>> {
  const body = buildRecoveryPut(device, recoveryId, blob, restoreKey, signedAt);
  const answer = await call(fetchFn, relayUrl, recoveryPath(toHex(recoveryId)), 'PUT', body);
  if (!answer.ok) return answer;
  return changed(answer.value);
}

/** Deletes the blob (or makes that pending); a blob that is already gone counts as deleted. */
export async function deleteBlob(
  fetchFn: RecoveryFetch,
  relayUrl: string,
  device: DeviceSigner,
  recoveryIdHex: string,
  signedAt: number,
): Promise<Result<Change, ApiFailure>> {
  const body = buildRecoveryDelete(device, fromHex(recoveryIdHex), signedAt);
  const answer = await call(fetchFn, relayUrl, recoveryPath(recoveryIdHex), 'DELETE', body);
  if (!answer.ok) return answer;
  if (answer.value.status === 204 || answer.value.status === 202) return changed(answer.value);
  const f = failure(answer.value);
  return f.kind === 'not-found' ? ok({}) : err(f);
}

/** Cancels the account's pending change: true when one was cancelled, false when none was pending. */
export async function cancelChange(
  fetchFn: RecoveryFetch,
  relayUrl: string,
  device: DeviceSigner,
  signedAt: number,
): Promise<Result<boolean, ApiFailure>> {
  const body = buildRecoveryCancel(device, signedAt);
  const answer = await call(fetchFn, relayUrl, RECOVERY_CANCEL_PATH, 'POST', body);
  if (!answer.ok) return answer;
  if (answer.value.status === 204) return ok(true);
  const f = failure(answer.value);
  return f.kind === 'not-found' ? ok(false) : err(f);
}

export async function restoreDevice(
  fetchFn: RecoveryFetch,
  relayUrl: string,
  restoreKey: KeyPair,
  recoveryId: Uint8Array,
  device: NewDeviceKeys,
): Promise<Result<RecoveryRestoreResponse, ApiFailure>> {
  const body = buildRecoveryRestore(restoreKey, recoveryId, device);
  const path = recoveryRestorePath(toHex(recoveryId));
  const answer = await call(fetchFn, relayUrl, path, 'POST', body);
  if (!answer.ok) return answer;
  const { status, json } = answer.value;
  if (status !== 200 && status !== 201) return err(failure(answer.value));
  const parsed = v.safeParse(RecoveryRestoreResponse, json);
  if (!parsed.success || parsed.output.deviceId !== device.deviceId) {
    return err({ kind: 'bad-answer', message: 'the relay answered the restore with another body' });
  }
  return ok(parsed.output);
}

/** Which blob the account has (any device of it may ask). */
export async function accountStatus(
  fetchFn: RecoveryFetch,
  relayUrl: string,
  device: DeviceSigner,
  signedAt: number,
): Promise<Result<RecoveryStatusResponse, ApiFailure>> {
  const body = buildRecoveryStatus(device, signedAt);
  const answer = await call(fetchFn, relayUrl, RECOVERY_STATUS_PATH, 'POST', body);
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(failure(answer.value));
  const parsed = v.safeParse(RecoveryStatusResponse, answer.value.json);
  return parsed.success
    ? ok(parsed.output)
    : err({ kind: 'bad-answer', message: 'the relay answered the status with another body' });
}
