/**
 * Sync as every tab sees it. The leading tab runs the engine; it publishes
 * the status and the Settings opt-in on the tab channel (`sync` state), and
 * runs a follower's `sync.setEnabled`. A following tab shows what the leader
 * published and asks it to change the setting. When this tab takes the lead,
 * `lead` points it at its own engine.
 */
import * as v from 'valibot';
import type { Outcome, SyncControls, SyncSettingsView, SyncState } from '../app/types';
import type { ReadonlyObservable } from '../lib/observable';
import type { EngineControls } from './controls';

/** The name of the published sync state and of the call that changes the setting. */
export const SYNC_STATE = 'sync';
export const SET_SYNC = 'sync.setEnabled';

const SyncStateSchema = v.variant('kind', [
  v.object({ kind: v.literal('local') }),
  v.object({ kind: v.literal('connecting'), queued: v.number() }),
  v.object({ kind: v.literal('offline'), queued: v.number() }),
  v.object({ kind: v.literal('syncing'), done: v.number(), total: v.number() }),
  v.object({ kind: v.literal('synced') }),
  v.object({ kind: v.literal('refused'), reason: v.string(), message: v.string() }),
]);

/** What the leader publishes as `sync`. */
export const PublishedSync = v.object({
  state: SyncStateSchema,
  settings: v.object({ enabled: v.boolean(), relayUrl: v.string() }),
});
export type PublishedSync = v.InferOutput<typeof PublishedSync>;

export const SetSyncArg = v.object({ enabled: v.boolean(), relayUrl: v.string() });
export const OutcomeSchema = v.union([
  v.object({ ok: v.literal(true) }),
  v.object({ ok: v.literal(false), message: v.string() }),
]);

export function publishedSync(engine: EngineControls): PublishedSync {
  return { state: engine.state(), settings: engine.settings() };
}

export class TabSyncControls implements SyncControls {
  private engine: EngineControls | undefined;
  private readonly listeners = new Set<() => void>();
  private cache: { from: unknown; value: PublishedSync } | undefined;

  constructor(
    private readonly follower: {
      readonly states: ReadonlyObservable<Readonly<Record<string, unknown>>>;
      call(name: string, arg: unknown): Promise<unknown>;
    },
    private readonly defaultRelayUrl: string,
  ) {
    follower.states.subscribe(() => this.notify());
  }

  /** This tab leads: its own engine from now on. */
  lead(engine: EngineControls): void {
    this.engine = engine;
    engine.subscribe(() => this.notify());
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** The leader's published sync, parsed once per value. */
  private published(): PublishedSync | undefined {
    const raw = this.follower.states.get()[SYNC_STATE];
    const cached = this.cache;
    if (cached !== undefined && cached.from === raw) return cached.value;
    const parsed = v.safeParse(PublishedSync, raw);
    if (!parsed.success) return undefined;
    this.cache = { from: raw, value: parsed.output };
    return parsed.output;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly state = (): SyncState => this.engine?.state() ?? this.published()?.state ?? LOCAL;

  readonly settings = (): SyncSettingsView =>
    this.engine?.settings() ??
    this.published()?.settings ?? { enabled: false, relayUrl: this.defaultRelayUrl };

  async setEnabled(enabled: boolean, relayUrl: string): Promise<Outcome> {
    if (this.engine !== undefined) return this.engine.setEnabled(enabled, relayUrl);
    const answer = await this.follower.call(SET_SYNC, { enabled, relayUrl });
    const parsed = v.safeParse(OutcomeSchema, answer);
    return parsed.success
      ? parsed.output
      : { ok: false, message: 'The tab that runs sync did not answer. Reload and try again.' };
  }
}

const LOCAL: SyncState = { kind: 'local' };
