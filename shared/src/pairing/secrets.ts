/**
 * Where a pairing's secrets live between steps.
 *
 * A state handle (the object the UI holds) shows only public facts: stage,
 * SAS, the other device's public keys. Its secrets sit in this module-private
 * WeakMap, so logging or serialising a state leaks nothing. Every step takes
 * the secrets out before it does anything else, which makes each state
 * single-use: a second call with the same handle finds nothing and fails with
 * `pairing-burned`. That matters most on A — once A has revealed N_a for one
 * response, no other response may ever be matched against the same offer.
 */
import type { PairingDevice } from './messages.js';

export interface OfferorWaitingSecrets {
  kind: 'offeror-waiting';
  x25519Secret: Uint8Array;
  mlkemSecretKey: Uint8Array;
  nonce: Uint8Array;
  kCode: Uint8Array;
  tOffer: Uint8Array;
}

export interface SessionSecrets {
  kTransport: Uint8Array;
  transcriptHash: Uint8Array;
}

export interface OfferorConfirmingSecrets extends SessionSecrets {
  kind: 'offeror-confirming';
  device: PairingDevice;
}

export interface JoinerWaitingSecrets {
  kind: 'joiner-waiting';
  x25519Shared: Uint8Array;
  mlkemShared: Uint8Array;
  tResponse: Uint8Array;
  commit: Uint8Array;
  /** From the QR code: the envelope must name this account. */
  expectedAccountId: string | undefined;
}

export interface JoinerComparingSecrets extends SessionSecrets {
  kind: 'joiner-comparing';
  expectedAccountId: string | undefined;
}

/** B's user confirmed the digits: the envelope may be opened. */
export interface JoinerConfirmedSecrets extends SessionSecrets {
  kind: 'joiner-confirmed';
  expectedAccountId: string | undefined;
}

export type Secrets =
  | OfferorWaitingSecrets
  | OfferorConfirmingSecrets
  | JoinerWaitingSecrets
  | JoinerComparingSecrets
  | JoinerConfirmedSecrets;

const store = new WeakMap<object, Secrets>();

/** Freezes the public handle and files its secrets under it. */
export function keep<S extends object>(handle: S, secrets: Secrets): Readonly<S> {
  store.set(handle, secrets);
  return Object.freeze(handle);
}

/** Removes and returns the secrets of a handle: at most once per handle. */
export function take(handle: object): Secrets | undefined {
  const secrets = store.get(handle);
  store.delete(handle);
  return secrets;
}

/** Ends a pairing from any stage: its secrets become unreachable. */
export function forget(handle: object): void {
  store.delete(handle);
}
