/**
 * What this device remembers about recovery, behind one port (the IndexedDB
 * adapter is idb/recovery-state.ts):
 *   backup     { recoveryId (64 hex), accountId, relayUrl, enabledAt (ms) }
 *              the blob this device stored (or restored from): enough to
 *              show "on" and to delete it; not secret (the relay knows it)
 *   reminder   ms when the user dismissed the "turn on recovery" reminder
 *   restoring  ms when a restore handed over to sync; cleared once the data
 *              is here, so a reload mid-bootstrap shows progress again
 * Never the phrase, the seed or K_wrap. Values read back are validated.
 */
import { isRecoveryIdHex, isUuid } from '@cairn/shared';
import * as v from 'valibot';

export const BackupRecord = v.object({
  recoveryId: v.pipe(v.string(), v.check(isRecoveryIdHex, 'recovery id must be 64 hex digits')),
  accountId: v.pipe(v.string(), v.check(isUuid, 'account id must be a UUID')),
  relayUrl: v.string(),
  enabledAt: v.pipe(v.number(), v.safeInteger()),
});
export type BackupRecord = v.InferOutput<typeof BackupRecord>;

export const Millis = v.pipe(v.number(), v.safeInteger());

export interface RecoveryState {
  backup: BackupRecord | undefined;
  reminderDismissedAt: number | undefined;
  restoringSince: number | undefined;
}

/** Each call may reject on a platform failure; the recovery service reports it. */
export interface RecoveryStateStore {
  load(): Promise<RecoveryState>;
  saveBackup(backup: BackupRecord | undefined): Promise<void>;
  saveReminderDismissed(at: number): Promise<void>;
  saveRestoring(since: number | undefined): Promise<void>;
}
