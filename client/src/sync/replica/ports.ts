/** What the replica needs of the documents, and what it reports besides its progress. */
import type { ApplyReport } from '../../storage/document-store';
import type { StorageResult } from '../../storage/log-storage';
import type { RecordProblemCode } from '../../storage/sealed-log';

/** The documents, as the replica sees them (a DocumentStore fits). */
export interface ReplicaDocuments {
  /** Opens, applies and stores received sealed records of one document, as one batch. */
  receiveRecords(name: string, records: readonly Uint8Array[]): Promise<StorageResult<ApplyReport>>;
}

/** What sync reports besides its status (the browser logs it; tests assert on it). */
export type SyncProblem =
  /** A received event that was not applied (it is skipped for good). */
  | { kind: 'record'; doc: string; seq: number; code: RecordProblemCode | 'bad-data' }
  /** A queued record the relay can never accept; it left the queue. */
  | { kind: 'dropped'; doc: string; eventId: string; code: string; message: string }
  /** Local storage (logs, the sync store) failed; sync retries later. */
  | { kind: 'storage'; message: string };
