/**
 * Account registration (`POST /v1/accounts`, docs/protocol.md "Relay
 * protocol"): the first device of an account registers it with its signing
 * and box keys, signed by itself. The relay answers 201 (created) or 200 (the
 * same registration again, so a retry after a lost answer is harmless).
 */
import {
  HttpError,
  RegisterResponse,
  buildRegisterRequest,
  err,
  ok,
  type KeyPair,
  type Result,
} from '@cairn/shared';
import * as v from 'valibot';
import type { RefusalReason } from './refusal';
import { accountsUrl } from '../../device/relay-address';

/** The part of `fetch` registration uses (the global fetch fits). */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** A registration that has not answered by then is abandoned (and retried with backoff). */
export const REGISTER_TIMEOUT_MS = 20_000;

export interface DeviceIdentity {
  readonly signing: KeyPair;
  /** The device's X25519 public key. */
  readonly boxPublicKey: Uint8Array;
  /** A name for the device list, at most 64 characters. */
  readonly label: string;
}

export type RegisterFailure =
  | { kind: 'retry'; message: string; retryAfterMs?: number }
  | { kind: 'refused'; reason: RefusalReason; message: string };

export async function registerAccount(
  fetchFn: FetchLike,
  relayUrl: string,
  accountId: string,
  deviceId: string,
  identity: DeviceIdentity,
): Promise<Result<void, RegisterFailure>> {
  const url = accountsUrl(relayUrl);
  if (url === undefined) {
    return err({ kind: 'refused', reason: 'rejected', message: 'the relay URL is not http(s)' });
  }
  const body = buildRegisterRequest(
    accountId,
    deviceId,
    identity.signing,
    identity.boxPublicKey,
    identity.label,
  );
  let status: number;
  let json: unknown;
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REGISTER_TIMEOUT_MS),
    });
    status = res.status;
    json = await res.json().catch(() => undefined);
  } catch (e) {
    // fetch rejects only when the request could not be made (no network, no relay) or timed out.
    return err({ kind: 'retry', message: e instanceof Error ? e.message : 'network error' });
  }
  if (status === 200 || status === 201) {
    const answer = v.safeParse(RegisterResponse, json);
    if (answer.success && answer.output.accountId === accountId) return ok(undefined);
    return err({ kind: 'retry', message: 'the relay answered with an unexpected body' });
  }
  const failure = v.safeParse(HttpError, json);
  const code = failure.success ? failure.output.code : undefined;
  const message = failure.success ? failure.output.message : `HTTP ${status}`;
  if (status === 429 || status >= 500 || code === 'rate-limited' || code === 'unavailable') {
    const retry: RegisterFailure = { kind: 'retry', message };
    if (failure.success && failure.output.retryAfterMs !== undefined) {
      retry.retryAfterMs = failure.output.retryAfterMs;
    }
    return err(retry);
  }
  if (code === 'exists') return err({ kind: 'refused', reason: 'exists', message });
  if (code === 'unsupported-version') return err({ kind: 'refused', reason: 'version', message });
  return err({ kind: 'refused', reason: 'rejected', message });
}
