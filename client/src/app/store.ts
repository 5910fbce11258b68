/** The document store of the app's five documents, over any log storage (Node-safe). */
import type * as A from '@automerge/automerge';
import { initialDocument, type DocName, type DocTypes } from '../domain';
import { DocumentStore, type BackgroundError, type LogStorage, type RecordSink } from '../storage';
import type { Documents } from '../storage/tabs';

/** The store's documents, as a mapped type (the store wants an index-signature-compatible map). */
export type AppDocs = { [K in DocName]: DocTypes[K] };
/** The documents as the app reads and writes them, in a leading or a following tab. */
export type AppStore = Documents<AppDocs>;
/** The documents over the logs (the leading tab's, a harness device's). */
export type AppDocumentStore = DocumentStore<AppDocs>;

function documents(): { [K in DocName]: () => A.Doc<DocTypes[K]> } {
  return {
    profile: () => initialDocument('profile'),
    categories: () => initialDocument('categories'),
    templates: () => initialDocument('templates'),
    observations: () => initialDocument('observations'),
    oneOffs: () => initialDocument('oneOffs'),
  };
}

export function createStore(
  storage: LogStorage,
  kMaster: Uint8Array,
  onBackgroundError?: (error: BackgroundError<DocName>) => void,
  /** Receives every sealed record appended (the sync layer's outbox). */
  sink?: RecordSink<DocName>,
): AppDocumentStore {
  return new DocumentStore<AppDocs>({
    storage,
    kMaster,
    documents: documents(),
    ...(onBackgroundError === undefined ? {} : { onBackgroundError }),
    ...(sink === undefined ? {} : { sink }),
  });
}
