/** Which queued records go out together: the oldest, as many as one push window holds. */
import type { QueueEntry } from '../../storage/sync-state';

/** Pushes in flight at once, and their base64 bytes. */
export const PUSH_WINDOW = 256;
export const PUSH_WINDOW_BYTES = 2 * 1024 * 1024;

/** The oldest entries that fit one push window. */
export function windowOf(entries: readonly QueueEntry[]): QueueEntry[] {
  const out: QueueEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    // A compaction snapshot waits until everything queued before it is
    // acknowledged: only then does its cover reach past those events.
    if (out.length > 0 && e.coversSeq !== undefined) break;
    if (out.length > 0 && bytes + e.data.length > PUSH_WINDOW_BYTES) break;
    out.push(e);
    bytes += e.data.length;
    if (out.length >= PUSH_WINDOW) break;
  }
  return out;
}
