/**
 * The recovery flows, without React or browser storage (docs/protocol.md
 * "Recovery routes", DESIGN §3.6):
 *
 * - enable: seal K_master and the account id under a phrase's K_wrap, PUT the
 *   89-byte blob with the phrase's public restore key, signed by this device.
 * - restore: check the phrase (a mistyped word fails here, before any network
 *   call), derive its keys, register a new device and receive the blob in one
 *   call, open it, and hand back K_master and the account to adopt.
 *
 * Failures are values with a message for the user. The phrase is only ever an
 * argument: nothing here stores, logs or sends it.
 */
import {
  CairnError,
  RECOVERY_WORDS,
  bip39Wordlist,
  checkPhrase,
  err,
  fromBase64,
  normalizePhrase,
  ok,
  openRecoveryBlobWithKeys,
  recoveryCredentials,
  sealRecoveryBlobWithKeys,
  toHex,
  type DeviceSigner,
  type KeyPair,
  type RecoveryPendingChange,
  type Result,
} from '@cairn/shared';
import {
  accountStatus,
  cancelChange,
  deleteBlob,
  putBlob,
  restoreDevice,
  type ApiFailure,
  type RecoveryFetch,
} from './api';

export const MISTYPED = 'A word is mistyped.';
export const NO_BACKUP = 'No backup for this phrase.';

export interface FlowFailure {
  kind: 'mistyped' | 'no-backup' | 'offline' | 'rate-limited' | 'refused' | 'failed';
  message: string;
  retryAfterMs?: number;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

function fromApi(f: ApiFailure, action: string): FlowFailure {
  switch (f.kind) {
    case 'offline':
      return {
        kind: 'offline',
        message: `The relay could not be reached, so ${action}. Try again when you are online.`,
      };
    case 'rate-limited': {
      const wait = f.retryAfterMs === undefined ? 'a minute' : seconds(f.retryAfterMs);
      const out: FlowFailure = {
        kind: 'rate-limited',
        message: `Too many attempts from this network. Try again in ${wait}.`,
      };
      if (f.retryAfterMs !== undefined) out.retryAfterMs = f.retryAfterMs;
      return out;
    }
    case 'refused':
      return { kind: 'refused', message: `The relay refused: ${f.message}, so ${action}.` };
    case 'not-found':
    case 'unavailable':
    case 'bad-answer':
      return {
        kind: 'failed',
        message: `The relay could not complete it (${f.message}), so ${action}.`,
      };
  }
}

// ── Enable and disable ──────────────────────────────────────────────────────

export interface EnableDeps {
  fetch: RecoveryFetch;
  relayUrl: string;
  device: DeviceSigner;
  kMaster: Uint8Array;
  now: () => number;
}

/**
 * Seals and stores the blob for `phrase`; resolves to the recovery id (hex)
 * to remember and, when the account had a blob already, the pending change
 * (the new phrase works from `effectiveAt`; the old one until then).
 */
export async function enableRecovery(
  phrase: string,
  deps: EnableDeps,
): Promise<Result<{ recoveryIdHex: string; pending?: RecoveryPendingChange }, FlowFailure>> {
  const creds = recoveryCredentials(phrase);
  const blob = sealRecoveryBlobWithKeys(creds, deps.kMaster, deps.device.accountId);
  const put = await putBlob(
    deps.fetch,
    deps.relayUrl,
    deps.device,
    creds.recoveryId,
    blob,
    creds.restoreKey.publicKey,
    deps.now(),
  );
  if (!put.ok) return err(fromApi(put.error, 'recovery is not on yet'));
  const recoveryIdHex = toHex(creds.recoveryId);
  return ok(
    put.value.pending === undefined
      ? { recoveryIdHex }
      : { recoveryIdHex, pending: put.value.pending },
  );
}

/** Removes the blob: at once, or (usually) as a pending change. */
export async function disableRecovery(
  recoveryIdHex: string,
  deps: Omit<EnableDeps, 'kMaster'>,
): Promise<Result<{ pending?: RecoveryPendingChange }, FlowFailure>> {
  const done = await deleteBlob(deps.fetch, deps.relayUrl, deps.device, recoveryIdHex, deps.now());
  return done.ok ? ok(done.value) : err(fromApi(done.error, 'the backup is still on the relay'));
}

/** Cancels the account's pending change (this device's or another's). */
export async function cancelRecoveryChange(
  deps: Omit<EnableDeps, 'kMaster'>,
): Promise<Result<boolean, FlowFailure>> {
  const done = await cancelChange(deps.fetch, deps.relayUrl, deps.device, deps.now());
  return done.ok ? done : err(fromApi(done.error, 'the change was not cancelled'));
}

/** The account's blob as the relay has it: its recovery id, when it was stored, its pending change. */
export async function readAccountRecovery(
  deps: Omit<EnableDeps, 'kMaster'>,
): Promise<
  Result<
    { recoveryIdHex: string; updatedAt: number; pending: RecoveryPendingChange | null } | null,
    FlowFailure
  >
> {
  const r = await accountStatus(deps.fetch, deps.relayUrl, deps.device, deps.now());
  if (!r.ok) return err(fromApi(r.error, 'the recovery state was not checked'));
  const { recoveryId, updatedAt, pending } = r.value;
  return ok(
    recoveryId === null
      ? null
      : { recoveryIdHex: recoveryId, updatedAt: updatedAt ?? 0, pending: pending ?? null },
  );
}

/**
 * Whether this device may store, replace or remove the account's backup now,
 * asked before the user writes anything down: a signed status request that
 * the relay refuses exactly as it would refuse the change (a removed device,
 * an unknown one), or that cannot be made (offline).
 */
export async function checkCanChange(
  deps: Omit<EnableDeps, 'kMaster'>,
): Promise<Result<void, FlowFailure>> {
  const r = await accountStatus(deps.fetch, deps.relayUrl, deps.device, deps.now());
  if (r.ok) return ok(undefined);
  if (r.error.kind === 'refused' && r.error.code === 'revoked') {
    return err({ kind: 'refused', message: REMOVED });
  }
  return err(fromApi(r.error, 'nothing can be changed now'));
}

export const REMOVED =
  'This device was removed from your account, so it cannot keep a recovery phrase for it. Pair it again or restore it from your phrase first (Settings → Devices).';

// ── Restore ─────────────────────────────────────────────────────────────────

export interface NewDeviceIdentity {
  deviceId: string;
  signing: KeyPair;
  boxPublicKey: Uint8Array;
  label: string;
}

export interface RestoreDeps {
  fetch: RecoveryFetch;
  relayUrl: string;
  device: NewDeviceIdentity;
}

export interface Restored {
  kMaster: Uint8Array;
  accountId: string;
  deviceId: string;
  relayUrl: string;
  recoveryIdHex: string;
}

/** The phrase's checksum, as a flow failure: no network is involved. */
export function checkTypedPhrase(phrase: string): Result<void, FlowFailure> {
  const words = normalizePhrase(phrase)
    .split(' ')
    .filter((w) => w !== '');
  const mistyped = (detail: string): Result<void, FlowFailure> =>
    err({ kind: 'mistyped', message: `${MISTYPED} ${detail}` });
  if (words.length !== RECOVERY_WORDS) {
    return mistyped(`A recovery phrase has ${RECOVERY_WORDS} words; this has ${words.length}.`);
  }
  const unknown = words.findIndex((w) => !bip39Wordlist.includes(w));
  if (unknown >= 0) return mistyped(`Word ${unknown + 1} is not in the word list.`);
  try {
    checkPhrase(phrase);
    return ok(undefined);
  } catch (e) {
    if (e instanceof CairnError && e.code === 'bad-checksum') {
      return mistyped(
        'Every word is in the list, but they do not add up: compare each one with your written phrase.',
      );
    }
    throw e;
  }
}

export async function restoreFromPhrase(
  phrase: string,
  deps: RestoreDeps,
): Promise<Result<Restored, FlowFailure>> {
  const checked = checkTypedPhrase(phrase);
  if (!checked.ok) return checked;
  const creds = recoveryCredentials(phrase);
  const answer = await restoreDevice(
    deps.fetch,
    deps.relayUrl,
    creds.restoreKey,
    creds.recoveryId,
    {
      deviceId: deps.device.deviceId,
      signingKey: deps.device.signing.publicKey,
      boxKey: deps.device.boxPublicKey,
      label: deps.device.label,
    },
  );
  if (!answer.ok) {
    if (answer.error.kind === 'not-found') {
      return err({
        kind: 'no-backup',
        message: `${NO_BACKUP} Every word is a real one, but no device has saved a backup under this phrase.`,
      });
    }
    return err(fromApi(answer.error, 'nothing was restored'));
  }
  const blob = fromBase64(answer.value.blob);
  if (blob === undefined) throw new Error('the schema let a non-base64 blob by');
  let opened: { kMaster: Uint8Array; accountId: string };
  try {
    opened = openRecoveryBlobWithKeys(creds, blob);
  } catch (e) {
    if (!(e instanceof CairnError)) throw e;
    // The relay matched our restore key yet sent bytes that do not open: not our blob.
    return err({
      kind: 'failed',
      message: 'The relay sent a backup that does not open with this phrase. Nothing was restored.',
    });
  }
  if (opened.accountId !== answer.value.accountId) {
    return err({
      kind: 'failed',
      message: 'The relay named another account than the backup holds. Nothing was restored.',
    });
  }
  return ok({
    kMaster: opened.kMaster,
    accountId: opened.accountId,
    deviceId: answer.value.deviceId,
    relayUrl: deps.relayUrl,
    recoveryIdHex: toHex(creds.recoveryId),
  });
}
