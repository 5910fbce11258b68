/**
 * Stream id (canonical base64, as on the wire) → document name, for the
 * documents this device holds. Derived from K_master alone (DESIGN §3.1), so
 * the outbox has it before any document store exists.
 */
import { streamId, toBase64 } from '@cairn/shared';

export type Streams = ReadonlyMap<string, string>;

export function streamsOf(kMaster: Uint8Array, documentNames: readonly string[]): Streams {
  return new Map(documentNames.map((name) => [toBase64(streamId(kMaster, name)), name]));
}
