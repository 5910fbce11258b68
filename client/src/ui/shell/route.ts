import { useSyncExternalStore } from 'react';
import type { ShellControls } from '../../app/shell';

export const routes = ['today', 'habits', 'history', 'settings'] as const;
export type Route = (typeof routes)[number];

const noSubscribe = (): (() => void) => () => undefined;
const noRoute = (): string => '';

/** The screen shown, kept in the URL hash (model.shell) so reload and back keep their place. */
export function useRoute(shell: ShellControls | undefined): Route {
  const name = useSyncExternalStore(
    shell?.route.subscribe ?? noSubscribe,
    shell?.route.get ?? noRoute,
  );
  return routes.find((r) => r === name) ?? 'today';
}
