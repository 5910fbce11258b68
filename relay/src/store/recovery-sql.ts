/**
 * Recovery blobs in SQL (migrations 2 and 6), shared by both stores through SqlCore.
 *
 *   recovery_blobs (recovery_id PK, account_id UNIQUE, blob, restore_key, updated_at)
 *   recovery_pending (account_id PK, op, recovery_id, blob, restore_key,
 *                     requested_by, effective_at)
 *   accounts.recovery_clock   the signedAt of the account's last accepted put,
 *                             delete or cancel
 *   relay_secrets (name PK, value)   the decoy key, one per database
 *
 * An account has at most one blob. The first put stores it at once (there is
 * nothing to lose yet). Once the account has a blob, a put (replacing it,
 * under a new recovery id or the same) and a delete do not act: they become
 * the account's one pending change, effective `delayMs` later, which any
 * device of the account can cancel until then. So one stolen device cannot
 * silently remove the way back: every other device is shown the change (the
 * status answer carries it) and has the delay to undo it. A due change is
 * applied by the next call that reads the account's recovery state, and by
 * the sweep (`applyDueRecovery`). With `delayMs` 0 changes act at once.
 *
 * Put, delete and cancel lock the account row (as pushes do), so the replay
 * check on recovery_clock and the write are one step across relay processes.
 * Recovery ids are lowercase hex here, as in the route; blobs and keys are
 * base64, encoded and decoded by the SQL.
 */
import { num, numOrNull, str, type Database, type Db } from './db.js';
import type {
  AccountRecovery,
  RecoveryCancelOutcome,
  RecoveryDeleteOutcome,
  RecoveryPutOutcome,
  RecoveryRecord,
  RecoveryTiming,
  StoredRecovery,
} from './types.js';

const AT = (param: string): string => `to_timestamp(${param}::float8 / 1000)`;

/** Applies the account's pending change if it is due at `now`; the caller holds the row lock. */
async function applyDue(tx: Db, accountId: string, now: number): Promise<void> {
  const due = await tx.query(
    `DELETE FROM recovery_pending WHERE account_id = $1::uuid AND effective_at <= ${AT('$2')}
     RETURNING op, encode(recovery_id, 'hex') AS r, encode(blob, 'base64') AS b,
               encode(restore_key, 'base64') AS k`,
    [accountId, now],
  );
  const change = due[0];
  if (change === undefined) return;
  await tx.query('DELETE FROM recovery_blobs WHERE account_id = $1::uuid', [accountId]);
  if (str(change, 'op') === 'replace') {
    // Another account took the id meanwhile (a phrase collision): the change lapses.
    await tx.query(
      `INSERT INTO recovery_blobs (recovery_id, account_id, blob, restore_key)
       VALUES (decode($1, 'hex'), $2::uuid, decode($3, 'base64'), decode($4, 'base64'))
       ON CONFLICT DO NOTHING`,
      [str(change, 'r'), accountId, str(change, 'b'), str(change, 'k')],
    );
  }
}

/** Applies every change due at `now` (the relay's periodic sweep); returns how many. */
export async function applyDueRecovery(db: Database, now: number): Promise<number> {
  const due = await db.query(
    `SELECT account_id::text AS a FROM recovery_pending WHERE effective_at <= ${AT('$1')}`,
    [now],
  );
  for (const row of due) {
    const accountId = str(row, 'a');
    await db.transaction(async (tx) => {
      await lockAccount(tx, accountId);
      await applyDue(tx, accountId, now);
    });
  }
  return due.length;
}

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
  timing: RecoveryTiming,
): Promise<RecoveryPutOutcome> {
  return db.transaction(async (tx) => {
    const clock = await lockAccount(tx, accountId);
    if (clock === undefined) return 'no-account';
    if (signedAt <= clock) return 'stale';
    await applyDue(tx, accountId, timing.now);
    const owner = await tx.query(
      `SELECT account_id::text AS a FROM recovery_blobs WHERE recovery_id = decode($1, 'hex')
       UNION ALL
       SELECT account_id::text AS a FROM recovery_pending
       WHERE recovery_id = decode($1, 'hex') AND op = 'replace'`,
      [record.recoveryId],
    );
    if (owner.some((r) => str(r, 'a') !== accountId)) return 'taken';
    await tx.query('UPDATE accounts SET recovery_clock = $2::bigint WHERE id = $1::uuid', [
      accountId,
      signedAt,
    ]);
    const has = await tx.query('SELECT 1 AS one FROM recovery_blobs WHERE account_id = $1::uuid', [
      accountId,
    ]);
    if (has.length === 0 || timing.delayMs === 0) {
      await tx.query('DELETE FROM recovery_pending WHERE account_id = $1::uuid', [accountId]);
      await tx.query('DELETE FROM recovery_blobs WHERE account_id = $1::uuid', [accountId]);
      await tx.query(
        `INSERT INTO recovery_blobs (recovery_id, account_id, blob, restore_key)
         VALUES (decode($1, 'hex'), $2::uuid, decode($3, 'base64'), decode($4, 'base64'))`,
        [record.recoveryId, accountId, record.blob, record.restoreKey],
      );
      return 'stored';
    }
    await pend(tx, accountId, timing, {
      op: 'replace',
      recoveryId: record.recoveryId,
      blob: record.blob,
      restoreKey: record.restoreKey,
    });
    return 'pending';
  });
}

/** Makes `change` the account's one pending change (replacing any other). */
async function pend(
  tx: Db,
  accountId: string,
  timing: RecoveryTiming,
  change: { op: 'delete' | 'replace'; recoveryId: string; blob?: string; restoreKey?: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO recovery_pending (account_id, op, recovery_id, blob, restore_key, requested_by, effective_at)
     VALUES ($1::uuid, $2, decode($3, 'hex'), decode($4, 'base64'), decode($5, 'base64'), $6::uuid,
             ${AT('$7')})
     ON CONFLICT (account_id) DO UPDATE SET op = EXCLUDED.op, recovery_id = EXCLUDED.recovery_id,
       blob = EXCLUDED.blob, restore_key = EXCLUDED.restore_key,
       requested_by = EXCLUDED.requested_by, effective_at = EXCLUDED.effective_at`,
    [
      accountId,
      change.op,
      change.recoveryId,
      change.blob ?? null,
      change.restoreKey ?? null,
      timing.deviceId,
      timing.now + timing.delayMs,
    ],
  );
}

export async function deleteRecovery(
  db: Database,
  accountId: string,
  recoveryId: string,
  signedAt: number,
  timing: RecoveryTiming,
): Promise<RecoveryDeleteOutcome> {
  return db.transaction(async (tx) => {
    const clock = await lockAccount(tx, accountId);
    if (clock === undefined) return 'no-account';
    if (signedAt <= clock) return 'stale';
    await applyDue(tx, accountId, timing.now);
    const found = await tx.query(
      `SELECT 1 AS one FROM recovery_blobs
       WHERE account_id = $1::uuid AND recovery_id = decode($2, 'hex')`,
      [accountId, recoveryId],
    );
    if (found.length === 0) return 'not-found';
    await tx.query('UPDATE accounts SET recovery_clock = $2::bigint WHERE id = $1::uuid', [
      accountId,
      signedAt,
    ]);
    if (timing.delayMs === 0) {
      await tx.query('DELETE FROM recovery_pending WHERE account_id = $1::uuid', [accountId]);
      await tx.query('DELETE FROM recovery_blobs WHERE account_id = $1::uuid', [accountId]);
      return 'deleted';
    }
    await pend(tx, accountId, timing, { op: 'delete', recoveryId });
    return 'pending';
  });
}

/** Drops the account's pending change, if it has one that is not yet due. */
export async function cancelRecovery(
  db: Database,
  accountId: string,
  signedAt: number,
  now: number,
): Promise<RecoveryCancelOutcome> {
  return db.transaction(async (tx) => {
    const clock = await lockAccount(tx, accountId);
    if (clock === undefined) return 'no-account';
    if (signedAt <= clock) return 'stale';
    await applyDue(tx, accountId, now);
    const gone = await tx.query(
      'DELETE FROM recovery_pending WHERE account_id = $1::uuid RETURNING 1 AS one',
      [accountId],
    );
    if (gone.length === 0) return 'none';
    await tx.query('UPDATE accounts SET recovery_clock = $2::bigint WHERE id = $1::uuid', [
      accountId,
      signedAt,
    ]);
    return 'cancelled';
  });
}

export async function getRecovery(
  db: Database,
  recoveryId: string,
  now: number,
): Promise<RecoveryRecord | undefined> {
  // A change due for the account that holds (or will hold) this id is applied first.
  const due = await db.query(
    `SELECT p.account_id::text AS a FROM recovery_pending p
     WHERE p.effective_at <= ${AT('$2')} AND (p.recovery_id = decode($1, 'hex')
       OR p.account_id IN (SELECT account_id FROM recovery_blobs WHERE recovery_id = decode($1, 'hex')))`,
    [recoveryId, now],
  );
  for (const row of due) {
    const accountId = str(row, 'a');
    await db.transaction(async (tx) => {
      await lockAccount(tx, accountId);
      await applyDue(tx, accountId, now);
    });
  }
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
  db: Database,
  accountId: string,
  now: number,
): Promise<AccountRecovery | undefined> {
  await db.transaction(async (tx) => {
    await lockAccount(tx, accountId);
    await applyDue(tx, accountId, now);
  });
  const rows = await db.query(
    `SELECT encode(b.recovery_id, 'hex') AS r, floor(extract(epoch from b.updated_at) * 1000)::float8 AS t,
            p.op, encode(p.recovery_id, 'hex') AS pr, p.requested_by::text AS pb,
            floor(extract(epoch from p.effective_at) * 1000)::float8 AS pe
     FROM (SELECT $1::uuid AS account_id) a
     LEFT JOIN recovery_blobs b ON b.account_id = a.account_id
     LEFT JOIN recovery_pending p ON p.account_id = a.account_id`,
    [accountId],
  );
  const row = rows[0];
  if (row === undefined || row['r'] === null) return undefined;
  const out: AccountRecovery = { recoveryId: str(row, 'r'), updatedAt: num(row, 't') };
  const effectiveAt = numOrNull(row, 'pe');
  if (effectiveAt !== null) {
    const op = str(row, 'op');
    out.pending = {
      op: op === 'replace' ? 'replace' : 'delete',
      effectiveAt,
      requestedBy: str(row, 'pb'),
      recoveryId: str(row, 'pr'),
    };
  }
  return out;
}

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
