/** The document store of the app's five documents, over any log storage (Node-safe). */
import type * as A from '@automerge/automerge';
import { initialDocument, type DocName, type DocTypes } from '../domain';
import { DocumentStore, type BackgroundError, type LogStorage, type RecordEvent } from '../storage';
import type { AppDocs } from './controller';

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
  /** Every sealed record appended (the sync engine's capture). */
  onRecord?: (event: RecordEvent<DocName>) => void,
): DocumentStore<AppDocs> {
  return new DocumentStore<AppDocs>({
    storage,
    kMaster,
    documents: documents(),
    ...(onBackgroundError === undefined ? {} : { onBackgroundError }),
    ...(onRecord === undefined ? {} : { onRecord }),
  });
}
