/**
 * Log framing — DESIGN §3.4.
 *
 *   frame = u32_le(len(record)) ‖ record
 *
 * A log is frames back to back. A crash mid-append leaves a torn tail: a length
 * prefix, or a record, cut short. `parseFrames` returns every whole frame and
 * the byte length they cover, so the caller truncates the file there. It never
 * judges record contents; authentication is the reader's next step.
 */
import { u32le } from './bytes.js';

export const FRAME_HEADER_BYTES = 4;

export function frameRecord(record: Uint8Array): Uint8Array {
  if (record.length > 0xffffffff) throw new RangeError('record too large to frame');
  const out = new Uint8Array(FRAME_HEADER_BYTES + record.length);
  out.set(u32le(record.length), 0);
  out.set(record, FRAME_HEADER_BYTES);
  return out;
}

export interface ParsedFrames {
  /** Whole records in log order; views into the input, copy before mutating it. */
  records: Uint8Array[];
  /** Bytes covered by whole frames: truncate the log here to drop a torn tail. */
  validLength: number;
  /** Bytes after `validLength` (0 when the log ends cleanly). */
  tornBytes: number;
}

export function parseFrames(bytes: Uint8Array): ParsedFrames {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at + FRAME_HEADER_BYTES <= bytes.length) {
    const len = view.getUint32(at, true);
    const end = at + FRAME_HEADER_BYTES + len;
    if (end > bytes.length) break;
    records.push(bytes.subarray(at + FRAME_HEADER_BYTES, end));
    at = end;
  }
  return { records, validLength: at, tornBytes: bytes.length - at };
}
