/**
 * Schema migrations: an ordered, append-only list. On start the relay applies
 * the missing ones in one transaction, under an advisory lock so relay
 * processes starting together do not race, and records each in
 * `schema_migrations`. Never edit a shipped migration: append a new one.
 *
 * Bytes are bytea (compact; the SQL converts to and from base64). Every table
 * leads with account_id, the shard key: no query spans accounts.
 */

/** What one device row counts against its account's storage quota (migration 4 on). */
export const DEVICE_ROW_BYTES = 1024;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, devices, streams, events',
    sql: `
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        bytes_used bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE devices (
        account_id uuid NOT NULL REFERENCES accounts (id),
        id uuid NOT NULL,
        signing_key bytea NOT NULL,
        box_key bytea NOT NULL,
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz,
        PRIMARY KEY (account_id, id)
      );
      CREATE TABLE streams (
        account_id uuid NOT NULL,
        stream_id bytea NOT NULL,
        head bigint NOT NULL,
        PRIMARY KEY (account_id, stream_id)
      );
      CREATE TABLE events (
        account_id uuid NOT NULL,
        stream_id bytea NOT NULL,
        seq bigint NOT NULL,
        event_id bytea NOT NULL,
        data bytea NOT NULL,
        covers_seq bigint,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, stream_id, seq),
        UNIQUE (account_id, stream_id, event_id)
      );
      CREATE INDEX events_snapshots ON events (account_id, stream_id, covers_seq DESC, seq DESC)
        WHERE covers_seq IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'recovery blobs',
    sql: `
      -- Keyed by recovery_id: a restore knows no account yet. One blob per account.
      CREATE TABLE recovery_blobs (
        recovery_id bytea PRIMARY KEY,
        account_id uuid NOT NULL UNIQUE REFERENCES accounts (id),
        blob bytea NOT NULL,
        restore_key bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- signedAt of the last accepted recovery put or delete: older requests are replays.
      ALTER TABLE accounts ADD COLUMN recovery_clock bigint NOT NULL DEFAULT 0;
      -- Relay-side keys (the recovery decoy key), generated once per database.
      CREATE TABLE relay_secrets (
        name text PRIMARY KEY,
        value bytea NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'pairing offers',
    sql: `
      -- Keyed by SHA-256(code): B knows no account when it looks an offer up.
      -- Short-lived rows (see store/pairing-sql.ts); a reference table under sharding.
      CREATE TABLE pairing_offers (
        lookup_key bytea PRIMARY KEY,
        offer text,
        state text NOT NULL CHECK (state IN ('open', 'used', 'burned')),
        failures integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX pairing_offers_expiry ON pairing_offers (expires_at);
    `,
  },
  {
    version: 4,
    name: 'device rows count against the quota',
    sql: `
      -- Every device row counts DEVICE_ROW_BYTES of the account's storage
      -- quota, beside the sealed bytes of its events.
      UPDATE accounts SET bytes_used = bytes_used
        + ${DEVICE_ROW_BYTES} * (SELECT count(*) FROM devices d WHERE d.account_id = accounts.id);
    `,
  },
  {
    version: 5,
    name: 'sealed bytes are stored uncompressed',
    sql: `
      -- Ciphertext does not compress: storing it out of line without a
      -- compression attempt saves the attempt on every large event.
      ALTER TABLE events ALTER COLUMN data SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 6,
    name: 'recovery changes wait for a cancel',
    sql: `
      -- A device's removal or replacement of its account's recovery blob takes
      -- effect only at effective_at; until then any device of the account may
      -- cancel it (recovery-sql.ts). One pending change per account.
      CREATE TABLE recovery_pending (
        account_id uuid PRIMARY KEY REFERENCES accounts (id),
        op text NOT NULL CHECK (op IN ('delete', 'replace')),
        recovery_id bytea NOT NULL,
        blob bytea,
        restore_key bytea,
        requested_by uuid NOT NULL,
        effective_at timestamptz NOT NULL
      );
      CREATE INDEX recovery_pending_due ON recovery_pending (effective_at);
      CREATE INDEX recovery_pending_id ON recovery_pending (recovery_id);
    `,
  },
];

export const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;
