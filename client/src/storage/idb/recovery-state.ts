/**
 * The recovery state (../recovery-state.ts) in IndexedDB (browser only).
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
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as v from 'valibot';
import {
  BackupRecord,
  Millis,
  type RecoveryState,
  type RecoveryStateStore,
} from '../recovery-state';

export const RECOVERY_DATABASE = 'cairn-recovery';

interface Schema extends DBSchema {
  state: { key: string; value: unknown };
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

function loadRecoveryState(): Promise<RecoveryState> {
  return withDb(async (db) => ({
    backup: parsed(BackupRecord, await db.get('state', 'backup')),
    reminderDismissedAt: parsed(Millis, await db.get('state', 'reminder')),
    restoringSince: parsed(Millis, await db.get('state', 'restoring')),
  }));
}

function saveBackup(backup: BackupRecord | undefined): Promise<void> {
  return withDb(async (db) => {
    if (backup === undefined) await db.delete('state', 'backup');
    else await db.put('state', backup, 'backup');
  });
}

function saveReminderDismissed(at: number): Promise<void> {
  return withDb(async (db) => {
    await db.put('state', at, 'reminder');
  });
}

function saveRestoring(since: number | undefined): Promise<void> {
  return withDb(async (db) => {
    if (since === undefined) await db.delete('state', 'restoring');
    else await db.put('state', since, 'restoring');
  });
}

export const idbRecoveryState: RecoveryStateStore = {
  load: loadRecoveryState,
  saveBackup,
  saveReminderDismissed,
  saveRestoring,
};
