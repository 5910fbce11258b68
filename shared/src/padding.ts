/**
 * Size padding — DESIGN §3.7.
 *
 * ISO/IEC 7816-4 padding (0x80 then zeros, libsodium's `sodium_pad`) to the
 * smallest bucket holding len + 1 bytes. Buckets: multiples of 256 up to 4096,
 * then multiples of 4096. So 0..255 bytes → 256, 256 → 512, 4095 → 4096,
 * 4096 → 8192. `unpad` rejects lengths that are not a bucket and malformed
 * padding with `bad-padding`.
 */
import { CairnError } from './errors.js';
import { sodium } from './sodium.js';

const SMALL_BLOCK = 256;
const LARGE_BLOCK = 4096;

/** The padded size for a plaintext of `length` bytes. */
export function paddedLength(length: number): number {
  const block = length + 1 <= LARGE_BLOCK ? SMALL_BLOCK : LARGE_BLOCK;
  return Math.ceil((length + 1) / block) * block;
}

export function pad(plaintext: Uint8Array): Uint8Array {
  const block = plaintext.length + 1 <= LARGE_BLOCK ? SMALL_BLOCK : LARGE_BLOCK;
  return sodium().pad(plaintext, block);
}

export function unpad(padded: Uint8Array): Uint8Array {
  const n = padded.length;
  const isBucket = n > 0 && (n <= LARGE_BLOCK ? n % SMALL_BLOCK === 0 : n % LARGE_BLOCK === 0);
  if (!isBucket) throw new CairnError('bad-padding', `padded length ${n} is not a padding bucket`);
  try {
    return sodium().unpad(padded, n <= LARGE_BLOCK ? SMALL_BLOCK : LARGE_BLOCK);
  } catch {
    throw new CairnError('bad-padding', 'padding is malformed');
  }
}
