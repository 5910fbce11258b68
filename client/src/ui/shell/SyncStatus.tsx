import { useSyncState } from '../model-context';
import type { SyncState } from '../../app/types';

const number = new Intl.NumberFormat('en');

const REFUSED: Record<string, string> = {
  revoked: 'Sync stopped · device removed',
  quota: 'Sync paused · relay full',
};

export function syncLabel(state: SyncState): string {
  switch (state.kind) {
    case 'local':
      return 'Local only';
    case 'synced':
      return 'Synced';
    case 'syncing':
      // Totals are unknown for the moment between connecting and the relay's answer.
      return state.total === 0
        ? 'Syncing…'
        : `Syncing ${number.format(state.done)} / ${number.format(state.total)}`;
    case 'connecting':
      return 'Connecting…';
    case 'offline':
      return `Offline · ${number.format(state.queued)} queued`;
    case 'refused':
      return REFUSED[state.reason] ?? 'Sync stopped';
  }
}

/** The always-visible sync status; the sync engine feeds it through AppProvider. */
export function SyncStatus() {
  const state = useSyncState();
  return (
    <p
      className={`sync sync-${state.kind}`}
      role="status"
      aria-live="polite"
      title={state.kind === 'refused' ? state.message : undefined}
    >
      <span className="sync-dot" aria-hidden="true" />
      {syncLabel(state)}
      {state.kind === 'syncing' && state.total > 0 && (
        <progress
          className="sync-progress"
          max={state.total}
          value={state.done}
          aria-hidden="true"
        />
      )}
    </p>
  );
}
