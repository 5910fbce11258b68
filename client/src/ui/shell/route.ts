import { useSyncExternalStore } from 'react';

export const routes = ['today', 'habits', 'history', 'settings'] as const;
export type Route = (typeof routes)[number];

function current(): Route {
  const name = window.location.hash.replace(/^#\/?/, '');
  return routes.find((r) => r === name) ?? 'today';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** The screen shown, kept in the URL hash so reload and back keep their place. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, current);
}
