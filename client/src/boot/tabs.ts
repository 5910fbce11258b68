/**
 * The tabs of this profile, wired in: the browser's BroadcastChannel as the
 * `TabChannel` and its Web Locks as the `LeaderLock` (lib/platform.ts), and
 * an id for this page. Why these two and not a SharedWorker: the OPFS logs
 * are written through sync access handles, which only a dedicated worker may
 * open, so one tab must own that worker anyway; a lock held by a page is
 * released by the browser the moment the page closes or crashes, which is
 * exactly when another tab must take over; and both exist wherever OPFS does
 * (a SharedWorker does not on Chrome for Android).
 *
 * Without Web Locks or BroadcastChannel (an old or insecure context) the tab
 * leads alone, as if it were the only one.
 */
import type { LeaderLock, TabChannel } from '../lib/platform';

const CHANNEL = 'cairn-tabs';
const LOCK = 'cairn-leader';

export interface BrowserTabs {
  /** This page's id among the open tabs. */
  readonly id: string;
  readonly channel: TabChannel;
  readonly lock: LeaderLock;
}

function channel(): TabChannel {
  if (typeof BroadcastChannel === 'undefined') {
    return { post: () => undefined, listen: () => () => undefined, close: () => undefined };
  }
  const bc = new BroadcastChannel(CHANNEL);
  return {
    post: (message) => bc.postMessage(message),
    listen: (listener) => {
      const hear = (e: MessageEvent<unknown>): void => listener(e.data);
      bc.addEventListener('message', hear);
      return () => bc.removeEventListener('message', hear);
    },
    close: () => bc.close(),
  };
}

function lock(): LeaderLock {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return {
    acquire: () =>
      new Promise<void>((held) => {
        if (locks === undefined) {
          held();
          return;
        }
        // The callback's promise never settles: the lock is this page's until it goes away.
        void locks.request(LOCK, () => {
          held();
          return new Promise<never>(() => undefined);
        });
      }),
  };
}

/** 16 random hex digits (getRandomValues works in any context; randomUUID only in a secure one). */
function tabId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

export function browserTabs(): BrowserTabs {
  return { id: tabId(), channel: channel(), lock: lock() };
}
