/**
 * A following tab's documents (protocol.ts): held in memory, read here,
 * written through the leader. It says `hello` and loads the `welcome`; it
 * applies every `changes` the leader sends (its own writes come back too, and
 * are no-ops); a `leader` message (a new leader) gets a new hello, and every
 * write and call not yet answered is sent again, in order.
 *
 * `transact` has the store's promise: it resolves once the write is durable.
 * It runs the command here, sends the changes it made as one `write` (an id,
 * the document, the changes) and waits for `written`; only then does the
 * document readers see move on. If the leader refuses it, the document is
 * loaded again from the leader's, so nothing the log lacks stays visible
 * (but for `closed`: the account is changing, every tab is about to reload,
 * and this one refuses every later write).
 * Operations on one document run one at a time, as in the store.
 *
 * When this tab takes the lead (`handOver`), its writes no longer go over
 * the channel: the pending ones, then every later one, run on the new local
 * leader, whose `applyWrite` skips what the dead leader already made durable.
 */
import * as A from '@automerge/automerge';
import { ok, type Result } from '@cairn/shared/result';
import * as v from 'valibot';
import { Observable, type ReadonlyObservable } from '../../lib/observable';
import type { TabChannel } from '../../lib/platform';
import type { DocumentEvent } from '../document-store';
import type { StorageError } from '../log-storage';
import type { DocumentMap, Documents } from './documents';
import { ToFollower, type TabMessage } from './protocol';

type Name<D> = keyof D & string;

export interface FollowerStoreOptions<D extends DocumentMap> {
  readonly channel: TabChannel;
  /** This tab's id. */
  readonly self: string;
  readonly documentNames: readonly Name<D>[];
  /** The leader said every tab must reload (the account changed). */
  readonly onReload?: () => void;
}

/** Where writes go once this tab leads: straight to its own store. */
export interface LocalLeader {
  write(doc: string, changes: readonly Uint8Array[]): Promise<StorageError | null>;
  call(name: string, arg: unknown): Promise<unknown>;
}

interface Slot {
  doc: A.Doc<unknown>;
  published: A.Doc<unknown>;
}

interface PendingWrite {
  readonly doc: string;
  readonly changes: readonly Uint8Array[];
  readonly done: (error: StorageError | null) => void;
}

interface PendingCall {
  readonly name: string;
  readonly arg: unknown;
  readonly done: (value: unknown) => void;
}

export class FollowerStore<D extends DocumentMap> implements Documents<D> {
  private readonly slots = new Map<string, Slot>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(event: DocumentEvent<Name<D>>) => void>();
  private readonly writes = new Map<string, PendingWrite>();
  private readonly calls = new Map<string, PendingCall>();
  private readonly welcomed: Array<(docs: ReadonlyMap<string, Uint8Array>) => void> = [];
  private readonly statesValue = new Observable<Readonly<Record<string, unknown>>>({});
  private readonly stopListening: () => void;
  private local: LocalLeader | undefined;
  private nextId = 1;
  /** Set once the leader refused a write because the account is changing: nothing more is written. */
  private closed: StorageError | undefined;
  /** The tab that leads, as far as this one knows. */
  leader: string | undefined;

  constructor(private readonly options: FollowerStoreOptions<D>) {
    this.stopListening = options.channel.listen((message) => this.receive(message));
  }

  get documentNames(): readonly Name<D>[] {
    return this.options.documentNames;
  }

  /** The leader's published values (the sync status), as last heard. */
  get states(): ReadonlyObservable<Readonly<Record<string, unknown>>> {
    return this.statesValue;
  }

  /** Resolves with the first welcome: every document loaded from the leader's. */
  open(): Promise<void> {
    const first = new Promise<void>((resolve) => this.welcomed.push(() => resolve()));
    this.post({ t: 'hello', from: this.options.self });
    return first;
  }

  /** Writes and calls in flight (not yet answered). */
  get pending(): number {
    return this.writes.size + this.calls.size;
  }

  doc<K extends Name<D>>(name: K): A.Doc<D[K]> {
    return this.slot(name).published as A.Doc<D[K]>;
  }

  subscribe(listener: (event: DocumentEvent<Name<D>>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Load problems are the leader's to show: it read the logs. */
  acknowledgeProblems(): void {}

  transact<K extends Name<D>, E = never>(
    name: K,
    command: (doc: A.Doc<D[K]>) => Result<A.Doc<D[K]>, E>,
  ): Promise<Result<A.Doc<D[K]>, E | StorageError>> {
    const slot = this.slot(name);
    return this.enqueue(name, async (): Promise<Result<A.Doc<D[K]>, E | StorageError>> => {
      if (this.closed !== undefined) return { ok: false, error: this.closed };
      const before = slot.doc as A.Doc<D[K]>;
      const heads = A.getHeads(before);
      const outcome = command(before);
      if (!outcome.ok || outcome.value === before) return outcome;
      const after = outcome.value;
      const changes = A.getChangesSince(after, heads);
      slot.doc = after;
      if (changes.length > 0) {
        const error = await this.write(name, changes);
        if (error !== null) {
          // `closed`: the account is changing and every tab is about to reload.
          if (error.code === 'closed') this.closed = error;
          else await this.reload(name);
          return { ok: false, error };
        }
      }
      slot.published = after;
      this.emit({ doc: name, origin: 'local' });
      return ok(after);
    });
  }

  change<K extends Name<D>>(
    name: K,
    fn: A.ChangeFn<D[K]>,
    options?: { readonly message?: string; readonly time?: number },
  ): Promise<Result<A.Doc<D[K]>, StorageError>> {
    return this.transact(name, (doc) =>
      ok(options === undefined ? A.change(doc, fn) : A.change(doc, options, fn)),
    );
  }

  /** Runs a named operation of the leader's (answered `undefined` if it has none). */
  call(name: string, arg: unknown): Promise<unknown> {
    if (this.local !== undefined) return this.local.call(name, arg);
    const id = this.newId();
    return new Promise((done) => {
      this.calls.set(id, { name, arg, done });
      this.post({ t: 'call', from: this.options.self, id, name, arg });
    });
  }

  /**
   * This tab leads now: every pending write, in order, then every later one,
   * runs on `local`; pending calls too. Resolves when the pending ones are done.
   */
  async handOver(local: LocalLeader): Promise<void> {
    this.local = local;
    this.stopListening();
    const writes = [...this.writes.values()];
    const calls = [...this.calls.values()];
    this.writes.clear();
    this.calls.clear();
    for (const w of writes) w.done(await local.write(w.doc, w.changes));
    for (const c of calls) c.done(await local.call(c.name, c.arg));
  }

  private write(doc: string, changes: readonly Uint8Array[]): Promise<StorageError | null> {
    if (this.local !== undefined) return this.local.write(doc, changes);
    const id = this.newId();
    return new Promise((done) => {
      this.writes.set(id, { doc, changes, done });
      this.post({ t: 'write', from: this.options.self, id, doc, changes: [...changes] });
    });
  }

  private newId(): string {
    return `${this.options.self}.${this.nextId++}`;
  }

  private post(message: TabMessage): void {
    this.options.channel.post(message);
  }

  private slot(name: string): Slot {
    const s = this.slots.get(name);
    if (s === undefined) throw new Error(`document ${name} is not loaded`);
    return s;
  }

  private emit(event: DocumentEvent<Name<D>>): void {
    for (const l of this.listeners) l(event);
  }

  private enqueue<R>(name: string, task: () => Promise<R>): Promise<R> {
    const next = (this.queues.get(name) ?? Promise.resolve()).then(task, task);
    this.queues.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  private receive(data: unknown): void {
    const parsed = v.safeParse(ToFollower, data);
    if (!parsed.success) return;
    const m = parsed.output;
    const self = this.options.self;
    switch (m.t) {
      case 'welcome': {
        if (m.to !== self) return;
        this.leader = m.leader;
        this.statesValue.set(m.states);
        const docs = new Map(m.docs.map((d) => [d.name, d.bytes]));
        for (const w of this.welcomed.splice(0)) w(docs);
        this.merge(docs);
        return;
      }
      case 'written':
        if (m.to !== self) return;
        this.settleWrite(m.id, m.error ?? null);
        return;
      case 'answer': {
        if (m.to !== self) return;
        const c = this.calls.get(m.id);
        this.calls.delete(m.id);
        c?.done(m.value);
        return;
      }
      case 'leader':
        this.leader = m.leader;
        this.post({ t: 'hello', from: self });
        for (const [id, w] of this.writes) {
          this.post({ t: 'write', from: self, id, doc: w.doc, changes: [...w.changes] });
        }
        for (const [id, c] of this.calls) {
          this.post({ t: 'call', from: self, id, name: c.name, arg: c.arg });
        }
        return;
      case 'changes':
        if (!this.slots.has(m.doc)) return;
        void this.enqueue(m.doc, async () => {
          const slot = this.slot(m.doc);
          const before = A.getHeads(slot.doc);
          [slot.doc] = A.applyChanges(slot.doc, m.changes);
          // A gap (a message missed): the changes wait in Automerge; ask for everything.
          if (A.getMissingDeps(slot.doc, A.getHeads(slot.doc)).length > 0) {
            this.post({ t: 'hello', from: self });
          }
          if (sameHeads(before, A.getHeads(slot.doc))) return;
          slot.published = slot.doc;
          this.emit({ doc: m.doc as Name<D>, origin: 'remote' });
        });
        return;
      case 'state':
        this.statesValue.set({ ...this.statesValue.get(), [m.name]: m.value });
        return;
      case 'reload':
        if (m.except !== self) this.options.onReload?.();
        return;
    }
  }

  private settleWrite(id: string, error: StorageError | null): void {
    const w = this.writes.get(id);
    this.writes.delete(id);
    w?.done(error);
  }

  /** Loads (first welcome) or merges (later ones) the leader's documents. */
  private merge(docs: ReadonlyMap<string, Uint8Array>): void {
    for (const name of this.options.documentNames) {
      const bytes = docs.get(name);
      if (bytes === undefined) continue;
      if (!this.slots.has(name)) {
        const doc = A.load<unknown>(bytes);
        this.slots.set(name, { doc, published: doc });
        continue;
      }
      void this.enqueue(name, async () => {
        const slot = this.slot(name);
        const before = A.getHeads(slot.doc);
        slot.doc = A.loadIncremental(slot.doc, bytes);
        if (sameHeads(before, A.getHeads(slot.doc))) return;
        slot.published = slot.doc;
        this.emit({ doc: name as Name<D>, origin: 'remote' });
      });
    }
  }

  /** After a refused write: the document again as the leader has it (what is durable). */
  private async reload(name: string): Promise<void> {
    if (this.local !== undefined) return;
    const docs = await new Promise<ReadonlyMap<string, Uint8Array>>((resolve) => {
      this.welcomed.push(resolve);
      this.post({ t: 'hello', from: this.options.self });
    });
    const bytes = docs.get(name);
    if (bytes === undefined) return;
    const slot = this.slot(name);
    slot.doc = A.load<unknown>(bytes);
    slot.published = slot.doc;
    this.emit({ doc: name as Name<D>, origin: 'load' });
  }
}

const sameHeads = (a: A.Heads, b: A.Heads): boolean =>
  a.length === b.length && a.every((h, i) => h === b[i]);
