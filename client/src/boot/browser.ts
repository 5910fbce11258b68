/**
 * The browser, wired in: the only client code (besides the storage
 * adapters) that touches `window`, `navigator`, `document`, `fetch` or
 * `WebSocket`. Each piece is handed to the app as a port: the socket
 * factory, the network's up/down as an observable, the page's origin and
 * navigator, and the shell (reload, print, clipboard, download, camera, the
 * hash route).
 */
import type { ShellControls } from '../app/shell';
import type { NavigatorLike } from '../device/label';
import { Observable, type ReadonlyObservable } from '../lib/observable';
import type { SocketFactory } from '../lib/platform';
import { browserTabs, type BrowserTabs } from './tabs';

/** The browser's WebSocket. */
export const browserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  let closed = false;
  const closeOnce = (code: number, reason: string): void => {
    if (closed) return;
    closed = true;
    handlers.close(code, reason);
  };
  ws.onopen = () => handlers.open();
  ws.onmessage = (e: MessageEvent<unknown>) => {
    if (typeof e.data === 'string') handlers.message(e.data);
    else handlers.binary();
  };
  // An error is always followed by a close event, which carries the code.
  ws.onerror = () => undefined;
  ws.onclose = (e) => closeOnce(e.code, e.reason);
  return {
    send(text) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close(code, reason);
    },
  };
};

/** What boot/compose.ts takes from the page. */
export interface BrowserPage {
  readonly origin: string;
  readonly navigator: NavigatorLike;
  /** `online`/`offline` events, from `navigator.onLine`. */
  readonly network: ReadonlyObservable<boolean>;
  readonly connect: SocketFactory;
  readonly fetch: typeof fetch;
  readonly shell: ShellControls;
  /** The other tabs of this profile: the channel to them, the leader lock, this tab's id. */
  readonly tabs: BrowserTabs;
}

function networkObservable(): ReadonlyObservable<boolean> {
  const up = new Observable(navigator.onLine);
  window.addEventListener('online', () => up.set(true));
  window.addEventListener('offline', () => up.set(false));
  return up;
}

const hashRoute = (): string => window.location.hash.replace(/^#\/?/, '');

function routeObservable(): ReadonlyObservable<string> {
  const route = new Observable(hashRoute());
  window.addEventListener('hashchange', () => route.set(hashRoute()));
  return route;
}

function print(bodyClass: string): void {
  const body = document.body;
  const done = (): void => {
    body.classList.remove(bodyClass);
    window.removeEventListener('afterprint', done);
  };
  body.classList.add(bodyClass);
  window.addEventListener('afterprint', done);
  window.print();
}

function download(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function browserShell(): ShellControls {
  return {
    reload: () => window.location.reload(),
    restart: () => {
      window.location.hash = '';
      window.location.reload();
    },
    print,
    copy: async (text) => {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        return false;
      }
    },
    download,
    camera: {
      available: typeof navigator.mediaDevices?.getUserMedia === 'function',
      open: () =>
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
    },
    route: routeObservable(),
  };
}

/** The page this app runs in, once. */
export function browserPage(): BrowserPage {
  return {
    origin: window.location.origin,
    navigator,
    network: networkObservable(),
    connect: browserSocket,
    fetch: (input, init) => fetch(input, init),
    shell: browserShell(),
    tabs: browserTabs(),
  };
}
