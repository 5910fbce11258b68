/**
 * A lazily loaded part of the app, shown once its chunk is here (a quiet
 * "Loading…" meanwhile), and a clear message with a reload when the chunk
 * cannot arrive (offline before the service worker's first precache).
 */
import { Component, Suspense, type ReactNode } from 'react';
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

/** Shows `children` once their chunk is here; a quiet line meanwhile. */
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
        {props.children}
      </Suspense>
    </ChunkBoundary>
  );
}
