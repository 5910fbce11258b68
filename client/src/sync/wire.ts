/**
 * Event id: the first 16 bytes of SHA-256 of the sealed record. Records carry
 * a random nonce, so distinct records get distinct ids, and pushing the same
 * record again (a retry after a lost ack, a crash before the dequeue) carries
 * the same id, which the relay stores once.
 */
import { EVENT_ID_BYTES, sha256, toBase64 } from '@cairn/shared';

export function eventIdOf(record: Uint8Array): string {
  return toBase64(sha256(record).subarray(0, EVENT_ID_BYTES));
}
