/**
 * Sealed fixtures from a generated history, exactly as the app writes them:
 * log files (DESIGN §3.4 frames of §3.3 records over padded plaintext) sealed
 * with the app's DocumentCipher, compacted (one snapshot record per document)
 * or not (one record per change); and the same records as relay events.
 */
import * as A from '@automerge/automerge';
import { frameRecord, toBase64 } from '@cairn/shared';
import type { DocName } from '../../client/src/domain';
import { DocumentCipher, logFileName } from '../../client/src/storage';
import { eventIdOf } from '../../client/src/sync/wire';
import type { PushItem, RelayStore } from '../../relay/src/store/types.js';
import type { History } from './history.js';
import type { Identity } from '../../testkit/src/identities.js';

export const DOC_NAMES: readonly DocName[] = [
  'profile',
  'categories',
  'templates',
  'observations',
  'oneOffs',
];

function ciphers(kMaster: Uint8Array): Map<string, DocumentCipher> {
  return DocumentCipher.forDocuments(kMaster, DOC_NAMES);
}

function cipherOf(all: Map<string, DocumentCipher>, doc: DocName): DocumentCipher {
  const c = all.get(doc);
  if (c === undefined) throw new Error(`no cipher for ${doc}`);
  return c;
}

const saved = <K extends DocName>(h: History, doc: K): Uint8Array => A.save(h.docs[doc]);
const changesOf = <K extends DocName>(h: History, doc: K): Uint8Array[] =>
  A.getAllChanges(h.docs[doc]);

/** Each document's sealed records: a snapshot when compacted, else its changes. */
export function sealedRecords(
  h: History,
  kMaster: Uint8Array,
  compacted: boolean,
): Map<DocName, Uint8Array[]> {
  const all = ciphers(kMaster);
  const out = new Map<DocName, Uint8Array[]>();
  for (const doc of DOC_NAMES) {
    const cipher = cipherOf(all, doc);
    if (compacted) {
      out.set(doc, [cipher.seal({ kind: 'snapshot', snapshot: saved(h, doc) })]);
    } else if (doc === 'observations') {
      out.set(
        doc,
        h.observationChanges.map((changes) => cipher.seal({ kind: 'changes', changes })),
      );
    } else {
      out.set(doc, [cipher.seal({ kind: 'changes', changes: changesOf(h, doc) })]);
    }
  }
  return out;
}

/** The five log files, by file name. */
export function logFiles(
  h: History,
  kMaster: Uint8Array,
  compacted: boolean,
): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [doc, records] of sealedRecords(h, kMaster, compacted)) {
    files.set(logFileName(doc), Buffer.concat(records.map(frameRecord)));
  }
  return files;
}

/**
 * Stores the history on the relay as device `from` would have pushed it: every
 * change record as an event, and with `snapshots` a snapshot per stream whose
 * coversSeq is the stream's head. Straight into the store, 1,000 per transaction.
 */
export async function storeEvents(
  store: RelayStore,
  from: Identity,
  h: History,
  kMaster: Uint8Array,
  snapshots: boolean,
): Promise<void> {
  const raw = sealedRecords(h, kMaster, false);
  const snaps = snapshots ? sealedRecords(h, kMaster, true) : undefined;
  const all = ciphers(kMaster);
  const item = (doc: DocName, record: Uint8Array, coversSeq?: number): PushItem => ({
    accountId: from.accountId,
    deviceId: from.deviceId,
    streamId: toBase64(cipherOf(all, doc).streamId),
    eventId: eventIdOf(record),
    data: toBase64(record),
    bytes: record.length,
    ...(coversSeq === undefined ? {} : { coversSeq }),
  });
  const items: PushItem[] = [];
  for (const doc of DOC_NAMES) {
    const records = raw.get(doc) ?? [];
    items.push(...records.map((r) => item(doc, r)));
    const snap = snaps?.get(doc)?.[0];
    if (snap !== undefined) items.push(item(doc, snap, records.length));
  }
  for (let i = 0; i < items.length; i += 1000) {
    const outcomes = await store.append(items.slice(i, i + 1000), { quotaBytes: 2 ** 40 });
    const bad = outcomes.find((o) => !o.ok);
    if (bad !== undefined) throw new Error(`seeding the relay failed: ${JSON.stringify(bad)}`);
  }
}
