import { useModel, useSyncState } from '../model-context';
import { useRoute } from '../shell/route';

/** True while the relay refuses this device because another device removed it. */
export function useRemoved(): boolean {
  const state = useSyncState();
  return state.kind === 'refused' && state.reason === 'revoked';
}

/** On every screen of a removed device: what happened, and where the choices are. */
export function RemovedBanner() {
  const removed = useRemoved();
  const route = useRoute(useModel().shell);
  // Settings shows the choices themselves (Devices).
  if (!removed || route === 'settings') return null;
  return (
    <aside className="banner banner-warning" aria-label="Device removed">
      <p>
        This device was removed from your account. Sync is stopped; your data is still here.{' '}
        <a href="#/settings">See your choices</a>
      </p>
    </aside>
  );
}
