/**
 * The read models of the app: what the UI shows, read from the store's current
 * documents through the domain's readers and kept until the next change
 * (`forget`). Nothing here writes.
 */
import {
  CHECK_IN_FIELDS,
  agendaFor,
  checkInRecord,
  cronToPick,
  dayFieldsOf,
  describeSchedule,
  deviceLabel,
  effectiveTimeZone,
  getHabit,
  habitRecord,
  isOnboarded,
  listCategories,
  listHabits,
  nextScheduledDays,
  oneOffsOn,
  pickToCron,
  readProfile,
  todayIn,
  validateCron,
  validateDayFields,
  type Result,
} from '../domain';
import { sha256, toHex, utf8 } from '@cairn/shared';
import { conflictOf, type Conflict, type ConflictContext } from './conflicts';
import { computeStats } from './stats';
import type { AppStore } from './store';
import { exportCsv, exportJson } from './transfer';
import type {
  CategoryView,
  CheckInView,
  CsvFileView,
  HabitStats,
  HabitView,
  OneOffView,
  ProfileView,
  ScheduleCheck,
  SchedulePick,
} from './types';
import { categoryView, checkInView, habitView, oneOffView } from './views';

export const sha256Hex = (s: string): string => toHex(sha256(utf8(s)));

const HABIT_CONFLICT_FIELDS = ['name', 'notes', 'categoryId', 'kind', 'target', 'archived'];

export class Queries {
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly store: AppStore,
    /** This device's clock node: its own edits are not conflicts to show. */
    private readonly node: string,
    private readonly now: () => number,
  ) {}

  /** The documents changed: every read model is computed again when next asked. */
  forget(): void {
    this.cache.clear();
  }

  private memo<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = compute();
    this.cache.set(key, value);
    return value;
  }

  profile(): ProfileView | null {
    const doc = this.store.doc('profile');
    if (!isOnboarded(doc)) return null;
    const p = readProfile(doc);
    return { name: p.name, timezone: p.timezone };
  }

  timeZone(): string {
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
      self: this.node,
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

  habitConflict(habitId: string): Conflict | undefined {
    return conflictOf(
      habitRecord(this.store.doc('templates'), habitId),
      HABIT_CONFLICT_FIELDS,
      this.conflictContext('yesno'),
    );
  }

  checkInConflict(habitId: string, date: string): Conflict | undefined {
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

  exportJson(): string {
    return exportJson(this.store, this.now());
  }

  exportCsv(): CsvFileView[] {
    return this.memo('csv', () => exportCsv(this.store, this.today()));
  }
}

function isWeekday(d: number): d is 0 | 1 | 2 | 3 | 4 | 5 | 6 {
  return Number.isInteger(d) && d >= 0 && d <= 6;
}
