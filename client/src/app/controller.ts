/**
 * The app model (model.ts) over the document store: the read models of
 * queries.ts and the user actions of commands.ts behind one object, and the
 * version the UI subscribes to. Every change of a document (an action here, a
 * record received by sync, a reload) forgets the read models and bumps the
 * version, and React re-renders.
 */
import { HybridClock, UNKNOWN_NODE } from '../domain';
import { Observable } from '../lib/observable';
import { Commands, type DeviceTag } from './commands';
import type { AppModel } from './model';
import { describeProblems, type LoadProblem, type LoadReports } from './problems';
import { Queries } from './queries';
import type { AppStore } from './store';
import type {
  CategoryView,
  CheckInUpdate,
  CheckInView,
  ConflictTarget,
  CsvFileView,
  HabitDraft,
  HabitStats,
  HabitView,
  ImportPreview,
  LoadProblemView,
  OneOffView,
  Outcome,
  ProfileView,
  ScheduleCheck,
  SchedulePick,
  SyncControls,
} from './types';
import type { DevicesControls, PairingControls, RecoveryControls } from './features';
import type { ShellControls } from './shell';

export type { AppDocs, AppDocumentStore, AppStore } from './store';
export type { DeviceTag } from './commands';
export { sha256Hex } from './queries';

const OK: Outcome = { ok: true };

export interface ControllerOptions {
  store: AppStore;
  /** Absent (tests of the UI alone): an unnamed device. */
  device?: DeviceTag;
  reports: LoadReports;
  wipe: () => Promise<Outcome>;
  now?: () => number;
  /** Sync with a relay (the browser's engine); absent, the app is local only. */
  sync?: SyncControls;
  /** The recovery phrase (client/src/recovery); absent in tests of the UI alone. */
  recovery?: RecoveryControls;
  /** Pairing, the device list and the page (boot/); absent in tests of the UI alone. */
  pairing?: PairingControls;
  devices?: DevicesControls;
  shell?: ShellControls;
}

export class Controller implements AppModel {
  private readonly store: AppStore;
  private readonly queries: Queries;
  private readonly commands: Commands;
  private readonly loadProblems: LoadProblem[];
  private readonly dismissed = new Set<string>();
  private day = '';

  readonly sync?: SyncControls;
  readonly recovery?: RecoveryControls;
  readonly pairing?: PairingControls;
  readonly devices?: DevicesControls;
  readonly shell?: ShellControls;

  constructor(private readonly options: ControllerOptions) {
    this.store = options.store;
    if (options.sync !== undefined) this.sync = options.sync;
    if (options.recovery !== undefined) this.recovery = options.recovery;
    if (options.pairing !== undefined) this.pairing = options.pairing;
    if (options.devices !== undefined) this.devices = options.devices;
    if (options.shell !== undefined) this.shell = options.shell;
    const now = options.now ?? Date.now;
    const device = options.device ?? { node: UNKNOWN_NODE, label: 'another device' };
    this.queries = new Queries(this.store, device.node, now);
    this.commands = new Commands({
      store: this.store,
      queries: this.queries,
      device,
      clock: new HybridClock(device.node, now),
      now,
      imported: () => this.schedule(),
    });
    this.loadProblems = describeProblems(options.reports);
    this.store.subscribe(() => this.bump());
  }

  // ---- subscription ----

  /** The version: one more after every change the UI must see. */
  private readonly changes = new Observable(0);

  readonly subscribe = (listener: () => void): (() => void) => this.changes.subscribe(listener);

  readonly version = (): number => this.changes.get();

  private bump(): void {
    this.queries.forget();
    this.changes.set(this.changes.get() + 1);
  }

  /**
   * Notes the day. Nothing is written: what is due on a day follows from the
   * rule in force that day (agendaFor), so no row is materialised.
   */
  schedule(): Promise<Outcome> {
    if (this.profile() !== null) this.day = this.today();
    return Promise.resolve(OK);
  }

  /** Called every minute: a new day shows its check-ins. */
  async tick(): Promise<void> {
    if (this.profile() !== null && this.today() !== this.day) {
      await this.schedule();
      this.bump();
    }
  }

  // ---- queries (queries.ts) ----

  readonly profile = (): ProfileView | null => this.queries.profile();
  readonly today = (): string => this.queries.today();
  readonly categories = (): CategoryView[] => this.queries.categories();
  readonly habits = (): HabitView[] => this.queries.habits();
  readonly dueOn = (date: string): CheckInView[] => this.queries.dueOn(date);
  readonly oneOffsOn = (date: string): OneOffView[] => this.queries.oneOffsOn(date);
  readonly stats = (habitId: string): HabitStats => this.queries.stats(habitId);
  readonly readPick = (pick: SchedulePick): ScheduleCheck => this.queries.readPick(pick);
  readonly cronToPick = (cron: string): SchedulePick => this.queries.cronToPick(cron);
  readonly exportJson = (): string => this.queries.exportJson();
  readonly exportCsv = (): CsvFileView[] => this.queries.exportCsv();

  problems(): LoadProblemView[] {
    return this.loadProblems.filter((p) => !this.dismissed.has(p.id));
  }

  dismissProblem(id: string): void {
    const problem = this.loadProblems.find((p) => p.id === id);
    if (problem === undefined) return;
    this.dismissed.add(id);
    // Seen: the affected logs may be compacted again (which drops the unreadable records).
    for (const doc of problem.docs) this.store.acknowledgeProblems(doc);
    this.bump();
  }

  // ---- actions (commands.ts) ----

  async setProfile(profile: ProfileView): Promise<Outcome> {
    const r = await this.commands.setProfile(profile);
    return r.ok ? this.schedule() : r;
  }

  readonly saveCategory = (c: Omit<CategoryView, 'id'> & { id?: string }): Promise<Outcome> =>
    this.commands.saveCategory(c);
  readonly deleteCategory = (id: string): Promise<Outcome> => this.commands.deleteCategory(id);
  readonly restoreCategory = (id: string): Promise<Outcome> => this.commands.restoreCategory(id);
  readonly createHabit = (draft: HabitDraft): Promise<Outcome> => this.commands.createHabit(draft);
  readonly updateHabit = (id: string, draft: HabitDraft): Promise<Outcome> =>
    this.commands.updateHabit(id, draft);
  readonly setArchived = (id: string, archived: boolean): Promise<Outcome> =>
    this.commands.setArchived(id, archived);
  readonly deleteHabit = (id: string): Promise<Outcome> => this.commands.deleteHabit(id);
  readonly checkIn = (habitId: string, date: string, update: CheckInUpdate): Promise<Outcome> =>
    this.commands.checkIn(habitId, date, update);
  readonly restoreMine = (target: ConflictTarget): Promise<Outcome> =>
    this.commands.restoreMine(target);
  readonly keepTheirs = (target: ConflictTarget): Promise<Outcome> =>
    this.commands.keepTheirs(target);
  readonly addOneOff = (title: string, date: string): Promise<Outcome> =>
    this.commands.addOneOff(title, date);
  readonly setOneOffDone = (id: string, done: boolean): Promise<Outcome> =>
    this.commands.setOneOffDone(id, done);
  readonly deleteOneOff = (id: string): Promise<Outcome> => this.commands.deleteOneOff(id);
  readonly previewImport = (text: string): ImportPreview | { error: string } =>
    this.commands.previewImport(text);

  wipe(): Promise<Outcome> {
    return this.options.wipe();
  }
}
