/**
 * The app model over the document store: queries read the current documents through
 * the domain's readers; actions validate input, run a domain mutator through
 * `store.change` (which resolves after the durable append), then the store's event
 * bumps the version and React re-renders. No user action touches the network.
 */
import type * as A from '@automerge/automerge';
import { randomBytes, sha256, toHex, utf8, uuidV4 } from '@cairn/shared';
import {
  CHECK_IN_FIELDS,
  HybridClock,
  UNKNOWN_NODE,
  agendaFor,
  bringBackCategory,
  checkInRecord,
  createCategory,
  createHabit,
  createOneOff,
  cronToPick,
  dayFieldsOf,
  describeSchedule,
  deviceLabel,
  editCategory,
  editHabit,
  effectiveTimeZone,
  getHabit,
  getObservation,
  habitRecord,
  isOnboarded,
  labelDevice,
  listCategories,
  listHabits,
  markOneOff,
  nextScheduledDays,
  oneOffsOn,
  pickToCron,
  readProfile,
  recordCheckIn,
  removeCategory,
  removeCheckInsOf,
  removeHabit,
  removeOneOff,
  saveProfile,
  setArchived,
  todayIn,
  validateCron,
  validateDayFields,
  type CheckInStatus,
  type DomainErrorCode,
  type HabitKind,
  type HabitPatch,
  type ProfileDoc,
  type Result,
  type Scalar,
} from '../domain';
import { conflictOf, type Conflict, type ConflictContext } from './conflicts';
import { outcome, say } from './messages';
import type { AppModel } from './model';
import { describeProblems, type LoadProblem, type LoadReports } from './problems';
import { computeStats } from './stats';
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
import { categoryView, checkInView, domainKind, habitView, oneOffView } from './views';
import { exportCsv, exportJson, previewImport, type Transact } from './transfer';
import type { RecoveryControls } from '../recovery/controls';
import { Observable } from '../lib/observable';

export type { AppDocs, AppStore } from './store';

export const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));
const newId = (): string => uuidV4(randomBytes(16));

const OK: Outcome = { ok: true };
/** A refusal the app decides before it asks the domain (the code says why). */
const refused = (code: DomainErrorCode): Promise<Outcome> =>
  Promise.resolve({ ok: false, message: say({ code, message: code }) });

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

  constructor(private readonly options: ControllerOptions) {
    this.store = options.store;
    if (options.sync !== undefined) this.sync = options.sync;
    if (options.recovery !== undefined) this.recovery = options.recovery;
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

  /**
   * One user action: `command` runs on the document through the store's
   * `transact`, which seals all it changed as one record and resolves once
   * that record is durable. A refusal or a storage failure comes back in the
   * user's words (messages.ts).
   */
  private readonly write: Transact = async (name, command) => {
    const label = this.labelToWrite();
    if (label !== undefined && name !== 'profile') {
      const labelled = await this.store.transact('profile', label);
      if (!labelled.ok) return outcome(labelled);
    }
    const r = await this.store.transact(name, (doc) => {
      const next = command(doc);
      // A profile edit carries the label in its own record (the label cannot be refused).
      if (!next.ok || label === undefined || name !== 'profile') return next;
      return label(next.value as A.Doc<ProfileDoc>) as typeof next;
    });
    return outcome(r);
  };

  /**
   * Once per session, with this device's first edit: its label under its
   * clock node in the profile, so other devices can say "changed on …".
   */
  private labelToWrite(): ((doc: A.Doc<ProfileDoc>) => Result<A.Doc<ProfileDoc>>) | undefined {
    if (this.labelled || this.device.node === UNKNOWN_NODE) return undefined;
    this.labelled = true;
    const { node, label } = this.device;
    if (deviceLabel(this.store.doc('profile'), node) === label) return undefined;
    return (doc) => labelDevice(doc, node, label);
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
    const r = await this.write('profile', (d) =>
      saveProfile(d, {
        name: profile.name,
        timezone: profile.timezone,
        now: this.now(),
        clock: this.clock,
      }),
    );
    return r.ok ? this.schedule() : r;
  }

  saveCategory(c: Omit<CategoryView, 'id'> & { id?: string }): Promise<Outcome> {
    const fields = { name: c.name, colour: c.color, order: c.order };
    const { id } = c;
    return id === undefined
      ? this.write('categories', (d) => createCategory(d, { id: newId(), ...fields }, this.clock))
      : this.write('categories', (d) => editCategory(d, id, fields, this.clock));
  }

  deleteCategory(id: string): Promise<Outcome> {
    return this.write('categories', (d) => removeCategory(d, id, this.clock));
  }

  restoreCategory(id: string): Promise<Outcome> {
    return this.write('categories', (d) => bringBackCategory(d, id, this.clock));
  }

  createHabit(draft: HabitDraft): Promise<Outcome> {
    if (draft.kind !== 'yesno' && draft.target === null) return refused('bad-target');
    return this.write('templates', (d) =>
      createHabit(d, {
        id: newId(),
        name: draft.name,
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
   * device's edit of it. A new schedule takes effect from today. (A schedule
   * left as it was is not checked: it may be of a kind only a newer version
   * reads.)
   */
  updateHabit(id: string, draft: HabitDraft): Promise<Outcome> {
    const shown = this.habits().find((h) => h.id === id);
    if (shown === undefined) return refused('unknown-habit');
    if (draft.kind !== 'yesno' && draft.target === null) return refused('bad-target');
    const patch: HabitPatch = {};
    if (draft.name.trim() !== shown.name) patch.name = draft.name;
    if (draft.notes !== shown.notes) patch.notes = draft.notes;
    if (draft.categoryId !== shown.categoryId) patch.categoryId = draft.categoryId;
    if (draft.kind !== shown.kind || (draft.kind !== 'yesno' && draft.target !== shown.target)) {
      patch.kind = domainKind(draft);
    }
    if (draft.cron !== shown.cron) patch.schedule = draft.cron;
    const today = this.today();
    return this.write('templates', (d) => editHabit(d, id, patch, { clock: this.clock, today }));
  }

  setArchived(id: string, archived: boolean): Promise<Outcome> {
    return this.write('templates', (d) => setArchived(d, id, archived, { clock: this.clock }));
  }

  /** Two documents, one record each: the habit, then its check-ins. */
  async deleteHabit(id: string): Promise<Outcome> {
    const r = await this.write('templates', (d) => removeHabit(d, id));
    if (!r.ok) return r;
    return this.write('observations', (d) => removeCheckInsOf(d, id));
  }

  checkIn(habitId: string, date: string, update: CheckInUpdate): Promise<Outcome> {
    return this.write('observations', (d) =>
      recordCheckIn(d, getHabit(this.store.doc('templates'), habitId), date, update, {
        now: this.now(),
        clock: this.clock,
        sha256Hex,
      }),
    );
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
      const update: CheckInUpdate = {
        status: isStatus(status) ? status : (current?.status ?? 'pending'),
        ...('value' in values ? { value: typeof value === 'number' ? value : null } : {}),
        ...('note' in values ? { note: text('note') ?? '' } : {}),
      };
      return this.checkIn(habitId, date, update);
    }
    const habit = getHabit(this.store.doc('templates'), target.habitId);
    if (habit === undefined) return refused('unknown-habit');
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
    return this.write('templates', (d) =>
      editHabit(d, target.habitId, patch, { clock: this.clock }),
    );
  }

  addOneOff(title: string, date: string): Promise<Outcome> {
    return this.write('oneOffs', (d) =>
      createOneOff(d, { id: newId(), title, date, now: this.now(), clock: this.clock }),
    );
  }

  setOneOffDone(id: string, done: boolean): Promise<Outcome> {
    return this.write('oneOffs', (d) =>
      markOneOff(d, id, done, { now: this.now(), clock: this.clock }),
    );
  }

  deleteOneOff(id: string): Promise<Outcome> {
    return this.write('oneOffs', (d) => removeOneOff(d, id));
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
      write: this.write,
      done: async () => {
        await this.schedule();
      },
    });
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
