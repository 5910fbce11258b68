/**
 * The screens that Today does not need, each built as a chunk of its own and
 * fetched the first time it is shown: History (charts), Habits, Settings
 * (devices and their QR codes, the recovery phrase, export and import), and
 * onboarding's two other ways in (joining by pairing, with the QR scanner;
 * restoring from a phrase, with the word list). The first load carries Today
 * and onboarding only; the service worker precaches the rest once the app is
 * open, so every screen still opens offline after the first visit.
 *
 * On a first visit onboarding is shown while the app is still opening
 * (ui/Boot.tsx); a screen shown through `Loaded` then waits for it too, so it
 * only ever runs on the open app.
 */
import { Component, createContext, lazy, Suspense, use, useContext, type ReactNode } from 'react';
import { useModel } from './model-context';

export const HistoryView = lazy(() =>
  import('./history/HistoryView').then((m) => ({ default: m.HistoryView })),
);
export const HabitsView = lazy(() =>
  import('./habits/HabitsView').then((m) => ({ default: m.HabitsView })),
);
export const SettingsView = lazy(() =>
  import('./settings/SettingsView').then((m) => ({ default: m.SettingsView })),
);
export const JoinDevice = lazy(() =>
  import('./devices/JoinDevice').then((m) => ({ default: m.JoinDevice })),
);
export const RestoreFromPhrase = lazy(() =>
  import('./recovery/RestoreFromPhrase').then((m) => ({ default: m.RestoreFromPhrase })),
);

function NotLoaded() {
  const shell = useModel().shell;
  return (
    <div className="card stack" role="alert">
      <p>This part of Cairn could not be loaded. Check the connection, then reload.</p>
      {shell !== undefined && (
        <div>
          <button type="button" className="primary" onClick={shell.reload}>
            Reload
          </button>
        </div>
      )}
    </div>
  );
}

/** A chunk that failed to arrive (offline before the first precache): say so, offer a reload. */
class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <NotLoaded /> : this.props.children;
  }
}

/** The app still opening behind a first visit's onboarding (ui/Boot.tsx); null once open. */
const Opening = createContext<Promise<unknown> | null>(null);
export const OpeningProvider = Opening.Provider;

/** Suspends while the app is opening. */
function WhenOpen(props: { children: ReactNode }) {
  const opening = useContext(Opening);
  if (opening !== null) use(opening);
  return props.children;
}

/** Shows `children` once their chunk is here and the app is open; a quiet line meanwhile. */
export function Loaded(props: { children: ReactNode }) {
  return (
    <ChunkBoundary>
      <Suspense
        fallback={
          <p className="muted" role="status">
            Loading…
          </p>
        }
      >
        <WhenOpen>{props.children}</WhenOpen>
      </Suspense>
    </ChunkBoundary>
  );
}
