/** Vectors for DESIGN §3.7: bucket sizes at the edges, and one padded plaintext. */
import { pad, paddedLength, ready } from '../../shared/src/index.js';
import { vectorBlock } from './_format.js';

const LENGTHS = [0, 1, 255, 256, 511, 512, 4094, 4095, 4096, 8191, 8192, 10000];

export const blocks = {
  async padding() {
    await ready();
    const example = Uint8Array.of(0x61, 0x62, 0x63);
    return vectorBlock([
      'plaintext length → padded length',
      ...LENGTHS.map((n) => [`padded_length(${n})`, paddedLength(n)] as const),
      'padding the 3 bytes "abc"',
      ['plaintext', example],
      ['padded', pad(example)],
    ]);
  },
};
