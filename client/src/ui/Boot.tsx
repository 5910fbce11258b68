import { useEffect, useState } from 'react';
import { AppProvider } from './model-context';
import type { AppModel } from '../app/model';
import { App } from './App';
import { AnnouncerProvider, useAnnouncer } from './common/Announcer';
import { OpeningProvider } from './lazy';

type BootState =
  | { kind: 'opening' }
  | { kind: 'first-visit'; model: AppModel; opening: Promise<AppModel> }
  | { kind: 'ready'; model: AppModel }
  | { kind: 'failed'; message: string };

export interface BootProps {
  /** Opens the app (the same promise however often it is called). */
  open: () => Promise<AppModel>;
  /** The device holds nothing of Cairn's: onboarding need not wait for the app. */
  firstVisit: boolean;
  /** The model onboarding works with meanwhile; its actions wait for `opening`. */
  pending: (opening: Promise<AppModel>, onWait: () => void) => AppModel;
  reload: () => void;
}

/** Says once that an action is waiting for the app to open (a first visit's early Start). */
function WaitingNote(props: { waiting: boolean }) {
  const { say } = useAnnouncer();
  useEffect(() => {
    if (props.waiting) say('Getting Cairn ready on this device…');
  }, [props.waiting, say]);
  return null;
}

/**
 * Opens local storage once, then shows the app. Opening reads the logs from this device
 * (no network), so it takes a moment only on the first paint. On a first visit there is
 * nothing to read: onboarding shows at once, on a model whose actions wait for the app,
 * while the app's code, Automerge's WASM and the crypto core load behind it.
 */
export function Boot(props: BootProps) {
  const [waiting, setWaiting] = useState(false);
  const [state, setState] = useState<BootState>(() => {
    if (!props.firstVisit) return { kind: 'opening' };
    const opening = props.open();
    return { kind: 'first-visit', model: props.pending(opening, () => setWaiting(true)), opening };
  });
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
    case 'first-visit':
    case 'ready':
      // One tree for both, so the form typed into on a first visit stays as it is when the
      // app opens underneath it.
      return (
        <OpeningProvider value={state.kind === 'first-visit' ? state.opening : null}>
          <AppProvider model={state.model}>
            <AnnouncerProvider>
              <App />
              <WaitingNote waiting={waiting && state.kind === 'first-visit'} />
            </AnnouncerProvider>
          </AppProvider>
        </OpeningProvider>
      );
  }
}
