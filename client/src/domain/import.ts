/**
 * Importing an export (format.ts) into an install, new or in use. Import
 * merges: a row whose id exists is updated in place, field by field (each
 * field written gets a clock, lww.ts, so the import counts as an edit made
 * now), and importing the same file twice, or a backup into the install it
 * came from, duplicates nothing. Check-ins and one-offs carry `updatedAt`; for
 * them the newer edit wins (a tie goes to the file), so restoring an old
 * backup does not undo newer check-ins. Habits, categories and the profile
 * take the file's values.
 *
 * Schedules never rewrite the past by surprise: a file with a schedule
 * history sets the rule of each day it lists; a file from before schedule
 * history knows only the rule set last, so a habit that exists gets that rule
 * from `today` on (if it differs), and a new habit has had it since its start.
 *
 * Check-ins of a habit that is neither in the file nor in the install are not
 * imported (`unknownHabitCheckIns` counts them, for the preview to say so).
 */
import * as A from '@automerge/automerge';
import { addCategory, restoreCategory, updateCategory } from './categories';
import { clockAt, type ClockSource } from './clock';
import { bucketFor, monthsOf } from './checkins';
import { monthOf, type LocalDate, type MonthKey } from './dates';
import { ensureObservationMonths, ensureOneOffMonths } from './documents';
import { imm } from './fields';
import type { ExportData, ExportRule } from './format';
import { addHabit, mergeScheduleHistory, setSchedule, updateHabit } from './habits';
import { observationId } from './ids';
import { writeFields, type FieldPatch } from './lww';
import { addOneOff, getOneOff, updateOneOff } from './oneoffs';
import { updateProfile } from './profile';
import { cronRule, type ScheduleEntry, type ScheduleRule } from './rules';
import type {
  CategoriesDoc,
  DocName,
  DocTypes,
  ObservationsDoc,
  OneOffsDoc,
  ProfileDoc,
  Sha256Hex,
  TemplatesDoc,
} from './types';

export interface ImportOptions {
  /** The device's clock (clock.ts); defaults to clocks from the epoch on. */
  clock?: ClockSource;
  /** The user's day: a changed schedule from a file without history applies from it. */
  today?: LocalDate;
}

const clockOf = (o: ImportOptions): ClockSource => o.clock ?? clockAt(0);
const todayOf = (data: ExportData, o: ImportOptions): LocalDate =>
  o.today ?? data.exportedAt.slice(0, 10);

export function importProfile(d: ProfileDoc, data: ExportData, options: ImportOptions = {}): void {
  const p = data.profile;
  if (p.name.trim() !== '') {
    updateProfile(d, { name: p.name, timezone: p.timezone }, clockOf(options));
  }
  if (d.createdAt === 0 && p.createdAt > 0) d.createdAt = p.createdAt;
}

export function importCategories(
  d: CategoriesDoc,
  data: ExportData,
  options: ImportOptions = {},
): void {
  const clock = clockOf(options);
  for (const c of data.categories) {
    const fields = { name: c.name, colour: c.colour, order: c.order };
    if (updateCategory(d, c.id, fields, clock)) restoreCategory(d, c.id, clock);
    else addCategory(d, { id: c.id, ...fields }, clock);
  }
}

function importedRule(rule: ExportRule): ScheduleRule {
  if (rule.kind === 'cron' && typeof rule.cron === 'string') return cronRule(rule.cron);
  const fields: Record<string, string | number | boolean | null> = { ...rule };
  return { kind: 'unknown', type: String(rule.kind), fields };
}

export function importHabits(d: TemplatesDoc, data: ExportData, options: ImportOptions = {}): void {
  const clock = clockOf(options);
  for (const h of data.habits) {
    const fields = {
      name: h.name,
      categoryId: h.categoryId,
      kind: h.kind,
      notes: h.notes,
      order: h.order,
      startDate: h.startDate,
      archived: h.archived,
    };
    const history: ScheduleEntry[] | undefined = h.scheduleHistory?.map((e) => ({
      from: e.from,
      rule: importedRule(e.rule),
    }));
    const existed = updateHabit(d, h.id, fields, { clock });
    if (!existed) {
      addHabit(d, { ...fields, schedule: h.schedule, id: h.id, now: h.createdAt, clock });
      updateHabit(d, h.id, { archived: h.archived }, { clock });
    }
    if (history !== undefined) mergeScheduleHistory(d, h.id, history, clock);
    else if (existed) setSchedule(d, h.id, cronRule(h.schedule), todayOf(data, options), clock);
  }
}

/** The months the import writes to: prepare them with ensure*Months first. */
export function importMonths(data: ExportData): { observations: MonthKey[]; oneOffs: MonthKey[] } {
  return { observations: monthsOf(data.checkIns), oneOffs: monthsOf(data.oneOffs) };
}

/** The ids of the habits in the file and in `templates`. */
export function knownHabits(templates: TemplatesDoc, data: ExportData): Set<string> {
  return new Set([...Object.keys(templates.habits), ...data.habits.map((h) => h.id)]);
}

/** How many check-ins of the file belong to no habit of the file or of `templates`. */
export function unknownHabitCheckIns(templates: TemplatesDoc, data: ExportData): number {
  const known = knownHabits(templates, data);
  return data.checkIns.filter((c) => !known.has(c.templateId)).length;
}

/** Writes the file's check-ins of the habits in `known` (see the header). */
export function importCheckIns(
  d: ObservationsDoc,
  data: ExportData,
  sha256Hex: Sha256Hex,
  known: ReadonlySet<string>,
  options: ImportOptions = {},
): void {
  const clock = clockOf(options);
  for (const c of data.checkIns) {
    if (!known.has(c.templateId)) continue;
    // A row an earlier version's scheduler wrote: it says nothing (checkins.ts).
    if (c.status === 'pending' && c.updatedAt === 0) continue;
    const id = observationId(c.templateId, c.date, sha256Hex);
    const bucket = bucketFor(d, c.date);
    const entry = bucket.entries[id];
    if (entry && entry.updatedAt > c.updatedAt) continue;
    const patch: FieldPatch = {
      status: c.status,
      ...(c.value === undefined ? (entry ? { value: null } : {}) : { value: c.value }),
      ...(c.note === undefined || c.note === '' ? (entry ? { note: '' } : {}) : { note: c.note }),
    };
    const written = writeFields(
      d,
      bucket.entries as unknown as Record<string, unknown>,
      id,
      patch,
      clock,
      () => ({ templateId: imm(c.templateId), date: imm(c.date), updatedAt: c.updatedAt }),
    );
    const row = bucket.entries[id];
    if (entry && row && (written.length > 0 || row.updatedAt !== c.updatedAt)) {
      row.updatedAt = c.updatedAt;
    }
  }
}

export function importOneOffs(d: OneOffsDoc, data: ExportData, options: ImportOptions = {}): void {
  const clock = clockOf(options);
  for (const o of data.oneOffs) {
    const existing = getOneOff(d, o.id);
    if (!existing) {
      addOneOff(d, {
        id: o.id,
        title: o.title,
        date: o.date,
        note: o.note,
        now: o.createdAt,
        clock,
      });
      updateOneOff(d, o.id, { done: o.done }, o.updatedAt, clock);
    } else if (existing.updatedAt <= o.updatedAt) {
      updateOneOff(
        d,
        o.id,
        { title: o.title, date: o.date, note: o.note, done: o.done },
        o.updatedAt,
        clock,
      );
    }
  }
}

export interface AutomergeDocs {
  profile: A.Doc<ProfileDoc>;
  categories: A.Doc<CategoriesDoc>;
  templates: A.Doc<TemplatesDoc>;
  observations: A.Doc<ObservationsDoc>;
  oneOffs: A.Doc<OneOffsDoc>;
}

/** What every part of one import shares. */
export interface ImportContext {
  sha256Hex: Sha256Hex;
  /** `knownHabits` of the install's habits before the import. */
  known: ReadonlySet<string>;
  options?: ImportOptions;
}

type ImportPart<T> = (doc: A.Doc<T>, data: ExportData, context: ImportContext) => A.Doc<T>;

/**
 * The import of one document: its month buckets prepared, then one
 * `Automerge.change`. The preview runs all five on copies (`applyImport`), the
 * app runs each as one action on its document (`DocumentStore.transact`), in
 * `IMPORT_ORDER`, so what it writes is what the preview counted.
 */
export const importParts: { readonly [K in DocName]: ImportPart<DocTypes[K]> } = {
  profile: (doc, data, { options }) => A.change(doc, (d) => importProfile(d, data, options)),
  categories: (doc, data, { options }) => A.change(doc, (d) => importCategories(d, data, options)),
  templates: (doc, data, { options }) => A.change(doc, (d) => importHabits(d, data, options)),
  observations: (doc, data, { sha256Hex, known, options }) =>
    A.change(ensureObservationMonths(doc, importMonths(data).observations), (d) =>
      importCheckIns(d, data, sha256Hex, known, options),
    ),
  oneOffs: (doc, data, { options }) =>
    // One-offs can move between months on import (a newer date in the file).
    A.change(
      ensureOneOffMonths(doc, [
        ...importMonths(data).oneOffs,
        ...data.oneOffs.map((o) => monthOf(o.date)),
      ]),
      (d) => importOneOffs(d, data, options),
    ),
};

/** Habits before their check-ins. */
export const IMPORT_ORDER = [
  'profile',
  'categories',
  'templates',
  'observations',
  'oneOffs',
] as const;

/** The whole import, on the documents given (copies, for a preview): the new documents. */
export function applyImport(
  docs: AutomergeDocs,
  data: ExportData,
  sha256Hex: Sha256Hex,
  options: ImportOptions = {},
): AutomergeDocs {
  const context: ImportContext = { sha256Hex, known: knownHabits(docs.templates, data), options };
  return {
    profile: importParts.profile(docs.profile, data, context),
    categories: importParts.categories(docs.categories, data, context),
    templates: importParts.templates(docs.templates, data, context),
    observations: importParts.observations(docs.observations, data, context),
    oneOffs: importParts.oneOffs(docs.oneOffs, data, context),
  };
}
