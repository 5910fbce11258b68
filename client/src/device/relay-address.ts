/**
 * A relay's addresses, from the one URL the user gives: the canonical form
 * (origin and path, no trailing slash), its WebSocket URL and its
 * registration route. A relay behind a path prefix keeps it.
 */
import { ACCOUNTS_PATH, WS_PATH } from '@cairn/shared';

/** A relay URL in canonical form (origin and path, no trailing slash), or undefined. */
export function normaliseRelayUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return undefined;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The relay's WebSocket URL (a relay behind a path prefix keeps it). */
export function webSocketUrl(relayUrl: string): string | undefined {
  const base = normaliseRelayUrl(relayUrl);
  return base === undefined ? undefined : `${base.replace(/^http/, 'ws')}${WS_PATH}`;
}

/** The registration route of a relay. */
export function accountsUrl(relayUrl: string): string | undefined {
  const base = normaliseRelayUrl(relayUrl);
  return base === undefined ? undefined : `${base}${ACCOUNTS_PATH}`;
}
