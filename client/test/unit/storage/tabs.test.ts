/**
 * The tab protocol over in-memory ports: a broadcast channel that delivers
 * each message later, in order, to every other member (as BroadcastChannel
 * does), a leader lock handed to the next waiter when its holder dies (as
 * Web Locks do), and the logs in MemoryFiles shared by every tab (as OPFS
 * is). A tab "dies" the way a closed page does: it hears and sends nothing
 * more, its storage calls never return, and its lock passes on.
 */
import * as A from '@automerge/automerge';
import { fromHex, ready } from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LeaderLock, TabChannel } from '../../../src/lib/platform';
import { DocumentStore, logFileName } from '../../../src/storage/document-store';
import type { LogStorage, StorageResult } from '../../../src/storage/log-storage';
import { MemoryFiles, MemoryLogStorage } from '../../../src/storage/memory-log-storage';
import { DocumentCipher, openLog } from '../../../src/storage/sealed-log';
import { applyWrite } from '../../../src/storage/tabs/documents';
import { Tab } from '../../../src/storage/tabs/tab';

const K_MASTER = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

interface Notes {
  items: Record<string, number>;
}
type Docs = { notes: Notes; other: Notes };
const NAMES = ['notes', 'other'] as const;

const initial = (): A.Doc<Notes> =>
  A.change(A.init<Notes>({ actor: 'c0ffee00c0ffee00c0ffee00c0ffee00' }), { time: 0 }, (d) => {
    d.items = {};
  });

beforeAll(ready);

/** BroadcastChannel: later, in order, to every other live member, cloned. */
class Broadcast {
  private readonly members = new Set<{ alive: boolean; hear: Set<(m: unknown) => void> }>();
  posted: unknown[] = [];

  channel(): TabChannel & { kill(): void } {
    const me = { alive: true, hear: new Set<(m: unknown) => void>() };
    this.members.add(me);
    return {
      post: (message) => {
        if (!me.alive) return;
        this.posted.push(message);
        const copy = structuredClone(message);
        for (const other of this.members) {
          if (other === me) continue;
          setTimeout(() => {
            if (other.alive) for (const l of [...other.hear]) l(copy);
          }, 0);
        }
      },
      listen: (listener) => {
        me.hear.add(listener);
        return () => me.hear.delete(listener);
      },
      close: () => {
        me.alive = false;
      },
      kill: () => {
        me.alive = false;
      },
    };
  }
}

/** Web Locks, one name: the next waiter gets it when the holder is released. */
class Locks {
  private holder: object | undefined;
  private readonly waiting: Array<{ who: object; grant: () => void }> = [];

  lock(): LeaderLock & { release(): void } {
    const who = {};
    return {
      acquire: () =>
        new Promise<void>((grant) => {
          if (this.holder === undefined) {
            this.holder = who;
            grant();
          } else this.waiting.push({ who, grant });
        }),
      release: () => {
        const i = this.waiting.findIndex((w) => w.who === who);
        if (i >= 0) this.waiting.splice(i, 1);
        if (this.holder !== who) return;
        const next = this.waiting.shift();
        this.holder = next?.who;
        next?.grant();
      },
    };
  }
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * The logs as one tab's storage worker holds them: `hold` stops the next
 * append before or after its bytes are durable; `kill` is the page closing
 * (nothing answers any more, nothing more is written).
 */
class TabStorage implements LogStorage {
  private dead = false;
  private gate: { at: 'before' | 'after'; reached: () => void; release: Promise<void> } | undefined;
  appends = 0;

  constructor(private readonly inner: LogStorage) {}

  hold(at: 'before' | 'after'): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    this.gate = { at, reached, release: new Promise<void>((r) => (release = r)) };
    return { reached: reachedP, release };
  }

  kill(): void {
    this.dead = true;
  }

  private live<T>(p: Promise<StorageResult<T>>): Promise<StorageResult<T>> {
    return this.dead ? never() : p.then((r) => (this.dead ? never() : r));
  }

  list = () => this.live(this.inner.list());
  read = (name: string) => this.live(this.inner.read(name));
  truncate = (name: string, length: number) => this.live(this.inner.truncate(name, length));
  replaceAtomically = (name: string, bytes: Uint8Array) =>
    this.live(this.inner.replaceAtomically(name, bytes));
  remove = (name: string) => this.live(this.inner.remove(name));
  usage = () => this.live(this.inner.usage());
  close = () => this.inner.close();

  async append(name: string, bytes: Uint8Array): Promise<StorageResult<number>> {
    if (this.dead) return never();
    const gate = this.gate;
    this.gate = undefined;
    if (gate?.at === 'before') {
      gate.reached();
      await gate.release;
      if (this.dead) return never();
    }
    const done = await this.inner.append(name, bytes);
    this.appends += 1;
    if (gate?.at === 'after') {
      gate.reached();
      await gate.release;
    }
    return this.dead ? never() : done;
  }
}

interface TestTab {
  readonly name: string;
  readonly tab: Tab<Docs>;
  storage(): TabStorage | undefined;
  kill(): void;
}

class World {
  readonly files = new MemoryFiles();
  readonly broadcast = new Broadcast();
  readonly locks = new Locks();
  readonly reloads: string[] = [];

  async open(name: string): Promise<TestTab> {
    const channel = this.broadcast.channel();
    const lock = this.locks.lock();
    let storage: TabStorage | undefined;
    const tab = new Tab<Docs>({
      channel,
      lock,
      self: name,
      documentNames: NAMES,
      onReload: () => this.reloads.push(name),
      lead: async () => {
        storage = new TabStorage(await MemoryLogStorage.open(this.files));
        const store = new DocumentStore<Docs>({
          storage,
          kMaster: K_MASTER,
          documents: { notes: initial, other: initial },
        });
        const loaded = await store.load();
        if (!loaded.ok) throw new Error(loaded.error.message);
        return {
          store,
          calls: { whoLeads: (arg) => Promise.resolve({ leader: name, arg }) },
        };
      },
    });
    await tab.open();
    return {
      name,
      tab,
      storage: () => storage,
      kill: () => {
        channel.kill();
        storage?.kill();
        lock.release();
      },
    };
  }

  /** Every change hash in the durable log of `doc`, as many times as it was written. */
  async logged(doc: keyof Docs = 'notes'): Promise<string[]> {
    const read = await new MemoryLogStorage(this.files).read(logFileName(doc));
    if (!read.ok) throw new Error(read.error.message);
    const cipher = DocumentCipher.forDocuments(K_MASTER, [doc]).get(doc)!;
    return openLog(cipher, read.value).records.flatMap((r) =>
      r.payload.kind === 'changes' ? r.payload.changes.map((c) => A.decodeChange(c).hash) : [],
    );
  }
}

const settle = (ms = 5) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(2);
  }
}

const put = (t: TestTab, key: string, value = 1, doc: keyof Docs = 'notes') =>
  t.tab.store.change(doc, (d) => {
    d.items[key] = value;
  });

const items = (t: TestTab, doc: keyof Docs = 'notes') => ({ ...t.tab.store.doc(doc).items });

const noDuplicates = (hashes: string[]) => expect(new Set(hashes).size).toBe(hashes.length);

describe('tabs: one leads, the others write through it', () => {
  it('the first tab leads; a second follows, reads what the first wrote and writes through it', async () => {
    const w = new World();
    const a = await w.open('a');
    expect(a.tab.role.get()).toBe('leader');
    expect((await put(a, 'from-a')).ok).toBe(true);

    const b = await w.open('b');
    expect(b.tab.role.get()).toBe('follower');
    expect(items(b)).toEqual({ 'from-a': 1 });
    expect(b.storage()).toBeUndefined();

    expect((await put(b, 'from-b', 2)).ok).toBe(true);
    // Acknowledged means durable: the log has it, and so does the leader.
    expect(items(a)).toEqual({ 'from-a': 1, 'from-b': 2 });
    const logged = await w.logged();
    expect(logged).toContain(A.getHeads(b.tab.store.doc('notes'))[0]);
    noDuplicates(logged);

    await put(a, 'again-a', 3);
    await until('b hears a', () => items(b)['again-a'] === 3);
  });

  it('a follower’s write is acknowledged, and shown, only once the leader made it durable', async () => {
    const w = new World();
    const a = await w.open('a');
    const b = await w.open('b');
    const gate = a.storage()!.hold('before');
    let resolved = false;
    const writing = put(b, 'slow').then((r) => {
      resolved = true;
      return r;
    });
    await gate.reached;
    await settle(20);
    expect(resolved).toBe(false);
    expect(items(b)).toEqual({});
    expect(await w.logged()).toEqual([]);
    gate.release();
    expect((await writing).ok).toBe(true);
    expect(items(b)).toEqual({ slow: 1 });
    expect((await w.logged()).length).toBeGreaterThan(0);
  });

  it('three tabs writing at once: every write once, in every tab and in the log', async () => {
    const w = new World();
    const tabs = [await w.open('a'), await w.open('b'), await w.open('c')];
    const writes = tabs.flatMap((t) =>
      Array.from({ length: 10 }, (_, i) => put(t, `${t.name}${i}`, i, i % 2 ? 'notes' : 'other')),
    );
    expect((await Promise.all(writes)).every((r) => r.ok)).toBe(true);
    const expected = (parity: number) =>
      Object.fromEntries(
        tabs.flatMap((t) =>
          Array.from({ length: 10 }, (_, i) => i)
            .filter((i) => i % 2 === parity)
            .map((i) => [`${t.name}${i}`, i]),
        ),
      );
    for (const t of tabs) {
      await until(`${t.name} sees all`, () => Object.keys(items(t)).length === 15);
      await until(`${t.name} sees all`, () => Object.keys(items(t, 'other')).length === 15);
      expect(items(t)).toEqual(expected(1));
      expect(items(t, 'other')).toEqual(expected(0));
    }
    noDuplicates(await w.logged('notes'));
    noDuplicates(await w.logged('other'));
  });

  it('the leader dies after making a follower’s write durable, before acknowledging it: the next leader acknowledges it without writing it again', async () => {
    const w = new World();
    const a = await w.open('a');
    const b = await w.open('b');
    const c = await w.open('c');
    // The log's first write also writes the initial state: get that out of the way.
    await put(a, 'before', 1);
    const gate = a.storage()!.hold('after');
    // c writes; b waited for the lock first, so b leads next and c must resend.
    const writing = put(c, 'in-flight', 7);
    await gate.reached;
    const appendsBefore = (await w.logged()).length;
    // Every tab has heard the write by now: only a resend can bring it to the next leader.
    await settle(10);
    a.kill();
    const done = await writing;
    expect(done.ok).toBe(true);
    // b or c leads now; the write is there once, in the log and in both tabs.
    const leader = [b, c].find((t) => t.tab.role.get() === 'leader')!;
    expect(leader).toBe(b);
    expect(leader.storage()!.appends).toBe(0);
    const logged = await w.logged();
    expect(logged.length).toBe(appendsBefore);
    noDuplicates(logged);
    for (const t of [b, c]) {
      await until(`${t.name} sees the write`, () => items(t)['in-flight'] === 7);
      expect(items(t)).toEqual({ before: 1, 'in-flight': 7 });
    }
  });

  it('the leader dies before a follower’s write is durable: the next leader applies it, once', async () => {
    const w = new World();
    const a = await w.open('a');
    const b = await w.open('b');
    const c = await w.open('c');
    await put(a, 'before', 1);
    await until('c hears a', () => items(c)['before'] === 1);
    const gate = a.storage()!.hold('before');
    const writing = put(c, 'lost-leader', 9);
    await gate.reached;
    // Every tab has heard the write by now: only a resend can bring it to the next leader.
    await settle(10);
    a.kill();
    gate.release();
    expect((await writing).ok).toBe(true);
    for (const t of [b, c]) {
      await until(`${t.name} sees the write`, () => items(t)['lost-leader'] === 9);
      expect(items(t)).toEqual({ before: 1, 'lost-leader': 9 });
    }
    const logged = await w.logged();
    noDuplicates(logged);
    expect(logged).toContain(A.getHeads(c.tab.store.doc('notes'))[0]);
  });

  it('the tab that takes the lead replays its own unanswered write on its new store, once', async () => {
    const w = new World();
    const a = await w.open('a');
    const b = await w.open('b');
    await put(a, 'before', 1);
    const gate = a.storage()!.hold('after');
    const writing = put(b, 'mine', 4);
    await gate.reached;
    // Every tab has heard the write by now: only a resend can bring it to the next leader.
    await settle(10);
    a.kill();
    expect((await writing).ok).toBe(true);
    expect(b.tab.role.get()).toBe('leader');
    expect(b.storage()!.appends).toBe(0);
    expect(items(b)).toEqual({ before: 1, mine: 4 });
    noDuplicates(await w.logged());
    // The new leader serves a tab opened after it.
    const d = await w.open('d');
    expect(items(d)).toEqual({ before: 1, mine: 4 });
    await put(d, 'after', 5);
    expect(items(b)).toEqual({ before: 1, mine: 4, after: 5 });
  });

  it('a burst from every tab with the leader killed in the middle: nothing lost, nothing twice', async () => {
    const w = new World();
    const tabs = [await w.open('a'), await w.open('b'), await w.open('c')];
    const [a, ...survivors] = tabs as [TestTab, TestTab, TestTab];
    const writes: Array<Promise<{ ok: boolean }>> = [];
    const ackedByA: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      if (i === 15) a.kill();
      if (i < 15) {
        // The leader's own writes: a page that dies loses only what it never acknowledged.
        void put(a, `a${i}`, i).then((r) => r.ok && ackedByA.push(`a${i}`));
      }
      for (const t of survivors) writes.push(put(t, `${t.name}${i}`, i));
      await settle(0);
    }
    const results = await Promise.all(writes);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(ackedByA.length).toBeGreaterThan(0);
    const leader = survivors.find((t) => t.tab.role.get() === 'leader');
    expect(leader).toBeDefined();
    for (const t of survivors) {
      await until(`${t.name} converges`, () =>
        survivors.every((s) => Object.keys(items(s)).length === Object.keys(items(t)).length),
      );
      for (const other of survivors) {
        for (let i = 0; i < 30; i += 1) expect(items(t)[`${other.name}${i}`]).toBe(i);
      }
      for (const key of ackedByA) expect(items(t)[key]).toBeDefined();
    }
    noDuplicates(await w.logged());
  });

  it('calls run on the leader, and on the new one when the leader dies first', async () => {
    const w = new World();
    const a = await w.open('a');
    const b = await w.open('b');
    expect(await b.tab.follower.call('whoLeads', 1)).toEqual({ leader: 'a', arg: 1 });
    expect(await b.tab.follower.call('nothing', 1)).toBeUndefined();
    a.kill();
    await b.tab.whenLeading();
    expect(await b.tab.follower.call('whoLeads', 2)).toEqual({ leader: 'b', arg: 2 });
  });

  it('a follower hears the leader’s published states and its reload', async () => {
    const w = new World();
    const a = await w.open('a');
    a.tab.hub!.publish('sync', { kind: 'synced' });
    const b = await w.open('b');
    expect(b.tab.follower.states.get()).toEqual({ sync: { kind: 'synced' } });
    a.tab.hub!.publish('sync', { kind: 'offline' });
    await until('b hears the state', () => b.tab.follower.states.get()['sync'] !== undefined);
    await until(
      'b hears the new state',
      () =>
        JSON.stringify(b.tab.follower.states.get()) ===
        JSON.stringify({ sync: { kind: 'offline' } }),
    );
    a.tab.hub!.reloadAll();
    await until('b reloads', () => w.reloads.includes('b'));
    // After a reload is asked for, the leader takes no more writes.
    const refused = await put(b, 'late');
    expect(refused.ok).toBe(false);
    expect(items(b)).toEqual({});
  });

  it('a reload spares the tab that asked for it, and a closing leader welcomes no one', async () => {
    const w = new World();
    const a = await w.open('a');
    await w.open('b');
    await w.open('c');
    a.tab.hub!.reloadAll('b');
    await until('c reloads', () => w.reloads.includes('c'));
    await settle(10);
    expect(w.reloads).toEqual(['c']);
    // A tab opened now (a reloaded one) waits for the leader of the new account.
    let opened = false;
    void w.open('d').then(() => (opened = true));
    await settle(30);
    expect(opened).toBe(false);
  });

  it('ignores messages that do not parse', async () => {
    const w = new World();
    const a = await w.open('a');
    const b = await w.open('b');
    const rogue = w.broadcast.channel();
    for (const m of [null, 1, 'x', { t: 'write' }, { t: 'changes', leader: 'a', doc: 'notes' }]) {
      rogue.post(m);
    }
    rogue.post({ t: 'write', from: 'z', id: 'z.1', doc: 'nope', changes: [] });
    await settle(10);
    expect((await put(b, 'still', 1)).ok).toBe(true);
    expect(items(a)).toEqual({ still: 1 });
  });
});

describe('applyWrite', () => {
  it('applies a write once: the same changes again write nothing', async () => {
    const storage = new MemoryLogStorage();
    const store = new DocumentStore<Docs>({
      storage,
      kMaster: K_MASTER,
      documents: { notes: initial, other: initial },
    });
    expect((await store.load()).ok).toBe(true);
    const elsewhere = A.change(A.clone(store.doc('notes')), (d) => {
      d.items['x'] = 1;
    });
    const changes = A.getChangesSince(elsewhere, A.getHeads(store.doc('notes')));
    expect((await store.transact('notes', applyWrite(changes))).ok).toBe(true);
    const after = await storage.usage();
    expect((await store.transact('notes', applyWrite(changes))).ok).toBe(true);
    expect(await storage.usage()).toEqual(after);
    expect(store.doc('notes').items).toEqual({ x: 1 });
  });

  it('refuses changes over history the leader lacks, and bytes that are not a change', async () => {
    const storage = new MemoryLogStorage();
    const store = new DocumentStore<Docs>({
      storage,
      kMaster: K_MASTER,
      documents: { notes: initial, other: initial },
    });
    expect((await store.load()).ok).toBe(true);
    const one = A.change(A.clone(store.doc('notes')), (d) => {
      d.items['one'] = 1;
    });
    const two = A.change(one, (d) => {
      d.items['two'] = 2;
    });
    const onlySecond = A.getChangesSince(two, A.getHeads(one));
    const missing = await store.transact('notes', applyWrite(onlySecond));
    expect(missing.ok).toBe(false);
    const garbage = await store.transact('notes', applyWrite([new Uint8Array([1, 2, 3])]));
    expect(garbage.ok).toBe(false);
    expect(store.doc('notes').items).toEqual({});
  });
});
