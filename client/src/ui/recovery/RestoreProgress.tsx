import { useEffect } from 'react';
import { useModel, useSyncState } from '../model-context';
import { syncLabel } from '../shell/SyncStatus';
import { useRecovery } from './useRecovery';
import './recovery.css';

/**
 * After a restore, while sync brings the account's data in: the progress of
 * the bootstrap. The app leaves this screen by itself once the profile has
 * arrived; if sync finishes without one, onboarding continues as usual.
 */
export function RestoreProgress() {
  const { controls } = useRecovery();
  const model = useModel();
  const state = useSyncState();
  const empty = model.profile() === null;

  useEffect(() => {
    if (state.kind === 'synced' && empty) void controls?.finishRestore();
  }, [state.kind, empty, controls]);

  return (
    <section
      className="card stack restore-progress"
      aria-labelledby="restore-progress-title"
      data-testid="restore-progress"
    >
      <h2 id="restore-progress-title">Restoring your data</h2>
      <p className="muted">
        This device has joined your account. Your habits and check-ins are on their way from the
        relay.
      </p>
      {state.kind === 'syncing' && state.total > 0 ? (
        <progress max={state.total} value={state.done} aria-label="Restoring" />
      ) : (
        <progress aria-label="Restoring" />
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
