import { useSyncExternalStore } from 'react';
import { Observable } from '../../lib/observable';

export const routes = ['today', 'habits', 'history', 'settings'] as const;
export type Route = (typeof routes)[number];

function current(): Route {
  const name = window.location.hash.replace(/^#\/?/, '');
  return routes.find((r) => r === name) ?? 'today';
}

let route: Observable<Route> | undefined;

/** The route as an observable, fed by `hashchange` from its first use on. */
function routeObservable(): Observable<Route> {
  if (route === undefined) {
    const r = new Observable<Route>(current());
    window.addEventListener('hashchange', () => r.set(current()));
    route = r;
  }
  return route;
}

/** The screen shown, kept in the URL hash so reload and back keep their place. */
export function useRoute(): Route {
  const r = routeObservable();
  return useSyncExternalStore(r.subscribe, r.get);
}
