/** Byte fields of the pairing messages: canonical base64 of an exact length. */
import * as v from 'valibot';
import { fromBase64 } from '../bytes.js';

/** Canonical base64 of exactly `n` bytes → Uint8Array; the length is checked before the characters. */
export const Base64Bytes = (n: number) =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const bytes =
        dataset.value.length === Math.ceil(n / 3) * 4 ? fromBase64(dataset.value) : undefined;
      if (bytes === undefined || bytes.length !== n) {
        addIssue({ message: `expected base64 of ${n} bytes` });
        return NEVER;
      }
      return bytes;
    }),
  );
