/**
 * Small wire helpers of the sync layer.
 *
 * Event id: the first 16 bytes of SHA-256 of the sealed record. Records carry
 * a random nonce, so distinct records get distinct ids, and pushing the same
 * record again (a retry after a lost ack, a crash before the dequeue) carries
 * the same id, which the relay stores once.
 */
import { ACCOUNTS_PATH, EVENT_ID_BYTES, WS_PATH, sha256, toBase64 } from '@cairn/shared';

export function eventIdOf(record: Uint8Array): string {
  return toBase64(sha256(record).subarray(0, EVENT_ID_BYTES));
}

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
