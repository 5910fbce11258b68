/** Byte fields of the pairing messages: canonical base64 of an exact length. */
import * as v from 'valibot';
import { fromBase64 } from '../bytes.js';

/** Canonical base64 of exactly `n` bytes → Uint8Array. */
export const Base64Bytes = (n: number) =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const bytes = fromBase64(dataset.value);
      if (bytes === undefined || bytes.length !== n) {
        addIssue({ message: `expected base64 of ${n} bytes` });
        return NEVER;
      }
      return bytes;
    }),
  );
