import { useSyncState } from '../model-context';
import { syncLabel } from '../shell/SyncStatus';
import { RemovedChoices } from './Removed';
import './devices.css';

/**
 * True on a device that joined an account by pairing and is still bringing
 * the account's data in: there is no profile yet, but sync is on (which only
 * pairing or a restore turns on before onboarding) and has not caught up.
 */
export function useJoining(): boolean {
  const state = useSyncState();
  return state.kind !== 'local' && state.kind !== 'synced';
}

/** The bootstrap after pairing: newest snapshots, then events, with a progress bar. */
export function JoinProgress() {
  const state = useSyncState();
  if (state.kind === 'refused' && state.reason === 'revoked') {
    // Removed before its data arrived: the same ways forward as any removed device.
    return (
      <section className="card stack">
        <RemovedChoices />
      </section>
    );
  }
  return (
    <section className="card stack join-progress" aria-labelledby="join-progress-title">
      <h2 id="join-progress-title">Getting your data</h2>
      <p className="muted">
        This device has joined your account. Your habits and check-ins are on their way from the
        relay.
      </p>
      {state.kind === 'syncing' && state.total > 0 ? (
        <progress max={state.total} value={state.done} aria-label="Getting your data" />
      ) : (
        <progress aria-label="Getting your data" />
      )}
      <p role="status" aria-live="polite">
        {syncLabel(state)}
      </p>
      {state.kind === 'refused' && (
        <p className="error" role="alert">
          {state.message}
        </p>
      )}
    </section>
  );
}
