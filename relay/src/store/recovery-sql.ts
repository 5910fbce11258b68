/**
 * Recovery blobs in SQL (migration 2), shared by both stores through SqlCore.
 *
 *   recovery_blobs (recovery_id PK, account_id UNIQUE, blob, restore_key, updated_at)
 *   accounts.recovery_clock   the signedAt of the account's last accepted put or delete
 *   relay_secrets (name PK, value)   the decoy key, one per database
 *
 * An account has at most one blob: a put under a new recovery id replaces the
 * old one (the old phrase stops working). Put and delete lock the account row
 * (as pushes do), so the replay check on recovery_clock and the write are one
 * step across relay processes. Recovery ids are lowercase hex here, as in the
 * route; blobs and keys are base64, encoded and decoded by the SQL.
 */
import { num, str, type Database, type Db } from './db.js';
import type {
  RecoveryDeleteOutcome,
  RecoveryPutOutcome,
  RecoveryRecord,
  StoredRecovery,
} from './types.js';

// Postgres breaks base64 lines at 76 characters; the wire wants one line.
const B64 = (col: string): string => `translate(encode(${col}, 'base64'), E'\\n', '')`;

async function lockAccount(tx: Db, accountId: string): Promise<number | undefined> {
  const rows = await tx.query(
    'SELECT recovery_clock::float8 AS clock FROM accounts WHERE id = $1::uuid FOR UPDATE',
    [accountId],
  );
  const row = rows[0];
  return row === undefined ? undefined : num(row, 'clock');
}

export async function putRecovery(
  db: Database,
  accountId: string,
  record: StoredRecovery,
  signedAt: number,
): Promise<RecoveryPutOutcome> {
  return db.transaction(async (tx) => {
    const clock = await lockAccount(tx, accountId);
    if (clock === undefined) return 'no-account';
    if (signedAt <= clock) return 'stale';
    const owner = await tx.query(
      `SELECT account_id::text AS a FROM recovery_blobs WHERE recovery_id = decode($1, 'hex')`,
      [record.recoveryId],
    );
    const ownerRow = owner[0];
    if (ownerRow !== undefined && str(ownerRow, 'a') !== accountId) return 'taken';
    await tx.query('DELETE FROM recovery_blobs WHERE account_id = $1::uuid', [accountId]);
    await tx.query(
      `INSERT INTO recovery_blobs (recovery_id, account_id, blob, restore_key)
       VALUES (decode($1, 'hex'), $2::uuid, decode($3, 'base64'), decode($4, 'base64'))`,
      [record.recoveryId, accountId, record.blob, record.restoreKey],
    );
    await tx.query('UPDATE accounts SET recovery_clock = $2::bigint WHERE id = $1::uuid', [
      accountId,
      signedAt,
    ]);
    return 'stored';
  });
}

export async function deleteRecovery(
  db: Database,
  accountId: string,
  recoveryId: string,
  signedAt: number,
): Promise<RecoveryDeleteOutcome> {
  return db.transaction(async (tx) => {
    const clock = await lockAccount(tx, accountId);
    if (clock === undefined) return 'no-account';
    if (signedAt <= clock) return 'stale';
    const gone = await tx.query(
      `DELETE FROM recovery_blobs WHERE account_id = $1::uuid AND recovery_id = decode($2, 'hex')
       RETURNING 1 AS one`,
      [accountId, recoveryId],
    );
    if (gone.length === 0) return 'not-found';
    await tx.query('UPDATE accounts SET recovery_clock = $2::bigint WHERE id = $1::uuid', [
      accountId,
      signedAt,
    ]);
    return 'deleted';
  });
}

export async function getRecovery(db: Db, recoveryId: string): Promise<RecoveryRecord | undefined> {
  const rows = await db.query(
    `SELECT account_id::text AS a, ${B64('blob')} AS b, ${B64('restore_key')} AS k
     FROM recovery_blobs WHERE recovery_id = decode($1, 'hex')`,
    [recoveryId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { accountId: str(row, 'a'), blob: str(row, 'b'), restoreKey: str(row, 'k') };
}

export async function accountRecovery(
  db: Db,
  accountId: string,
): Promise<{ recoveryId: string; updatedAt: number } | undefined> {
  const rows = await db.query(
    `SELECT encode(recovery_id, 'hex') AS r, floor(extract(epoch from updated_at) * 1000)::float8 AS t
     FROM recovery_blobs WHERE account_id = $1::uuid`,
    [accountId],
  );
  const row = rows[0];
  return row === undefined ? undefined : { recoveryId: str(row, 'r'), updatedAt: num(row, 't') };
}

/** The named secret: `candidate` is stored if none is yet, and whichever is stored wins. */
export async function relaySecret(db: Database, name: string, candidate: string): Promise<string> {
  await db.query(
    `INSERT INTO relay_secrets (name, value) VALUES ($1, decode($2, 'base64'))
     ON CONFLICT (name) DO NOTHING`,
    [name, candidate],
  );
  const rows = await db.query(`SELECT ${B64('value')} AS v FROM relay_secrets WHERE name = $1`, [
    name,
  ]);
  const row = rows[0];
  if (row === undefined) throw new Error(`relay secret ${name} vanished`);
  return str(row, 'v');
}
