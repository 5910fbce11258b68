/**
 * The pairing feature's store port: pairing offers by lookup key (never the
 * code), their states, and the channel between relay processes when A's and
 * B's sockets are in different ones. Implemented in store/pairing-sql.ts,
 * checked by the pairing store contract
 * (relay/test/support/pairing-store-contract.ts).
 */

export type PairingOfferState = 'open' | 'used' | 'burned';

export interface PairingOfferRecord {
  state: PairingOfferState;
  /** The pair-offer JSON while the offer is open. */
  offer: string | null;
  failures: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Why an offer cannot take a response (or a reveal) now. */
export type PairingRefusal = 'not-found' | 'expired' | 'used' | 'burned';

export interface PairingStore {
  /** Whether another process may hold the other end of a pairing (then notices flow). */
  readonly shared: boolean;
  createOffer(lookupKey: string, offer: string, expiresAt: number): Promise<'created' | 'exists'>;
  getOffer(lookupKey: string): Promise<PairingOfferRecord | undefined>;
  /** open and unexpired → used, dropping the public values (`ok`); else why not. */
  useOffer(lookupKey: string, now: number): Promise<'ok' | PairingRefusal>;
  /** Counts a refused response; the `max`-th burns the offer. Undefined: no open offer. */
  failOffer(
    lookupKey: string,
    max: number,
  ): Promise<{ failures: number; burned: boolean } | undefined>;
  /**
   * open or used → burned ("they don't match", cancelled, A went away); false
   * if it was neither. A code whose pairing was aborted after the reveal
   * reads "cancelled", not "used".
   */
  burnOffer(lookupKey: string): Promise<boolean>;
  /** Deletes the rows that expired before `before`; returns how many. */
  sweepOffers(before: number): Promise<number>;
  notify(payload: string): Promise<void>;
  listen(onPayload: (payload: string) => void): Promise<void>;
}

/** What an offer record means for a joiner at `now`. */
export function offerStatus(
  record: PairingOfferRecord | undefined,
  now: number,
): { ok: true; offer: string; expiresAt: number } | { ok: false; refusal: PairingRefusal } {
  if (record === undefined) return { ok: false, refusal: 'not-found' };
  if (record.state === 'used') return { ok: false, refusal: 'used' };
  if (record.state === 'burned') return { ok: false, refusal: 'burned' };
  if (record.expiresAt <= now || record.offer === null) return { ok: false, refusal: 'expired' };
  return { ok: true, offer: record.offer, expiresAt: record.expiresAt };
}
