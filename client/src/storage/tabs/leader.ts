/**
 * The leading tab's side of the tab protocol (protocol.ts): it serves the
 * followers from its document store. A `hello` gets every document, saved; a
 * `write` runs through the store's one write path, `transact`, as the
 * command `applyWrite` (documents.ts), and is answered once the store made it
 * durable; a `call` runs a named operation the composition root handed in.
 * Every change the store makes durable — this tab's own, a follower's, a
 * record from sync — goes to every tab as `changes`, before the `written`
 * that acknowledges it, so a follower that hears its acknowledgement has
 * heard everything up to it.
 *
 * A write id answered once is answered the same way again (a bounded
 * memory of recent ids); a write whose changes the store already has writes
 * nothing (applyWrite). Either way a retried write is applied once.
 */
import * as A from '@automerge/automerge';
import * as v from 'valibot';
import type { TabChannel } from '../../lib/platform';
import type { StorageError } from '../log-storage';
import { applyWrite, type DocumentMap, type Documents } from './documents';
import { ToLeader, type TabMessage } from './protocol';

/** How many answered write ids are remembered (a retry comes right after a failover). */
const REMEMBERED_WRITES = 4096;

/** Named operations: `from` is the asking tab. */
export type CallHandlers = Readonly<
  Record<string, (arg: unknown, from: string) => Promise<unknown>>
>;

export interface LeaderHubOptions<D extends DocumentMap> {
  readonly channel: TabChannel;
  /** This tab's id. */
  readonly self: string;
  readonly store: Documents<D>;
  /** The operations followers may ask this tab to run, by name. */
  readonly calls?: CallHandlers;
}

type Name<D> = keyof D & string;

export class LeaderHub<D extends DocumentMap> {
  private readonly sent = new Map<string, A.Heads>();
  private readonly answered = new Map<string, StorageError | null>();
  private readonly running = new Map<string, Promise<StorageError | null>>();
  private readonly states: Record<string, unknown> = {};
  private readonly stop: Array<() => void> = [];
  private closing = false;

  constructor(private readonly options: LeaderHubOptions<D>) {
    const { store } = options;
    for (const name of store.documentNames) this.sent.set(name, A.getHeads(store.doc(name)));
    this.stop.push(store.subscribe((event) => this.broadcast(event.doc)));
    this.stop.push(options.channel.listen((message) => this.receive(message)));
  }

  /** Tells every tab this one leads now (followers say hello and resend what is pending). */
  announce(): void {
    this.post({ t: 'leader', leader: this.options.self });
  }

  /** Runs a follower's write here (a tab that took the lead replays its own pending writes). */
  write(doc: string, changes: readonly Uint8Array[]): Promise<StorageError | null> {
    return this.apply(doc, changes);
  }

  /** Sets a value every tab sees (`state`), and that a new follower gets with its welcome. */
  publish(name: string, value: unknown): void {
    this.states[name] = value;
    this.post({ t: 'state', leader: this.options.self, name, value });
  }

  /** The account is changing: refuse further writes, and answer no more hellos. */
  closeWrites(): void {
    this.closing = true;
  }

  /** The account changed under every tab: refuse further writes and have every tab (but `except`) reload. */
  reloadAll(except?: string): void {
    this.closing = true;
    this.post({
      t: 'reload',
      leader: this.options.self,
      ...(except === undefined ? {} : { except }),
    });
  }

  close(): void {
    for (const s of this.stop.splice(0)) s();
  }

  private post(message: TabMessage): void {
    this.options.channel.post(message);
  }

  private broadcast(doc: Name<D>): void {
    const now = this.options.store.doc(doc);
    const changes = A.getChangesSince(now, this.sent.get(doc) ?? []);
    this.sent.set(doc, A.getHeads(now));
    if (changes.length > 0) this.post({ t: 'changes', leader: this.options.self, doc, changes });
  }

  private receive(data: unknown): void {
    const parsed = v.safeParse(ToLeader, data);
    if (!parsed.success) return;
    const m = parsed.output;
    switch (m.t) {
      case 'hello':
        // A tab reloading for a new account waits for the leader that opens it.
        if (!this.closing) this.welcome(m.from);
        return;
      case 'write':
        void this.apply(m.doc, m.changes, m.id).then((error) =>
          this.post({
            t: 'written',
            to: m.from,
            id: m.id,
            ...(error === null ? {} : { error }),
          }),
        );
        return;
      case 'call':
        void this.run(m.name, m.arg, m.from).then((value) =>
          this.post({ t: 'answer', to: m.from, id: m.id, value }),
        );
        return;
    }
  }

  private welcome(to: string): void {
    const { store } = this.options;
    const docs = store.documentNames.map((name) => ({ name, bytes: A.save(store.doc(name)) }));
    this.post({
      t: 'welcome',
      to,
      leader: this.options.self,
      docs,
      states: { ...this.states },
    });
  }

  private apply(
    doc: string,
    changes: readonly Uint8Array[],
    id?: string,
  ): Promise<StorageError | null> {
    if (id !== undefined) {
      const done = this.answered.get(id);
      if (done !== undefined) return Promise.resolve(done);
      const running = this.running.get(id);
      if (running !== undefined) return running;
    }
    const run = this.transact(doc, changes).then((error) => {
      if (id !== undefined) {
        this.running.delete(id);
        this.answered.set(id, error);
        if (this.answered.size > REMEMBERED_WRITES) {
          const oldest = this.answered.keys().next();
          if (oldest.done !== true) this.answered.delete(oldest.value);
        }
      }
      return error;
    });
    if (id !== undefined) this.running.set(id, run);
    return run;
  }

  private async transact(
    doc: string,
    changes: readonly Uint8Array[],
  ): Promise<StorageError | null> {
    const { store } = this.options;
    if (this.closing) return { code: 'closed', message: 'the account is changing; reload' };
    const name = store.documentNames.find((n) => n === doc);
    if (name === undefined) return { code: 'io', message: `no document named ${doc}` };
    const done = await store.transact(name, applyWrite(changes));
    return done.ok ? null : done.error;
  }

  /** Runs a named operation (a follower's call, or this tab's own replayed after it took the lead). */
  async run(name: string, arg: unknown, from = this.options.self): Promise<unknown> {
    const handler = this.options.calls?.[name];
    return handler === undefined ? undefined : handler(arg, from);
  }
}
