/**
 * The app model over the document store: queries read the current documents through
 * the domain's readers; actions validate input, run a domain mutator through
 * `store.change` (which resolves after the durable append), then the store's event
 * bumps the version and React re-renders. No user action touches the network.
 */
import { randomBytes, sha256, toHex, utf8, uuidV4 } from '@cairn/shared';
import {
  CHECK_IN_FIELDS,
  HybridClock,
  UNKNOWN_NODE,
  addCategory,
  addHabit,
  addOneOff,
  agendaFor,
  archiveHabit,
  checkIn as writeCheckIn,
  checkInRecord,
  cronToPick,
  dayFieldsOf,
  deleteCategory,
  deleteHabit,
  deleteObservationsOf,
  deleteOneOff,
  describeSchedule,
  deviceLabel,
  devicesChange,
  effectiveTimeZone,
  getHabit,
  getObservation,
  habitRecord,
  importCategories,
  importCheckIns,
  importHabits,
  importOneOffs,
  importProfile,
  isCategoryDeleted,
  isOnboarded,
  knownHabits,
  listCategories,
  listHabits,
  monthOf,
  nextScheduledDays,
  onboard,
  oneOffsOn,
  parseTimeZone,
  pickToCron,
  readProfile,
  restoreCategory,
  setDeviceLabel,
  todayIn,
  updateCategory,
  updateHabit,
  updateOneOff,
  validateCron,
  validateDayFields,
  yearChange,
  type CheckInStatus,
  type DocTypes,
  type HabitKind,
  type HabitPatch,
  type MonthKey,
  type Result,
  type Scalar,
} from '../domain';
import type { DocumentStore } from '../storage/document-store';
import type { StorageError } from '../storage/log-storage';
import { conflictOf, type Conflict, type ConflictContext } from './conflicts';
import type { AppModel } from './model';
import { describeProblems, type LoadProblem, type LoadReports } from './problems';
import { computeStats } from './stats';
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
import { categoryView, checkInView, domainKind, habitView, oneOffView } from './views';
import { exportCsv, exportJson, previewImport, type ImportStep } from './transfer';
import type { DevicesControls, PairingControls, RecoveryControls } from './features';
import type { ShellControls } from './shell';
import { Observable } from '../lib/observable';

/** The store's documents, as a mapped type (the store wants an index-signature-compatible map). */
export type AppDocs = { [K in keyof DocTypes]: DocTypes[K] };
export type AppStore = DocumentStore<AppDocs>;

export const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));
const newId = (): string => uuidV4(randomBytes(16));

const OK: Outcome = { ok: true };
const DAILY = '0 0 * * *';
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

/** This device as its edits name it (clock.ts): a stable node and a label for notices. */
export interface DeviceTag {
  /** 16 lowercase hex digits, the same every time the app opens on this device. */
  node: string;
  /** "Phone", "Chrome on Linux": shown on other devices as "changed on …". */
  label: string;
}

const HABIT_CONFLICT_FIELDS = ['name', 'notes', 'categoryId', 'kind', 'target', 'archived'];

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
  private readonly now: () => number;
  private readonly cache = new Map<string, unknown>();
  private readonly loadProblems: LoadProblem[];
  private readonly dismissed = new Set<string>();
  private day = '';
  private readonly device: DeviceTag;
  private readonly clock: HybridClock;
  private labelled = false;

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
    this.now = options.now ?? Date.now;
    this.device = options.device ?? { node: UNKNOWN_NODE, label: 'another device' };
    this.clock = new HybridClock(this.device.node, () => this.now());
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
    return this.memo('habits', () => {
      const live = new Set(this.categories().map((c) => c.id));
      const templates = this.store.doc('templates');
      return listHabits(templates, { includeArchived: true }).map((h) => {
        // A deleted category's habits show none, until the delete is undone.
        const view = habitView(
          h.categoryId !== null && !live.has(h.categoryId) ? { ...h, categoryId: null } : h,
        );
        const conflict = this.habitConflict(h.id);
        if (conflict !== undefined) view.conflict = conflict.view;
        return view;
      });
    });
  }

  private conflictContext(kind: 'yesno' | 'count' | 'duration'): ConflictContext {
    const profile = this.store.doc('profile');
    return {
      self: this.device.node,
      labelOf: (node) => deviceLabel(profile, node),
      timeZone: this.timeZone(),
      fieldName: (field, all) => {
        if (field === 'status' && kind !== 'yesno' && all.includes('value')) return null;
        if (field === 'target' && all.includes('kind')) return null;
        return field === 'categoryId' ? 'category' : field;
      },
      valueText: (field, value) => {
        if (value === null || value === '') return field === 'note' ? 'no note' : 'none';
        if (field === 'status') return value === 'pending' ? 'to do' : String(value);
        if (typeof value === 'string' && field !== 'kind' && field !== 'categoryId') {
          return `“${value}”`;
        }
        if (field === 'categoryId') {
          const c = this.categories().find((x) => x.id === value);
          return c === undefined ? 'another category' : `“${c.name}”`;
        }
        return String(value);
      },
    };
  }

  private habitConflict(habitId: string): Conflict | undefined {
    return conflictOf(
      habitRecord(this.store.doc('templates'), habitId),
      HABIT_CONFLICT_FIELDS,
      this.conflictContext('yesno'),
    );
  }

  private checkInConflict(habitId: string, date: string): Conflict | undefined {
    const habit = getHabit(this.store.doc('templates'), habitId);
    return conflictOf(
      checkInRecord(this.store.doc('observations'), habitId, date, sha256Hex),
      CHECK_IN_FIELDS,
      this.conflictContext(habit?.kind.type ?? 'yesno'),
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
        if (habit === undefined) return [];
        const view = checkInView(item.observation, habit, item.complete);
        const conflict = this.checkInConflict(item.habit.id, date);
        if (conflict !== undefined) view.conflict = conflict.view;
        return [view];
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
    const cron: Result<string> =
      pick.kind === 'custom'
        ? validateDayFields(pick.days)
        : pickToCron(
            pick.kind === 'monthly'
              ? { type: 'monthDay', day: pick.day }
              : pick.kind === 'days'
                ? { type: 'days', days: pick.days.filter(isWeekday) }
                : { type: pick.kind },
          );
    if (!cron.ok) return { ok: false, cron: '', text: cron.error.message, next: [] };
    return {
      ok: true,
      cron: cron.value,
      text: describeSchedule(cron.value),
      next: nextScheduledDays(cron.value, this.today(), 5, this.timeZone()),
    };
  }

  cronToPick(cron: string): SchedulePick {
    const pick = cronToPick(cron);
    if (pick === undefined)
      return { kind: 'custom', days: validateCron(cron).ok ? dayFieldsOf(cron) : '' };
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
    const labelled = await this.writeLabel();
    if (!labelled.ok) return labelled;
    const r = await this.store.change(name, fn);
    return r.ok ? OK : fail(storageMessage(r.error));
  }

  /**
   * Once per session, before this device's first edit: its label under its
   * clock node in the profile, so other devices can say "changed on …".
   */
  private async writeLabel(): Promise<Outcome> {
    if (this.labelled || this.device.node === UNKNOWN_NODE) return OK;
    this.labelled = true;
    let profile = this.store.doc('profile');
    if (deviceLabel(profile, this.device.node) === this.device.label) return OK;
    if (profile.devices === undefined) {
      const r = await this.store.applyLocal('profile', [devicesChange()]);
      if (!r.ok) return fail(storageMessage(r.error));
      profile = this.store.doc('profile');
    }
    if (profile.devices === undefined) return OK;
    const r = await this.store.change('profile', (d) => {
      setDeviceLabel(d, this.device.node, this.device.label);
    });
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

  async setProfile(profile: ProfileView): Promise<Outcome> {
    const name = profile.name.trim();
    if (name === '') return fail('Please enter a name.');
    const tz = parseTimeZone(profile.timezone);
    if (!tz.ok) return fail('Please choose a timezone from the list.');
    const r = await this.write('profile', (d) =>
      onboard(d, { name, timezone: tz.value, now: this.now(), clock: this.clock }),
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
          addCategory(d, { id: newId(), name, colour: c.color, order }, this.clock),
        )
      : this.write('categories', (d) => {
          updateCategory(d, id, { name, colour: c.color, order }, this.clock);
        });
  }

  deleteCategory(id: string): Promise<Outcome> {
    return this.write('categories', (d) => {
      deleteCategory(d, id, this.clock);
    });
  }

  restoreCategory(id: string): Promise<Outcome> {
    if (!isCategoryDeleted(this.store.doc('categories'), id)) {
      return Promise.resolve(fail('That category is no longer there to restore.'));
    }
    return this.write('categories', (d) => {
      restoreCategory(d, id, this.clock);
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
    return this.write('templates', (d) =>
      addHabit(d, {
        id: newId(),
        name: draft.name.trim(),
        categoryId: draft.categoryId,
        schedule: draft.cron,
        kind: domainKind(draft),
        notes: draft.notes,
        startDate: this.today(),
        now: this.now(),
        clock: this.clock,
      }),
    );
  }

  /**
   * Writes what the form changed, compared with the habit as the form showed
   * it: a field left alone gets no new clock, so it cannot win over another
   * device's edit of it. A new schedule takes effect from today.
   */
  async updateHabit(id: string, draft: HabitDraft): Promise<Outcome> {
    const shown = this.habits().find((h) => h.id === id);
    if (shown === undefined) return fail('That habit no longer exists.');
    // A schedule left as it was needs no check (it may be of a kind only a newer version reads).
    const valid = this.checkDraft(draft.cron === shown.cron ? { ...draft, cron: DAILY } : draft);
    if (!valid.ok) return valid;
    const patch: HabitPatch = {};
    const name = draft.name.trim();
    if (name !== shown.name) patch.name = name;
    if (draft.notes !== shown.notes) patch.notes = draft.notes;
    if (draft.categoryId !== shown.categoryId) patch.categoryId = draft.categoryId;
    if (draft.kind !== shown.kind || (draft.kind !== 'yesno' && draft.target !== shown.target)) {
      patch.kind = domainKind(draft);
    }
    if (draft.cron !== shown.cron) patch.schedule = draft.cron;
    const today = this.today();
    return this.write('templates', (d) => {
      updateHabit(d, id, patch, { clock: this.clock, today });
    });
  }

  setArchived(id: string, archived: boolean): Promise<Outcome> {
    return this.write('templates', (d) => {
      archiveHabit(d, id, archived, { clock: this.clock });
    });
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
          clock: this.clock,
        },
        sha256Hex,
      );
    });
  }

  restoreMine(target: ConflictTarget): Promise<Outcome> {
    return this.settle(target, 'mine');
  }

  keepTheirs(target: ConflictTarget): Promise<Outcome> {
    return this.settle(target, 'theirs');
  }

  /** Writes one side of a conflict again, with a new clock: the notice goes, on every device. */
  private async settle(target: ConflictTarget, side: 'mine' | 'theirs'): Promise<Outcome> {
    const conflict =
      target.kind === 'checkIn'
        ? this.checkInConflict(target.habitId, target.date)
        : this.habitConflict(target.habitId);
    if (conflict === undefined) return OK;
    const values = conflict[side];
    const text = (f: string): string | undefined => {
      const v = values[f];
      return typeof v === 'string' ? v : undefined;
    };
    if (target.kind === 'checkIn') {
      const { habitId, date } = target;
      const current = getObservation(this.store.doc('observations'), habitId, date, sha256Hex);
      const status = text('status');
      const value = values['value'];
      const now = this.now();
      return this.write('observations', (d) => {
        writeCheckIn(
          d,
          {
            templateId: habitId,
            date,
            status: isStatus(status) ? status : (current?.status ?? 'pending'),
            ...('value' in values ? { value: typeof value === 'number' ? value : null } : {}),
            ...('note' in values ? { note: text('note') ?? '' } : {}),
            now,
            clock: this.clock,
          },
          sha256Hex,
        );
      });
    }
    const habit = getHabit(this.store.doc('templates'), target.habitId);
    if (habit === undefined) return fail('That habit no longer exists.');
    const patch: HabitPatch = {};
    const name = text('name');
    if (name !== undefined) patch.name = name;
    const notes = text('notes');
    if (notes !== undefined) patch.notes = notes;
    if ('categoryId' in values) patch.categoryId = text('categoryId') ?? null;
    if (typeof values['archived'] === 'boolean') patch.archived = values['archived'];
    if ('kind' in values || 'target' in values) {
      patch.kind = kindFrom(values['kind'] ?? habit.kind.type, values['target'], habit.kind);
    }
    return this.write('templates', (d) => {
      updateHabit(d, target.habitId, patch, { clock: this.clock });
    });
  }

  async addOneOff(title: string, date: string): Promise<Outcome> {
    const text = title.trim();
    if (text === '') return fail('A task needs a title.');
    const months = await this.ensureMonths('oneOffs', [monthOf(date)]);
    if (!months.ok) return months;
    const now = this.now();
    return this.write('oneOffs', (d) =>
      addOneOff(d, { id: newId(), title: text, date, now, clock: this.clock }),
    );
  }

  setOneOffDone(id: string, done: boolean): Promise<Outcome> {
    const now = this.now();
    return this.write('oneOffs', (d) => {
      updateOneOff(d, id, { done }, now, this.clock);
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
    return this.memo('csv', () => exportCsv(this.store, this.today()));
  }

  previewImport(text: string): ImportPreview | { error: string } {
    const options = { clock: this.clock, today: this.today() };
    return previewImport(this.store, text, sha256Hex, options, {
      write: (step) => this.importStep(step),
      ensureMonths: (name, months) => this.ensureMonths(name, months),
      done: async () => {
        await this.schedule();
      },
    });
  }

  private importStep(step: ImportStep): Promise<Outcome> {
    const { data } = step;
    const options = { clock: this.clock, today: this.today() };
    switch (step.doc) {
      case 'profile':
        return this.write('profile', (d) => importProfile(d, data, options));
      case 'categories':
        return this.write('categories', (d) => importCategories(d, data, options));
      case 'templates':
        return this.write('templates', (d) => importHabits(d, data, options));
      case 'observations': {
        const known = knownHabits(this.store.doc('templates'), data);
        return this.write('observations', (d) =>
          importCheckIns(d, data, sha256Hex, known, options),
        );
      }
      case 'oneOffs':
        return this.write('oneOffs', (d) => importOneOffs(d, data, options));
    }
  }

  wipe(): Promise<Outcome> {
    return this.options.wipe();
  }
}

function isWeekday(d: number): d is 0 | 1 | 2 | 3 | 4 | 5 | 6 {
  return Number.isInteger(d) && d >= 0 && d <= 6;
}

function isStatus(s: string | undefined): s is CheckInStatus {
  return s === 'done' || s === 'skipped' || s === 'pending';
}

function kindFrom(
  kind: Scalar,
  target: Scalar | undefined,
  current: { type: string; target?: number },
): HabitKind {
  const t = typeof target === 'number' && target > 0 ? target : (current.target ?? 1);
  return kind === 'count' || kind === 'duration' ? { type: kind, target: t } : { type: 'yesno' };
}
