/**
 * Building a document from its opened log (document-store.ts): the last
 * snapshot as the base, then every change in one batch; if Automerge rejects the
 * batch (bytes that authenticated yet are not valid Automerge), the slow path
 * finds and reports the offending records.
 */
import * as A from '@automerge/automerge';
import type { OpenedLog, RecordProblem } from './sealed-log';

export const changeHash = (change: Uint8Array): string => A.decodeChange(change).hash;

/** A fixed actor when the app gives one, else Automerge picks a random one. */
export const actorOptions = (actor: string | undefined): { actor?: string } =>
  actor === undefined ? {} : { actor };

export function hasPending(doc: A.Doc<unknown>): boolean {
  return A.getMissingDeps(doc, A.getHeads(doc)).length > 0;
}

/**
 * The slow path, for bytes that authenticated yet Automerge rejects (only a
 * buggy or hostile device holding the keys can write them): one change at a
 * time, each on a copy, so a rejected change cannot damage the document.
 */
export function applyOneByOne<T>(
  start: A.Doc<T>,
  changes: readonly Uint8Array[],
  actor: string | undefined,
): { doc: A.Doc<T>; rejected: Set<number> } {
  let doc = start;
  const rejected = new Set<number>();
  changes.forEach((change, i) => {
    try {
      [doc] = A.applyChanges(A.clone(doc, actorOptions(actor)), [change]);
    } catch {
      rejected.add(i);
    }
  });
  return { doc, rejected };
}

const loadSnapshot = <T>(bytes: Uint8Array, actor: string | undefined): A.Doc<T> =>
  A.load<T>(bytes, { ...actorOptions(actor), allowMissingChanges: true });

export interface Built<T> {
  doc: A.Doc<T>;
  unpersisted: Uint8Array[];
  pendingLogged: Set<string>;
  problems: RecordProblem[];
}

/** Builds a document from an opened log: last snapshot, then every change in one batch. */
export function buildDocument<T>(
  name: string,
  log: OpenedLog,
  initial: () => A.Doc<T>,
  actor: string | undefined,
): Built<T> {
  const problems: RecordProblem[] = [];
  // The newest loadable snapshot is the base. It is loaded once, with our actor:
  // loading is most of a cold start, so it must not happen twice.
  let loaded: A.Doc<T> | undefined;
  let snapshot: Uint8Array | undefined;
  let baseIndex = -1;
  for (let i = log.records.length - 1; i >= 0 && loaded === undefined; i -= 1) {
    const r = log.records[i];
    if (r === undefined || r.payload.kind !== 'snapshot') continue;
    try {
      loaded = loadSnapshot<T>(r.payload.snapshot, actor);
      snapshot = r.payload.snapshot;
      baseIndex = r.index;
    } catch {
      problems.push({ doc: name, index: r.index, code: 'bad-automerge' });
    }
  }
  const changes: Uint8Array[] = [];
  const recordOf: number[] = [];
  for (const r of log.records) {
    if (r.index === baseIndex || problems.some((p) => p.index === r.index)) continue;
    let recordChanges: readonly Uint8Array[];
    if (r.payload.kind === 'changes') {
      recordChanges = r.payload.changes;
    } else {
      // An older snapshot, received from another device: merge its history.
      try {
        recordChanges = A.getAllChanges(A.load(r.payload.snapshot, { allowMissingChanges: true }));
      } catch {
        problems.push({ doc: name, index: r.index, code: 'bad-automerge' });
        continue;
      }
    }
    for (const c of recordChanges) {
      changes.push(c);
      recordOf.push(r.index);
    }
  }
  if (loaded === undefined && changes.length === 0) {
    // initial() has a fixed actor so devices agree on it; our edits need our own.
    const fresh = A.clone(initial(), actorOptions(actor));
    return { doc: fresh, unpersisted: A.getAllChanges(fresh), pendingLogged: new Set(), problems };
  }
  let doc: A.Doc<T>;
  try {
    // A compacted log is a snapshot alone: nothing to apply.
    const start = loaded ?? A.init<T>(actorOptions(actor));
    [doc] = changes.length === 0 ? [start] : A.applyChanges(start, changes);
  } catch {
    // A rejected batch may have left the base half-applied: start again from its bytes.
    const base =
      snapshot === undefined ? A.init<T>(actorOptions(actor)) : loadSnapshot<T>(snapshot, actor);
    const tolerant = applyOneByOne(base, changes, actor);
    doc = tolerant.doc;
    const bad = new Set([...tolerant.rejected].map((i) => recordOf[i] ?? -1));
    for (const index of bad) problems.push({ doc: name, index, code: 'bad-automerge' });
  }
  const pendingLogged = new Set<string>();
  if (hasPending(doc)) {
    for (const c of changes) {
      const h = changeHash(c);
      if (!A.hasHeads(doc, [h])) pendingLogged.add(h);
    }
  }
  return { doc, unpersisted: [], pendingLogged, problems };
}
