/**
 * A lazily loaded part of the app, shown once its chunk is here (a quiet
 * "Loading…" meanwhile), and a clear message with a reload when the chunk
 * cannot arrive (offline before the service worker's first precache).
 * On a first visit onboarding is shown while the app is still opening
 * (ui/Boot.tsx); a part shown through `Loaded` then waits for it too, so it
 * only ever runs on the open app.
 */
import { Component, createContext, Suspense, use, useContext, type ReactNode } from 'react';
import { useModel } from '../model-context';

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
