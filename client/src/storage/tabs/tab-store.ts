/**
 * The documents of one tab, whatever its role: a follower's `FollowerStore`
 * until the tab takes the lead, then the `DocumentStore` it opened over the
 * logs. The app holds this one object throughout; `lead` switches what it
 * reads and writes, and tells every subscriber each document anew (`load`),
 * so what the tab shows follows the store it now reads.
 */
import type * as A from '@automerge/automerge';
import type { Result } from '@cairn/shared/result';
import type { DocumentEvent } from '../document-store';
import type { StorageError } from '../log-storage';
import type { DocumentMap, Documents } from './documents';

type Name<D> = keyof D & string;

export class TabStore<D extends DocumentMap> implements Documents<D> {
  private readonly listeners = new Set<(event: DocumentEvent<Name<D>>) => void>();
  private current: Documents<D>;
  private detach: () => void;

  constructor(first: Documents<D>) {
    this.current = first;
    this.detach = this.attach(first);
  }

  private attach(store: Documents<D>): () => void {
    return store.subscribe((event) => {
      for (const l of this.listeners) l(event);
    });
  }

  /** From now on, this tab reads and writes `store`. */
  lead(store: Documents<D>): void {
    this.detach();
    this.current = store;
    this.detach = this.attach(store);
    for (const doc of store.documentNames) {
      for (const l of this.listeners) l({ doc, origin: 'load' });
    }
  }

  get documentNames(): readonly Name<D>[] {
    return this.current.documentNames;
  }

  doc<K extends Name<D>>(name: K): A.Doc<D[K]> {
    return this.current.doc(name);
  }

  subscribe(listener: (event: DocumentEvent<Name<D>>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  acknowledgeProblems(name: Name<D>): void {
    this.current.acknowledgeProblems(name);
  }

  transact<K extends Name<D>, E = never>(
    name: K,
    command: (doc: A.Doc<D[K]>) => Result<A.Doc<D[K]>, E>,
  ): Promise<Result<A.Doc<D[K]>, E | StorageError>> {
    return this.current.transact(name, command);
  }

  change<K extends Name<D>>(
    name: K,
    fn: A.ChangeFn<D[K]>,
    options?: { readonly message?: string; readonly time?: number },
  ): Promise<Result<A.Doc<D[K]>, StorageError>> {
    return this.current.change(name, fn, options);
  }
}
