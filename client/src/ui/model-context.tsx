import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { AppModel } from '../app/model';
import type { SyncState } from '../app/types';

const ModelContext = createContext<AppModel | null>(null);
const SyncContext = createContext<SyncState>({ kind: 'local' });

export function AppProvider(props: { model: AppModel; sync?: SyncState; children: ReactNode }) {
  return (
    <ModelContext.Provider value={props.model}>
      <SyncContext.Provider value={props.sync ?? { kind: 'local' }}>
        {props.children}
      </SyncContext.Provider>
    </ModelContext.Provider>
  );
}

/** The app model; the calling component re-renders after every change. */
export function useModel(): AppModel {
  const model = useContext(ModelContext);
  if (model === null) throw new Error('useModel outside <AppProvider>');
  useSyncExternalStore(model.subscribe, model.version);
  return model;
}

const noSubscribe = (): (() => void) => () => undefined;

/** What the sync engine reports; "Local only" until a relay is set up. */
export function useSyncState(): SyncState {
  const given = useContext(SyncContext);
  const sync = useContext(ModelContext)?.sync;
  const live = useSyncExternalStore(sync?.subscribe ?? noSubscribe, sync?.state ?? (() => given));
  return sync === undefined ? given : live;
}
