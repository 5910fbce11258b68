/**
 * The documents as the app reads and writes them, whichever tab it runs in:
 * `DocumentStore` (the leader's, over the logs) and `FollowerStore` (a
 * follower's, through the leader) both are one, and `TabStore` switches a
 * tab from the second to the first when it takes the lead. `transact` is the
 * one write path everywhere.
 */
import * as A from '@automerge/automerge';
import { err, ok, type Result } from '@cairn/shared/result';
import type { DocumentStore } from '../document-store';
import type { StorageError } from '../log-storage';

export type DocumentMap = Record<string, unknown>;

export type Documents<D extends DocumentMap> = Pick<
  DocumentStore<D>,
  'documentNames' | 'doc' | 'transact' | 'change' | 'subscribe' | 'acknowledgeProblems'
>;

/**
 * The command a follower's write runs on the leader, through `transact`:
 * apply the follower's changes. Idempotent: a change already in the document
 * is skipped, so a write applied before (by this leader or the one that died
 * before acknowledging it) writes nothing. Checked before anything is
 * applied: every change must decode, and each one's dependencies must be in
 * the document or earlier in the write, or nothing is applied.
 */
export function applyWrite<T>(
  changes: readonly Uint8Array[],
): (doc: A.Doc<T>) => Result<A.Doc<T>, StorageError> {
  return (doc) => {
    const fresh: Uint8Array[] = [];
    const earlier = new Set<string>();
    for (const change of changes) {
      let decoded: A.DecodedChange;
      try {
        decoded = A.decodeChange(change);
      } catch {
        return err({ code: 'io', message: 'a tab sent a change that does not decode' });
      }
      if (A.hasHeads(doc, [decoded.hash])) continue;
      for (const dep of decoded.deps) {
        if (!earlier.has(dep) && !A.hasHeads(doc, [dep])) {
          return err({ code: 'io', message: 'a tab wrote over changes the leader does not have' });
        }
      }
      earlier.add(decoded.hash);
      fresh.push(change);
    }
    if (fresh.length === 0) return ok(doc);
    const [after] = A.applyChanges(doc, fresh);
    return ok(after);
  };
}
