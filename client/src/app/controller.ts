/**
 * The app model over the document store: queries read the current documents through
 * the domain's readers; actions validate input, run a domain mutator through
 * `store.change` (which resolves after the durable append), then the store's event
 * bumps the version and React re-renders. No user action touches the network.
 */
import { randomBytes, sha256, toHex, utf8, uuidV4 } from '@cairn/shared';
import {
  addCategory,
  addHabit,
  addOneOff,
  agendaFor,
  archiveHabit,
  checkIn as writeCheckIn,
  clearCategory,
  cronToPick,
  deleteCategory,
  deleteHabit,
  deleteObservationsOf,
  deleteOneOff,
  describeSchedule,
  dueCheckIns,
  effectiveTimeZone,
  getHabit,
  getObservation,
  importCategories,
  importCheckIns,
  importHabits,
  importOneOffs,
  importProfile,
  isOnboarded,
  listCategories,
  listHabits,
  materialise,
  monthOf,
  monthsOf,
  onboard,
  oneOffsOn,
  parseTimeZone,
  pickToCron,
  readProfile,
  todayIn,
  updateCategory,
  updateHabit,
  updateOneOff,
  validateCron,
  yearChange,
  type CheckInStatus,
  type DocTypes,
  type MonthKey,
} from '../domain';
import type { DocumentStore } from '../storage/document-store';
import type { StorageError } from '../storage/log-storage';
import type { AppModel } from './model';
import { describeProblems, type LoadProblem, type LoadReports } from './problems';
import { computeStats } from './stats';
import type {
  CategoryView,
  CheckInUpdate,
  CheckInView,
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
import { categoryView, checkInView, domainKind, habitView, oneOffView } from './views';
import { exportCsv, exportJson, previewImport, type ImportStep } from './transfer';
import type { RecoveryControls } from '../recovery/controls';
import { Observable } from '../lib/observable';

/** The store's documents, as a mapped type (the store wants an index-signature-compatible map). */
export type AppDocs = { [K in keyof DocTypes]: DocTypes[K] };
export type AppStore = DocumentStore<AppDocs>;

export const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));
const newId = (): string => uuidV4(randomBytes(16));

const OK: Outcome = { ok: true };
const fail = (message: string): Outcome => ({ ok: false, message });

function storageMessage(error: StorageError): string {
  switch (error.code) {
    case 'quota':
      return 'This device is out of storage space; nothing was saved.';
    case 'locked':
      return 'Cairn is open in another tab; close it and try again.';
    case 'closed':
      return 'Storage is closed; reload the app.';
    default:
      return `Could not save: ${error.message}`;
  }
}

export interface ControllerOptions {
  store: AppStore;
  reports: LoadReports;
  wipe: () => Promise<Outcome>;
  now?: () => number;
  /** Sync with a relay (the browser's engine); absent, the app is local only. */
  sync?: SyncControls;
  /** The recovery phrase (client/src/recovery); absent in tests of the UI alone. */
  recovery?: RecoveryControls;
}

export class Controller implements AppModel {
  private readonly store: AppStore;
  private readonly now: () => number;
  private readonly cache = new Map<string, unknown>();
  private readonly loadProblems: LoadProblem[];
  private readonly dismissed = new Set<string>();
  private day = '';

  readonly sync?: SyncControls;
  readonly recovery?: RecoveryControls;

  constructor(private readonly options: ControllerOptions) {
    this.store = options.store;
    if (options.sync !== undefined) this.sync = options.sync;
    if (options.recovery !== undefined) this.recovery = options.recovery;
    this.now = options.now ?? Date.now;
    this.loadProblems = describeProblems(options.reports);
    this.store.subscribe(() => this.bump());
  }

  // ---- subscription ----

  /** The version: one more after every change the UI must see. */
  private readonly changes = new Observable(0);

  readonly subscribe = (listener: () => void): (() => void) => this.changes.subscribe(listener);

  readonly version = (): number => this.changes.get();

  private bump(): void {
    this.cache.clear();
    this.changes.set(this.changes.get() + 1);
  }

  private memo<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = compute();
    this.cache.set(key, value);
    return value;
  }

  // ---- queries ----

  profile(): ProfileView | null {
    const doc = this.store.doc('profile');
    if (!isOnboarded(doc)) return null;
    const p = readProfile(doc);
    return { name: p.name, timezone: p.timezone };
  }

  private timeZone(): string {
    return effectiveTimeZone(this.store.doc('profile'));
  }

  today(): string {
    return todayIn(this.timeZone(), this.now());
  }

  categories(): CategoryView[] {
    return this.memo('categories', () =>
      listCategories(this.store.doc('categories')).map(categoryView),
    );
  }

  habits(): HabitView[] {
    return this.memo('habits', () =>
      listHabits(this.store.doc('templates'), { includeArchived: true }).map(habitView),
    );
  }

  dueOn(date: string): CheckInView[] {
    return this.memo(`due:${date}`, () => {
      const views = new Map(this.habits().map((h) => [h.id, h]));
      return agendaFor(
        this.store.doc('templates'),
        this.store.doc('observations'),
        date,
        this.timeZone(),
        sha256Hex,
      ).flatMap((item) => {
        const habit = views.get(item.habit.id);
        return habit === undefined ? [] : [checkInView(item.observation, habit, item.complete)];
      });
    });
  }

  oneOffsOn(date: string): OneOffView[] {
    return this.memo(`oneoffs:${date}`, () =>
      oneOffsOn(this.store.doc('oneOffs'), date).map(oneOffView),
    );
  }

  stats(habitId: string): HabitStats {
    return this.memo(`stats:${habitId}`, () =>
      computeStats(
        this.store.doc('templates'),
        this.store.doc('observations'),
        habitId,
        this.today(),
        this.timeZone(),
      ),
    );
  }

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

  readPick(pick: SchedulePick): ScheduleCheck {
    const cron =
      pick.kind === 'custom'
        ? validateCron(pick.cron)
        : pickToCron(
            pick.kind === 'monthly'
              ? { type: 'monthDay', day: pick.day }
              : pick.kind === 'days'
                ? { type: 'days', days: pick.days.filter(isWeekday) }
                : { type: pick.kind },
          );
    if (!cron.ok) return { ok: false, cron: '', text: cron.error.message };
    return { ok: true, cron: cron.value, text: describeSchedule(cron.value) };
  }

  cronToPick(cron: string): SchedulePick {
    const pick = cronToPick(cron);
    if (pick === undefined) return { kind: 'custom', cron };
    switch (pick.type) {
      case 'daily':
      case 'weekdays':
        return { kind: pick.type };
      case 'days':
        return { kind: 'days', days: [...pick.days] };
      case 'monthDay':
        return { kind: 'monthly', day: pick.day };
    }
  }

  // ---- actions ----

  private async write<K extends keyof AppDocs>(
    name: K,
    fn: (d: AppDocs[K]) => void,
  ): Promise<Outcome> {
    const r = await this.store.change(name, fn);
    return r.ok ? OK : fail(storageMessage(r.error));
  }

  /** Adds the deterministic year changes that create the month buckets a write needs. */
  private async ensureMonths(
    name: 'observations' | 'oneOffs',
    months: readonly MonthKey[],
  ): Promise<Outcome> {
    const doc = this.store.doc(name);
    const years = new Set(
      months.filter((m) => !(m in doc.months)).map((m) => Number(m.slice(0, 4))),
    );
    if (years.size === 0) return OK;
    // applyLocal, not applyRemote: the record must be pushed, or other devices would
    // receive check-ins whose month bucket they never see.
    const r = await this.store.applyLocal(
      name,
      [...years].map((y) => yearChange(name, y)),
    );
    return r.ok ? OK : fail(storageMessage(r.error));
  }

  /** Writes the check-ins due up to today that have no row yet (the lazy scheduler). */
  async schedule(): Promise<Outcome> {
    if (this.profile() === null) return OK;
    const tz = this.timeZone();
    const today = todayIn(tz, this.now());
    this.day = today;
    const due = dueCheckIns(
      this.store.doc('templates'),
      this.store.doc('observations'),
      today,
      tz,
      sha256Hex,
    );
    if (due.length === 0) return OK;
    const months = await this.ensureMonths('observations', monthsOf(due));
    if (!months.ok) return months;
    return this.write('observations', (d) => {
      materialise(d, due, today);
    });
  }

  /** Called every minute: a new day materialises its check-ins. */
  async tick(): Promise<void> {
    if (this.profile() !== null && this.today() !== this.day) {
      await this.schedule();
      this.bump();
    }
  }

  async setProfile(profile: ProfileView): Promise<Outcome> {
    const name = profile.name.trim();
    if (name === '') return fail('Please enter a name.');
    const tz = parseTimeZone(profile.timezone);
    if (!tz.ok) return fail('Please choose a timezone from the list.');
    const r = await this.write('profile', (d) =>
      onboard(d, { name, timezone: tz.value, now: this.now() }),
    );
    return r.ok ? this.schedule() : r;
  }

  async saveCategory(c: Omit<CategoryView, 'id'> & { id?: string }): Promise<Outcome> {
    const name = c.name.trim();
    if (name === '') return fail('A category needs a name.');
    if (!/^#[0-9a-fA-F]{6}$/.test(c.color)) return fail('Pick a colour.');
    const order = Number.isFinite(c.order) ? c.order : 0;
    const { id } = c;
    return id === undefined
      ? this.write('categories', (d) =>
          addCategory(d, { id: newId(), name, colour: c.color, order }),
        )
      : this.write('categories', (d) => {
          updateCategory(d, id, { name, colour: c.color, order });
        });
  }

  async deleteCategory(id: string): Promise<Outcome> {
    const r = await this.write('categories', (d) => {
      deleteCategory(d, id);
    });
    if (!r.ok) return r;
    return this.write('templates', (d) => {
      clearCategory(d, id);
    });
  }

  private checkDraft(draft: HabitDraft): Outcome {
    if (draft.name.trim() === '') return fail('A habit needs a name.');
    const cron = validateCron(draft.cron);
    if (!cron.ok) return fail(`Schedule: ${cron.error.message}`);
    if (draft.kind !== 'yesno' && !(draft.target !== null && draft.target > 0)) {
      return fail('The target must be a number above zero.');
    }
    return OK;
  }

  async createHabit(draft: HabitDraft): Promise<Outcome> {
    const valid = this.checkDraft(draft);
    if (!valid.ok) return valid;
    const r = await this.write('templates', (d) =>
      addHabit(d, {
        id: newId(),
        name: draft.name.trim(),
        categoryId: draft.categoryId,
        schedule: draft.cron,
        kind: domainKind(draft),
        notes: draft.notes,
        startDate: this.today(),
        now: this.now(),
      }),
    );
    return r.ok ? this.schedule() : r;
  }

  async updateHabit(id: string, draft: HabitDraft): Promise<Outcome> {
    const valid = this.checkDraft(draft);
    if (!valid.ok) return valid;
    const r = await this.write('templates', (d) => {
      updateHabit(d, id, {
        name: draft.name.trim(),
        categoryId: draft.categoryId,
        schedule: draft.cron,
        kind: domainKind(draft),
        notes: draft.notes,
      });
    });
    return r.ok ? this.schedule() : r;
  }

  async setArchived(id: string, archived: boolean): Promise<Outcome> {
    const r = await this.write('templates', (d) => {
      archiveHabit(d, id, archived);
    });
    return r.ok && !archived ? this.schedule() : r;
  }

  async deleteHabit(id: string): Promise<Outcome> {
    const r = await this.write('templates', (d) => {
      deleteHabit(d, id);
    });
    if (!r.ok) return r;
    return this.write('observations', (d) => {
      deleteObservationsOf(d, id);
    });
  }

  async checkIn(habitId: string, date: string, update: CheckInUpdate): Promise<Outcome> {
    const habit = getHabit(this.store.doc('templates'), habitId);
    if (habit === undefined) return fail('That habit no longer exists.');
    const months = await this.ensureMonths('observations', [monthOf(date)]);
    if (!months.ok) return months;
    const current = getObservation(this.store.doc('observations'), habitId, date, sha256Hex);
    let status: CheckInStatus = update.status ?? current?.status ?? 'pending';
    if (update.value !== undefined && update.value !== null && update.status === undefined) {
      // A value reaching the target completes the day; below it, the day is still open.
      const target = habit.kind.type === 'yesno' ? 1 : habit.kind.target;
      status = update.value >= target ? 'done' : 'pending';
    }
    const now = this.now();
    return this.write('observations', (d) => {
      writeCheckIn(
        d,
        {
          templateId: habitId,
          date,
          status,
          ...(update.value !== undefined ? { value: update.value } : {}),
          ...(update.note !== undefined ? { note: update.note } : {}),
          now,
        },
        sha256Hex,
      );
    });
  }

  async addOneOff(title: string, date: string): Promise<Outcome> {
    const text = title.trim();
    if (text === '') return fail('A task needs a title.');
    const months = await this.ensureMonths('oneOffs', [monthOf(date)]);
    if (!months.ok) return months;
    const now = this.now();
    return this.write('oneOffs', (d) => addOneOff(d, { id: newId(), title: text, date, now }));
  }

  setOneOffDone(id: string, done: boolean): Promise<Outcome> {
    const now = this.now();
    return this.write('oneOffs', (d) => {
      updateOneOff(d, id, { done }, now);
    });
  }

  deleteOneOff(id: string): Promise<Outcome> {
    return this.write('oneOffs', (d) => {
      deleteOneOff(d, id);
    });
  }

  exportJson(): string {
    return exportJson(this.store, this.now());
  }

  exportCsv(): CsvFileView[] {
    return this.memo('csv', () => exportCsv(this.store));
  }

  previewImport(text: string): ImportPreview | { error: string } {
    return previewImport(this.store, text, sha256Hex, {
      write: (step) => this.importStep(step),
      ensureMonths: (name, months) => this.ensureMonths(name, months),
      done: async () => {
        await this.schedule();
      },
    });
  }

  private importStep(step: ImportStep): Promise<Outcome> {
    const { data } = step;
    switch (step.doc) {
      case 'profile':
        return this.write('profile', (d) => importProfile(d, data));
      case 'categories':
        return this.write('categories', (d) => importCategories(d, data));
      case 'templates':
        return this.write('templates', (d) => importHabits(d, data));
      case 'observations':
        return this.write('observations', (d) => importCheckIns(d, data, sha256Hex));
      case 'oneOffs':
        return this.write('oneOffs', (d) => importOneOffs(d, data));
    }
  }

  wipe(): Promise<Outcome> {
    return this.options.wipe();
  }
}

function isWeekday(d: number): d is 0 | 1 | 2 | 3 | 4 | 5 | 6 {
  return Number.isInteger(d) && d >= 0 && d <= 6;
}
