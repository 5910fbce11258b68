import { useEffect, useState } from 'react';
import { AppProvider } from './model-context';
import type { AppModel } from '../app/model';
import { App } from './App';
import { AnnouncerProvider } from './common/Announcer';

type BootState =
  { kind: 'opening' } | { kind: 'ready'; model: AppModel } | { kind: 'failed'; message: string };

/**
 * Opens local storage once, then shows the app. Opening reads the logs from this device
 * (no network), so it takes a moment only on the first paint.
 */
export function Boot(props: { open: () => Promise<AppModel>; reload: () => void }) {
  const [state, setState] = useState<BootState>({ kind: 'opening' });
  const { open } = props;
  useEffect(() => {
    let live = true;
    open().then(
      (model) => live && setState({ kind: 'ready', model }),
      (err: unknown) =>
        live &&
        setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [open]);

  switch (state.kind) {
    case 'opening':
      return (
        <main className="boot" aria-busy="true">
          <p className="muted">Opening Cairn…</p>
        </main>
      );
    case 'failed':
      return (
        <main className="boot">
          <div className="card stack" role="alert">
            <h1>Cairn could not open its storage</h1>
            <p>{state.message}</p>
            <p className="muted">
              Your data has not been changed. Close other Cairn tabs and reload; private browsing
              windows may not offer the storage Cairn needs.
            </p>
            <div>
              <button type="button" className="primary" onClick={props.reload}>
                Reload
              </button>
            </div>
          </div>
        </main>
      );
    case 'ready':
      return (
        <AppProvider model={state.model}>
          <AnnouncerProvider>
            <App />
          </AnnouncerProvider>
        </AppProvider>
      );
  }
}
