import { useSyncExternalStore } from 'react';
import { useModel } from '../model-context';
import type { RecoveryControls, RecoveryView } from '../../app/features';

const noSubscribe = (): (() => void) => () => undefined;
const NONE: RecoveryView = {
  loaded: false,
  enabled: false,
  enabledAt: null,
  reminderDismissed: true,
  restoring: false,
  pending: null,
};
const none = (): RecoveryView => NONE;

/** Recovery's controls (undefined when this build has none) and its live view. */
export function useRecovery(): { controls: RecoveryControls | undefined; view: RecoveryView } {
  const controls = useModel().recovery;
  const view = useSyncExternalStore(controls?.subscribe ?? noSubscribe, controls?.view ?? none);
  return { controls, view };
}
