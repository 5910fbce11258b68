/**
 * What this device remembers about recovery, in IndexedDB (browser only).
 *
 * Database `cairn-recovery` (version 1), object store `state`:
 *   "backup"     { recoveryId (64 hex), accountId, relayUrl, enabledAt (ms) }
 *                the blob this device stored (or restored from): enough to
 *                show "on" and to delete it; not secret (the relay knows it)
 *   "reminder"   ms when the user dismissed the "turn on recovery" reminder
 *   "restoring"  ms when a restore handed over to sync; cleared once the
 *                data is here, so a reload mid-bootstrap shows progress again
 * Never the phrase, the seed or K_wrap. Values read back are validated.
 * Settings → wipe deletes this database with the others.
 */
import { isRecoveryIdHex, isUuid } from '@cairn/shared';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as v from 'valibot';

export const RECOVERY_DATABASE = 'cairn-recovery';

export const BackupRecord = v.object({
  recoveryId: v.pipe(v.string(), v.check(isRecoveryIdHex, 'recovery id must be 64 hex digits')),
  accountId: v.pipe(v.string(), v.check(isUuid, 'account id must be a UUID')),
  relayUrl: v.string(),
  enabledAt: v.pipe(v.number(), v.safeInteger()),
});
export type BackupRecord = v.InferOutput<typeof BackupRecord>;

const Millis = v.pipe(v.number(), v.safeInteger());

interface Schema extends DBSchema {
  state: { key: string; value: unknown };
}

export interface RecoveryState {
  backup: BackupRecord | undefined;
  reminderDismissedAt: number | undefined;
  restoringSince: number | undefined;
}

async function withDb<T>(f: (db: IDBPDatabase<Schema>) => Promise<T>): Promise<T> {
  const db = await openDB<Schema>(RECOVERY_DATABASE, 1, {
    upgrade(database) {
      database.createObjectStore('state');
    },
  });
  try {
    return await f(db);
  } finally {
    // Never hold a connection open: it would block Settings → wipe.
    db.close();
  }
}

function parsed<T>(schema: v.GenericSchema<unknown, T>, raw: unknown): T | undefined {
  const r = v.safeParse(schema, raw);
  return r.success ? r.output : undefined;
}

export function loadRecoveryState(): Promise<RecoveryState> {
  return withDb(async (db) => ({
    backup: parsed(BackupRecord, await db.get('state', 'backup')),
    reminderDismissedAt: parsed(Millis, await db.get('state', 'reminder')),
    restoringSince: parsed(Millis, await db.get('state', 'restoring')),
  }));
}

export function saveBackup(backup: BackupRecord | undefined): Promise<void> {
  return withDb(async (db) => {
    if (backup === undefined) await db.delete('state', 'backup');
    else await db.put('state', backup, 'backup');
  });
}

export function saveReminderDismissed(at: number): Promise<void> {
  return withDb(async (db) => {
    await db.put('state', at, 'reminder');
  });
}

export function saveRestoring(since: number | undefined): Promise<void> {
  return withDb(async (db) => {
    if (since === undefined) await db.delete('state', 'restoring');
    else await db.put('state', since, 'restoring');
  });
}
