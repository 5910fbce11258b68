import { useEffect } from 'react';
import { useSyncState } from '../model-context';
import { useRecovery } from './useRecovery';
import './recovery.css';

/**
 * A gentle, dismissable nudge, shown while sync is on and recovery is off.
 * (It also ends a finished restore: the data is here once sync is synced.)
 */
export function RecoveryReminder() {
  const { controls, view } = useRecovery();
  const sync = useSyncState();
  const syncOn = sync.kind !== 'local';

  useEffect(() => {
    if (view.restoring && sync.kind === 'synced') void controls?.finishRestore();
  }, [view.restoring, sync.kind, controls]);

  if (controls === undefined || !view.loaded || view.enabled || view.reminderDismissed || !syncOn) {
    return null;
  }
  return (
    <aside className="banner banner-reminder" aria-label="Recovery reminder">
      <p>
        <span>If you lose every device, a recovery phrase is the only way back to your data.</span>
        <a href="#/settings">Set up a recovery phrase</a>
        <button type="button" className="link" onClick={() => void controls.dismissReminder()}>
          Not now
        </button>
      </p>
    </aside>
  );
}
