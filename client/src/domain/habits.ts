/** The `templates` document: habits, id → StoredHabit. */
import { isLocalDate, type LocalDate } from './dates';
import { str } from './documents';
import { assertFiniteNonNegative, assertNonEmpty, differs, imm } from './fields';
import { validateCron } from './schedule';
import type { Habit, HabitKind, StoredHabit, TemplatesDoc } from './types';

export interface HabitInput {
  /** Random, made by the caller (e.g. a UUID). */
  id: string;
  name: string;
  categoryId?: string | null;
  /** A 5-field cron; validate it with validateCron (or build it with pickToCron) first. */
  schedule: string;
  kind: HabitKind;
  notes?: string;
  /** The user's day today (todayIn(timezone, now)): the habit is due from this day. */
  startDate: LocalDate;
  /** ms since the epoch. */
  now: number;
  /** Defaults to after the last habit. */
  order?: number;
}

export type HabitPatch = Partial<
  Pick<HabitInput, 'name' | 'categoryId' | 'schedule' | 'kind' | 'notes' | 'order' | 'startDate'>
> & { archived?: boolean };

function kindTarget(kind: HabitKind): number {
  if (kind.type === 'yesno') return 0;
  assertFiniteNonNegative('target', kind.target);
  if (kind.target <= 0) throw new Error('target must be > 0');
  return kind.target;
}

function checkSchedule(cron: string): string {
  const valid = validateCron(cron);
  if (!valid.ok)
    throw new Error(`invalid schedule (validate before saving): ${valid.error.message}`);
  return valid.value;
}

function nextOrder(d: TemplatesDoc): number {
  let max = -1;
  for (const h of Object.values(d.habits)) max = Math.max(max, h.order);
  return max + 1;
}

export function addHabit(d: TemplatesDoc, input: HabitInput): void {
  assertNonEmpty('habit id', input.id);
  if (input.id in d.habits) throw new Error(`habit ${input.id} exists`);
  if (!isLocalDate(input.startDate)) throw new Error(`bad startDate ${input.startDate}`);
  const categoryId = input.categoryId ?? null;
  d.habits[input.id] = {
    id: imm(input.id),
    name: imm(input.name),
    categoryId: categoryId === null ? null : imm(categoryId),
    schedule: imm(checkSchedule(input.schedule)),
    kind: imm(input.kind.type),
    target: kindTarget(input.kind),
    notes: imm(input.notes ?? ''),
    archived: false,
    createdAt: input.now,
    startDate: imm(input.startDate),
    order: input.order ?? nextOrder(d),
  };
}

/**
 * Field by field, so concurrent edits of different fields both survive a
 * merge. A schedule change applies to days not yet materialised; days already
 * materialised as due keep their row (history does not move).
 */
export function updateHabit(d: TemplatesDoc, id: string, patch: HabitPatch): boolean {
  const h = d.habits[id];
  if (!h) return false;
  if (patch.name !== undefined && differs(h.name, patch.name)) h.name = imm(patch.name);
  if (patch.notes !== undefined && differs(h.notes, patch.notes)) h.notes = imm(patch.notes);
  if (patch.categoryId !== undefined) {
    if (patch.categoryId === null) {
      if (h.categoryId !== null) h.categoryId = null;
    } else if (differs(h.categoryId, patch.categoryId)) {
      h.categoryId = imm(patch.categoryId);
    }
  }
  if (patch.schedule !== undefined) {
    const cron = checkSchedule(patch.schedule);
    if (differs(h.schedule, cron)) h.schedule = imm(cron);
  }
  if (patch.kind !== undefined) {
    if (differs(h.kind, patch.kind.type)) h.kind = imm(patch.kind.type);
    const target = kindTarget(patch.kind);
    if (h.target !== target) h.target = target;
  }
  if (patch.startDate !== undefined && differs(h.startDate, patch.startDate)) {
    if (!isLocalDate(patch.startDate)) throw new Error(`bad startDate ${patch.startDate}`);
    h.startDate = imm(patch.startDate);
  }
  if (patch.order !== undefined && h.order !== patch.order) h.order = patch.order;
  if (patch.archived !== undefined && h.archived !== patch.archived) h.archived = patch.archived;
  return true;
}

/** Archived habits are hidden from Today and no longer materialised; their history stays. */
export function archiveHabit(d: TemplatesDoc, id: string, archived = true): boolean {
  return updateHabit(d, id, { archived });
}

/** A real delete. Its check-ins stay unless removed with `deleteObservationsOf`. */
export function deleteHabit(d: TemplatesDoc, id: string): boolean {
  if (!(id in d.habits)) return false;
  delete d.habits[id];
  return true;
}

/** Habits in a deleted category become uncategorised. Returns how many changed. */
export function clearCategory(d: TemplatesDoc, categoryId: string): number {
  let n = 0;
  for (const h of Object.values(d.habits)) {
    if (h.categoryId !== null && str(h.categoryId) === categoryId) {
      h.categoryId = null;
      n++;
    }
  }
  return n;
}

function readKind(kind: string, target: number): HabitKind {
  if ((kind === 'count' || kind === 'duration') && Number.isFinite(target) && target > 0) {
    return { type: kind, target };
  }
  // An unknown kind (from a newer version) reads as yes/no rather than failing.
  return { type: 'yesno' };
}

export function readHabit(h: StoredHabit): Habit {
  return {
    id: str(h.id),
    name: str(h.name),
    categoryId: h.categoryId === null ? null : str(h.categoryId),
    schedule: str(h.schedule),
    kind: readKind(str(h.kind), h.target),
    notes: str(h.notes),
    archived: h.archived,
    createdAt: h.createdAt,
    startDate: str(h.startDate),
    order: h.order,
  };
}

/** Ordered by `order`, then name, then id. Archived habits only when asked. */
export function listHabits(
  doc: TemplatesDoc,
  options: { includeArchived?: boolean } = {},
): Habit[] {
  return Object.values(doc.habits)
    .map(readHabit)
    .filter((h) => options.includeArchived === true || !h.archived)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function getHabit(doc: TemplatesDoc, id: string): Habit | undefined {
  const h = doc.habits[id];
  return h ? readHabit(h) : undefined;
}
