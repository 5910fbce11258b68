/**
 * Pairing offers in SQL, the same for PGlite and Postgres (DESIGN §4: "pairing
 * offers (SHA-256(code), public values, expiry)"). Table `pairing_offers`
 * (migration "pairing offers"):
 *
 *   lookup_key  bytea PK     SHA-256(code), never the code
 *   offer       text | NULL  A's pair-offer JSON (public values only); NULL
 *                            once the offer is used or burned
 *   state       open | used | burned
 *   failures    responses A refused (mac_b did not verify); 5 burn the offer
 *   expires_at  timestamptz  at most 10 minutes after creation
 *
 * A used or burned row keeps only its key, state and expiry, so that a second
 * use of the code gets a clear "already used" rather than "no such code"; the
 * sweep deletes every row a grace period after its expiry. This table is keyed
 * by lookup key, not account: B knows no account when it looks an offer up. It
 * is small and short-lived, a reference table under sharding.
 *
 * Cross-process forwarding (Postgres): frames between A and B are NOTIFYed on
 * channel `cairn_pairing` when the addressee's socket is in another process.
 */
import type {
  PairingOfferRecord,
  PairingOfferState,
  PairingRefusal,
  PairingStore,
} from '../pairing/port.js';
import { offerStatus } from '../pairing/port.js';
import { num, numOrNull, str, type Database, type Row } from './db.js';

export const PAIRING_CHANNEL = 'cairn_pairing';

const STATES: readonly PairingOfferState[] = ['open', 'used', 'burned'];

function recordOf(row: Row): PairingOfferRecord {
  const state = str(row, 'state');
  const known = STATES.find((s) => s === state);
  if (known === undefined) throw new Error(`storage row: pairing state ${state}`);
  const offer = row['offer'];
  if (offer !== null && typeof offer !== 'string') throw new Error('storage row: pairing offer');
  return {
    state: known,
    offer,
    failures: num(row, 'failures'),
    expiresAt: num(row, 'expires'),
  };
}

const KEY = `decode($1, 'base64')`;
const AT = (param: string): string => `to_timestamp(${param}::float8 / 1000)`;

export class SqlPairingStore implements PairingStore {
  constructor(
    private readonly db: Database,
    /** Postgres: subscribe to `cairn_pairing`. Absent: a single process, nothing to listen to. */
    private readonly subscribe?: (onPayload: (payload: string) => void) => Promise<void>,
  ) {}

  get shared(): boolean {
    return this.subscribe !== undefined;
  }

  async createOffer(
    lookupKey: string,
    offer: string,
    expiresAt: number,
  ): Promise<'created' | 'exists'> {
    const rows = await this.db.query(
      `INSERT INTO pairing_offers (lookup_key, offer, state, failures, expires_at)
       VALUES (${KEY}, $2, 'open', 0, ${AT('$3')})
       ON CONFLICT (lookup_key) DO NOTHING RETURNING 1::float8 AS one`,
      [lookupKey, offer, expiresAt],
    );
    return rows.length === 1 ? 'created' : 'exists';
  }

  async getOffer(lookupKey: string): Promise<PairingOfferRecord | undefined> {
    const rows = await this.db.query(
      `SELECT state, offer, failures::float8 AS failures,
              floor(extract(epoch from expires_at) * 1000)::float8 AS expires
       FROM pairing_offers WHERE lookup_key = ${KEY}`,
      [lookupKey],
    );
    const row = rows[0];
    return row === undefined ? undefined : recordOf(row);
  }

  async useOffer(lookupKey: string, now: number): Promise<'ok' | PairingRefusal> {
    const rows = await this.db.query(
      `UPDATE pairing_offers SET state = 'used', offer = NULL
       WHERE lookup_key = ${KEY} AND state = 'open' AND expires_at > ${AT('$2')}
       RETURNING 1::float8 AS one`,
      [lookupKey, now],
    );
    if (rows.length === 1) return 'ok';
    const status = offerStatus(await this.getOffer(lookupKey), now);
    return status.ok ? 'expired' : status.refusal;
  }

  async failOffer(
    lookupKey: string,
    max: number,
  ): Promise<{ failures: number; burned: boolean } | undefined> {
    const rows = await this.db.query(
      `UPDATE pairing_offers SET failures = failures + 1,
         state = CASE WHEN failures + 1 >= $2::int THEN 'burned' ELSE state END,
         offer = CASE WHEN failures + 1 >= $2::int THEN NULL ELSE offer END
       WHERE lookup_key = ${KEY} AND state = 'open'
       RETURNING failures::float8 AS failures, state`,
      [lookupKey, max],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { failures: num(row, 'failures'), burned: str(row, 'state') === 'burned' };
  }

  async burnOffer(lookupKey: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE pairing_offers SET state = 'burned', offer = NULL
       WHERE lookup_key = ${KEY} AND state IN ('open', 'used') RETURNING 1::float8 AS one`,
      [lookupKey],
    );
    return rows.length === 1;
  }

  async sweepOffers(before: number): Promise<number> {
    const rows = await this.db.query(
      `WITH gone AS (DELETE FROM pairing_offers WHERE expires_at < ${AT('$1')} RETURNING 1)
       SELECT count(*)::float8 AS n FROM gone`,
      [before],
    );
    const row = rows[0];
    return row === undefined ? 0 : (numOrNull(row, 'n') ?? 0);
  }

  async notify(payload: string): Promise<void> {
    if (this.subscribe === undefined) return;
    await this.db.query('SELECT count(pg_notify($1, $2))::float8 AS n', [PAIRING_CHANNEL, payload]);
  }

  async listen(onPayload: (payload: string) => void): Promise<void> {
    await this.subscribe?.(onPayload);
  }
}
