/**
 * One tab of the app, following or leading (protocol.ts). It starts as a
 * follower — says hello, and waits for the leader lock at the same time.
 * Whichever comes first opens the tab: a welcome (another tab leads), or the
 * lock (no tab leads). When the lock comes later, the leader before has gone
 * (the browser releases a page's locks when it closes or crashes); this tab
 * then takes over, in this order:
 *
 *   1. `lead()` opens the logs and everything that runs on them (the caller's:
 *      storage, store, sync), loaded from what is durable;
 *   2. the hub starts serving the other tabs;
 *   3. this tab's own unanswered writes run on its new store, in order — a
 *      write the old leader made durable writes nothing (applyWrite) — and
 *      pending calls run here;
 *   4. the tab reads its new store (`TabStore.lead`), and announces itself:
 *      every follower says hello again and resends what is unanswered.
 */
import { Observable, type ReadonlyObservable } from '../../lib/observable';
import type { LeaderLock, TabChannel } from '../../lib/platform';
import type { DocumentMap, Documents } from './documents';
import { FollowerStore } from './follower';
import { LeaderHub, type CallHandlers } from './leader';
import { TabStore } from './tab-store';

type Name<D> = keyof D & string;

export type TabRole = 'opening' | 'follower' | 'taking-over' | 'leader';

/** What a tab that takes the lead opened. */
export interface Leading<D extends DocumentMap> {
  readonly store: Documents<D>;
  /** The operations followers may ask of the leader. */
  readonly calls?: CallHandlers;
  /** Called once the hub serves the other tabs (to publish states on it). */
  started?(hub: LeaderHub<D>): void;
}

export interface TabOptions<D extends DocumentMap> {
  readonly channel: TabChannel;
  readonly lock: LeaderLock;
  /** This tab's id, unique among the open tabs. */
  readonly self: string;
  readonly documentNames: readonly Name<D>[];
  /** Opens the logs and what runs on them; called once, when this tab takes the lead. */
  lead(): Promise<Leading<D>>;
  /** The leader said every tab must reload (the account changed). */
  readonly onReload?: () => void;
}

export class Tab<D extends DocumentMap> {
  readonly store: TabStore<D>;
  readonly follower: FollowerStore<D>;
  private readonly roleValue = new Observable<TabRole>('opening');
  private hubValue: LeaderHub<D> | undefined;
  private readonly leading: Promise<void>;

  constructor(private readonly options: TabOptions<D>) {
    this.follower = new FollowerStore<D>({
      channel: options.channel,
      self: options.self,
      documentNames: options.documentNames,
      ...(options.onReload === undefined ? {} : { onReload: options.onReload }),
    });
    this.store = new TabStore<D>(this.follower);
    this.leading = options.lock.acquire().then(() => this.takeOver());
  }

  /** Resolves once the tab can be read (welcomed by a leader, or leading); rejects if taking the lead failed. */
  async open(): Promise<void> {
    const welcomed = this.follower.open().then(() => {
      if (this.roleValue.get() === 'opening') this.roleValue.set('follower');
    });
    await Promise.race([welcomed, this.leading]);
  }

  get role(): ReadonlyObservable<TabRole> {
    return this.roleValue;
  }

  /** The hub, once this tab leads. */
  get hub(): LeaderHub<D> | undefined {
    return this.hubValue;
  }

  /** Resolves when this tab leads (never, while another tab does). */
  whenLeading(): Promise<void> {
    return this.leading;
  }

  private async takeOver(): Promise<void> {
    if (this.roleValue.get() === 'follower') this.roleValue.set('taking-over');
    const leading = await this.options.lead();
    const hub = new LeaderHub<D>({
      channel: this.options.channel,
      self: this.options.self,
      store: leading.store,
      ...(leading.calls === undefined ? {} : { calls: leading.calls }),
    });
    this.hubValue = hub;
    await this.follower.handOver({
      write: (doc, changes) => hub.write(doc, changes),
      call: (name, arg) => hub.run(name, arg),
    });
    this.store.lead(leading.store);
    leading.started?.(hub);
    hub.announce();
    this.roleValue.set('leader');
  }
}
