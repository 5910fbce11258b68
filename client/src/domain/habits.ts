/**
 * The `templates` document: habits, id → StoredHabit.
 *
 * Every field a user edits carries a clock (lww.ts): concurrent edits of one
 * field keep the later one, of different fields keep both.
 *
 * Schedules (rules.ts): `schedules` maps the day a rule took effect to the
 * rule, `{ kind, cron, clock }`, written whole. An edit writes an entry dated
 * the user's today (and rewrites entries dated later, so none of them undoes
 * it); two devices that set a rule for the same day keep the one with the
 * later clock. The older `schedule` field is kept equal to the latest cron for
 * versions that predate schedule history; a habit written by such a version
 * (no `schedules`) has had one rule, `schedule`, since its start date, and its
 * first edit writes that rule as the entry of its start date.
 */
import * as A from '@automerge/automerge';
import { clockAt, maxHlc, type ClockSource } from './clock';
import { isLocalDate, type LocalDate } from './dates';
import { str } from './documents';
import { assertFiniteNonNegative, assertNonEmpty } from './fields';
import {
  StoredRecord,
  isDraft,
  mergedKeys,
  writeFields,
  type FieldPatch,
  type Scalar,
} from './lww';
import {
  cronRule,
  latestRule,
  ruleOn,
  sameRule,
  type ScheduleEntry,
  type ScheduleRule,
} from './rules';
import { validateCron } from './schedule';
import type { Habit, HabitKind, StoredHabit, StoredScheduleEntry, TemplatesDoc } from './types';

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
  /** The device's clock (clock.ts); defaults to clocks at `now`. */
  clock?: ClockSource;
}

export type HabitPatch = Partial<
  Pick<HabitInput, 'name' | 'categoryId' | 'schedule' | 'kind' | 'notes' | 'order' | 'startDate'>
> & { archived?: boolean };

export interface EditContext {
  /** The device's clock (clock.ts). */
  clock?: ClockSource;
  /** The user's day today: a schedule edit takes effect from it. Required with `schedule`. */
  today?: LocalDate;
}

/** Fields a user edits, each with a clock. */
const EDITED = [
  'name',
  'categoryId',
  'kind',
  'target',
  'notes',
  'archived',
  'order',
  'startDate',
] as const;

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

const imm = (s: string): A.ImmutableString => new A.ImmutableString(s);

function storedEntry(rule: ScheduleRule, clock: string): StoredScheduleEntry {
  if (rule.kind === 'cron') return { kind: imm('cron'), cron: imm(rule.cron), clock: imm(clock) };
  const out: StoredScheduleEntry = { kind: imm(rule.type), clock: imm(clock) };
  for (const [k, v] of Object.entries(rule.fields)) {
    if (k === 'kind' || k === 'clock') continue;
    out[k] = typeof v === 'string' ? imm(v) : v;
  }
  return out;
}

export function addHabit(d: TemplatesDoc, input: HabitInput): void {
  assertNonEmpty('habit id', input.id);
  if (input.id in d.habits) throw new Error(`habit ${input.id} exists`);
  if (!isLocalDate(input.startDate)) throw new Error(`bad startDate ${input.startDate}`);
  const cron = checkSchedule(input.schedule);
  const clock = input.clock ?? clockAt(input.now);
  const patch: FieldPatch = {
    name: input.name,
    categoryId: input.categoryId ?? null,
    kind: input.kind.type,
    target: kindTarget(input.kind),
    notes: input.notes ?? '',
    archived: false,
    order: input.order ?? nextOrder(d),
    startDate: input.startDate,
  };
  writeFields(d, d.habits, input.id, patch, clock, () => ({
    id: imm(input.id),
    schedule: imm(cron),
    createdAt: input.now,
  }));
  const habit = d.habits[input.id];
  if (!habit) throw new Error('habit not written');
  const stamp = str(habit.nameClock);
  habit.schedules = { [input.startDate]: storedEntry(cronRule(cron), stamp) };
}

/**
 * Field by field, each with a clock, so concurrent edits of different fields
 * both survive a merge and of one field keep the later. A schedule takes
 * effect from `context.today`; the days before keep the rules they had.
 */
export function updateHabit(
  d: TemplatesDoc,
  id: string,
  patch: HabitPatch,
  context: EditContext = {},
): boolean {
  const record = StoredRecord.at(d, d.habits, id);
  if (record === undefined) return false;
  const clock = context.clock ?? clockAt(Date.UTC(2000, 0, 1));
  const fields: Record<string, Scalar> = {};
  if (patch.name !== undefined) fields['name'] = patch.name;
  if (patch.notes !== undefined) fields['notes'] = patch.notes;
  if (patch.categoryId !== undefined) fields['categoryId'] = patch.categoryId;
  if (patch.kind !== undefined) {
    fields['kind'] = patch.kind.type;
    fields['target'] = kindTarget(patch.kind);
  }
  if (patch.startDate !== undefined) {
    if (!isLocalDate(patch.startDate)) throw new Error(`bad startDate ${patch.startDate}`);
    fields['startDate'] = patch.startDate;
  }
  if (patch.order !== undefined) fields['order'] = patch.order;
  if (patch.archived !== undefined) fields['archived'] = patch.archived;
  writeFields(d, d.habits, id, fields, clock);
  if (patch.schedule !== undefined) {
    if (context.today === undefined)
      throw new Error('a schedule edit needs the day it takes effect');
    setSchedule(d, id, cronRule(checkSchedule(patch.schedule)), context.today, clock);
  }
  return true;
}

/**
 * The rule `rule` from `from` on: written as the entry of `from`, and over
 * every entry dated later. Nothing is written when that is already so.
 */
export function setSchedule(
  d: TemplatesDoc,
  id: string,
  rule: ScheduleRule,
  from: LocalDate,
  clock: ClockSource,
): boolean {
  const record = StoredRecord.at(d, d.habits, id);
  const habit = d.habits[id];
  if (record === undefined || habit === undefined) return false;
  const history = readHistory(record, str(habit.schedule), str(habit.startDate));
  const later = history.filter((e) => e.from > from);
  const at = history.find((e) => e.from === from);
  const inForce = ruleOn(history, from);
  const settled =
    later.every((e) => sameRule(e.rule, rule)) &&
    (at !== undefined
      ? sameRule(at.rule, rule) && !scheduleConflicted(record, from)
      : inForce !== undefined && sameRule(inForce, rule));
  if (settled) return false;
  const keys = [from, ...later.map((e) => e.from)];
  const stamp = clock.next(maxEntryClock(record, keys));
  if (habit.schedules === undefined) {
    // A habit from a version before schedule history: its one rule becomes the first entry.
    const start = str(habit.startDate);
    const first = history[0];
    const entries: Record<string, StoredScheduleEntry> = {};
    if (first !== undefined && start < from) entries[start] = storedEntry(first.rule, stamp);
    for (const k of keys) entries[k] = storedEntry(rule, stamp);
    habit.schedules = entries;
  } else {
    for (const k of keys) habit.schedules[k] = storedEntry(rule, stamp);
  }
  if (rule.kind === 'cron' && str(habit.schedule) !== rule.cron) habit.schedule = imm(rule.cron);
  return true;
}

/** Writes entries as given (an import): each one whose day has another rule. */
export function mergeScheduleHistory(
  d: TemplatesDoc,
  id: string,
  entries: readonly ScheduleEntry[],
  clock: ClockSource,
): void {
  const record = StoredRecord.at(d, d.habits, id);
  const habit = d.habits[id];
  if (record === undefined || habit === undefined) return;
  const history = readHistory(record, str(habit.schedule), str(habit.startDate));
  const changed = entries.filter((e) => {
    const at = history.find((h) => h.from === e.from);
    return at === undefined || !sameRule(at.rule, e.rule);
  });
  if (changed.length === 0) return;
  const stamp = clock.next(
    maxEntryClock(
      record,
      changed.map((e) => e.from),
    ),
  );
  if (habit.schedules === undefined) {
    const first = history[0];
    habit.schedules = first === undefined ? {} : { [first.from]: storedEntry(first.rule, stamp) };
  }
  for (const e of changed) habit.schedules[e.from] = storedEntry(e.rule, stamp);
  const latest = latestRule(readHistory(record, str(habit.schedule), str(habit.startDate)));
  if (latest?.kind === 'cron' && str(habit.schedule) !== latest.cron) {
    habit.schedule = imm(latest.cron);
  }
}

function maxEntryClock(record: StoredRecord, keys: readonly string[]): string {
  const maps = record.under('schedules');
  let max = '';
  if (maps === undefined) return max;
  for (const k of keys) {
    const entries = maps.under(k);
    if (entries === undefined) continue;
    for (const c of entries.cells('clock'))
      if (typeof c.value === 'string') max = maxHlc(max, c.value);
  }
  return max;
}

function scheduleConflicted(record: StoredRecord, from: LocalDate): boolean {
  const entries = record.under('schedules')?.under(from);
  return entries !== undefined && entries.ids.length > 1;
}

function readRule(fields: Readonly<Record<string, Scalar>>): ScheduleRule {
  const kind = fields['kind'];
  const cron = fields['cron'];
  if (kind === 'cron' && typeof cron === 'string') return cronRule(cron);
  return { kind: 'unknown', type: typeof kind === 'string' ? kind : '', fields };
}

/** The schedule history of a stored habit, oldest first (never empty). */
function readHistory(record: StoredRecord, legacy: string, startDate: string): ScheduleEntry[] {
  const maps = record.under('schedules');
  const out: ScheduleEntry[] = [];
  if (maps !== undefined) {
    for (const from of maps.keys()) {
      if (!isLocalDate(from)) continue;
      const entry = maps.under(from)?.wholeWinner('clock');
      if (entry !== undefined) out.push({ from, rule: readRule(entry) });
    }
  }
  if (out.length === 0) return [{ from: startDate, rule: cronRule(legacy) }];
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

/** Archived habits are hidden from Today; their history stays. */
export function archiveHabit(
  d: TemplatesDoc,
  id: string,
  archived = true,
  context: EditContext = {},
): boolean {
  return updateHabit(d, id, { archived }, context);
}

/** A real delete. Its check-ins stay unless removed with `deleteObservationsOf`. */
export function deleteHabit(d: TemplatesDoc, id: string): boolean {
  if (!(id in d.habits)) return false;
  delete d.habits[id];
  return true;
}

/** Habits in `categoryId` become uncategorised. Returns how many changed. */
export function clearCategory(
  d: TemplatesDoc,
  categoryId: string,
  context: EditContext = {},
): number {
  let n = 0;
  for (const h of listHabits(d, { includeArchived: true })) {
    if (h.categoryId === categoryId) {
      updateHabit(d, h.id, { categoryId: null }, context);
      n++;
    }
  }
  return n;
}

function readKind(kind: Scalar | undefined, target: Scalar | undefined): HabitKind {
  if (
    (kind === 'count' || kind === 'duration') &&
    typeof target === 'number' &&
    Number.isFinite(target) &&
    target > 0
  ) {
    return { type: kind, target };
  }
  // An unknown kind (from a newer version) reads as yes/no rather than failing.
  return { type: 'yesno' };
}

const text = (v: Scalar | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: Scalar | undefined): number => (typeof v === 'number' ? v : 0);

function readRecord(id: string, stored: StoredHabit, record: StoredRecord): Habit {
  const startDate = text(record.value('startDate'));
  const history = readHistory(record, str(stored.schedule), startDate);
  const latest = latestRule(history);
  const categoryId = record.value('categoryId');
  return {
    id,
    name: text(record.value('name')),
    categoryId: typeof categoryId === 'string' ? categoryId : null,
    schedule: latest?.kind === 'cron' ? latest.cron : '',
    scheduleHistory: history,
    kind: readKind(record.value('kind'), record.value('target')),
    notes: text(record.value('notes')),
    archived: record.value('archived') === true,
    createdAt: num(record.value('createdAt')),
    startDate,
    order: num(record.value('order')),
  };
}

// Automerge keeps an unchanged object's identity across document versions.
const cache = new WeakMap<object, Habit>();

function readHabitIn(doc: TemplatesDoc, id: string): Habit | undefined {
  const stored = doc.habits[id];
  if (stored === undefined) return undefined;
  const frozen = !isDraft(stored);
  const hit = frozen && !mergedKeys(doc, doc.habits).has(id) ? cache.get(stored) : undefined;
  if (hit !== undefined) return hit;
  const record = StoredRecord.at(doc, doc.habits, id);
  if (record === undefined) return undefined;
  const habit = readRecord(id, stored, record);
  // A habit created on two devices at once is read afresh each time: its
  // other object is not under the shown one, so its identity says nothing.
  if (frozen && !record.merged) cache.set(stored, habit);
  return habit;
}

/** Ordered by `order`, then name, then id. Archived habits only when asked. */
export function listHabits(
  doc: TemplatesDoc,
  options: { includeArchived?: boolean } = {},
): Habit[] {
  const out: Habit[] = [];
  for (const id of Object.keys(doc.habits)) {
    const h = readHabitIn(doc, id);
    if (h !== undefined && (options.includeArchived === true || !h.archived)) out.push(h);
  }
  return out.sort(
    (a, b) => a.order - b.order || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
}

export function getHabit(doc: TemplatesDoc, id: string): Habit | undefined {
  return readHabitIn(doc, id);
}

/** The habit's stored record (for conflict notices, lww.ts). */
export function habitRecord(doc: TemplatesDoc, id: string): StoredRecord | undefined {
  return StoredRecord.at(doc, doc.habits, id);
}

export const HABIT_FIELDS = EDITED;
