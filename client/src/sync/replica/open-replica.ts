/**
 * Builds a replica and the document store it serves, in dependency order and
 * with no late binding: the problems log and the serial writes; the cursors;
 * the outbox, which is the store's record sink; the store, built around it by
 * the caller's `documents`; then the replica over both.
 */
import type { RecordSink } from '../../storage/document-store';
import type { LogStorage } from '../../storage/log-storage';
import type { SyncStore } from '../../storage/sync-state';
import { Cursors } from './cursors';
import { Outbox } from './outbox';
import type { ReplicaDocuments, SyncProblem } from './ports';
import { Problems } from './problems';
import { Replica } from './replica';
import { streamsOf } from './streams';
import { SerialWrites } from './writes';

export interface OpenReplicaOptions<S extends ReplicaDocuments> {
  readonly kMaster: Uint8Array;
  /** The documents synced, by name (their stream ids derive from K_master). */
  readonly documentNames: readonly string[];
  /** Cursors, queue and known ids (and the settings the engine keeps there). */
  readonly store: SyncStore;
  /** The log files, for the startup scan. */
  readonly logs: Pick<LogStorage, 'read'>;
  readonly onProblem?: (problem: SyncProblem) => void;
  /** Builds the document store around its record sink. */
  documents(sink: RecordSink): S;
}

export function openReplica<S extends ReplicaDocuments>(
  options: OpenReplicaOptions<S>,
): { documents: S; replica: Replica } {
  const { store } = options;
  const problems = new Problems(options.onProblem);
  const writes = new SerialWrites();
  const streams = streamsOf(options.kMaster, options.documentNames);
  const cursors = new Cursors((batch) =>
    writes.run(async () => {
      const saved = await store.setCursors(batch());
      if (!saved.ok) problems.report({ kind: 'storage', message: saved.error.message });
    }),
  );
  const outbox = new Outbox({ store, logs: options.logs, streams, cursors, writes, problems });
  const documents = options.documents(outbox);
  const replica = new Replica({ store, streams, cursors, outbox, writes, problems }, documents);
  return { documents, replica };
}
