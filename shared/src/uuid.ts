/** Account ids are UUIDs on the wire and 16 bytes inside sealed blobs. */
import { fromHex, toHex } from './bytes.js';
import { CairnError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export function uuidToBytes(id: string): Uint8Array {
  if (!UUID.test(id)) throw new CairnError('bad-account-id', 'account id must be a lowercase UUID');
  return fromHex(id.replaceAll('-', ''));
}

export function bytesToUuid(b: Uint8Array): string {
  if (b.length !== 16) throw new CairnError('bad-account-id', 'account id must be 16 bytes');
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random (version 4) UUID from the given bytes, so callers control randomness. */
export function uuidV4(random16: Uint8Array): string {
  const b = Uint8Array.from(random16.subarray(0, 16));
  if (b.length !== 16) throw new RangeError('uuidV4 needs 16 random bytes');
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return bytesToUuid(b);
}
