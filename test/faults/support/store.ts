/**
 * A small two-document store for the storage and delivery suites: the app's
 * DocumentStore over MemoryLogStorage, with documents simple enough that the
 * expected state of any schedule can be computed independently.
 */
import * as A from '@automerge/automerge';
import { fromHex } from '@cairn/shared';
import {
  DocumentStore,
  logFileName,
  type DocLoadReport,
  type DocumentStoreOptions,
} from '../../../client/src/storage/document-store';
import type { MemoryLogStorage } from '../../../client/src/storage/memory-log-storage';
import { DocumentCipher } from '../../../client/src/storage/sealed-log';

export const K_MASTER = fromHex('4661756c74207375697465206b6579202d2066697865642c206e6f7420726561');

/** Values are ImmutableStrings: plain strings would be collaborative text, an op per character. */
export interface Notes {
  items: Record<string, A.ImmutableString>;
}
export type Docs = { notes: Notes; habits: Notes };
export type DocName = keyof Docs;
export const DOC_NAMES: readonly DocName[] = ['notes', 'habits'];

const GENESIS = 'c0ffee00c0ffee00c0ffee00c0ffee00';

/** Deterministic: every device starts from the same initial change. */
export const initial = (): A.Doc<Notes> =>
  A.change(A.init<Notes>({ actor: GENESIS }), { time: 0 }, (d) => {
    d.items = {};
  });

export function makeStore(
  storage: MemoryLogStorage,
  extra: Partial<DocumentStoreOptions<Docs>> = {},
): DocumentStore<Docs> {
  return new DocumentStore<Docs>({
    storage,
    kMaster: K_MASTER,
    documents: { notes: initial, habits: initial },
    ...extra,
  });
}

export async function loadStore(
  storage: MemoryLogStorage,
  extra: Partial<DocumentStoreOptions<Docs>> = {},
): Promise<{ store: DocumentStore<Docs>; reports: DocLoadReport[] }> {
  const store = makeStore(storage, extra);
  const loaded = await store.load();
  if (!loaded.ok) throw new Error(`load failed: ${loaded.error.code}`);
  return { store, reports: loaded.value };
}

/** Another device's changes as it would have pushed them: one record, sealed under K_MASTER. */
export function sealChanges(doc: DocName, changes: readonly Uint8Array[]): Uint8Array {
  const cipher = DocumentCipher.forDocuments(K_MASTER, [doc]).get(doc);
  if (cipher === undefined) throw new Error(`no cipher for ${doc}`);
  return cipher.seal({ kind: 'changes', changes: [...changes] });
}

export const imm = (value: string): A.ImmutableString => new A.ImmutableString(value);

/** Plain materialised state of a document. */
export function itemsOf(doc: A.Doc<Notes>): Record<string, string> {
  const out: Record<string, string> = {};
  // A document whose first record was lost (held back, or damaged) has no `items` yet.
  const items: Readonly<Record<string, A.ImmutableString>> | undefined = doc.items;
  for (const [k, v] of Object.entries(items ?? {})) out[k] = v.toString();
  return out;
}

export function logBytes(storage: MemoryLogStorage, doc: DocName): Uint8Array {
  return storage.memory.bytes(logFileName(doc)) ?? new Uint8Array(0);
}

/** A value whose size spreads records over several padding buckets (§3.7). */
export function valueOf(tag: string, size: number): string {
  return `${tag}:`.padEnd(Math.max(size, tag.length + 1), '.');
}
