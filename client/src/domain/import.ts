/**
 * Importing an export (format.ts) into an install, new or in use. Import
 * merges: a row whose id exists is updated in place, field by field, so
 * importing the same file twice, or a backup into the install it came from,
 * duplicates nothing. Check-ins and one-offs carry `updatedAt`; for them the
 * newer edit wins (a tie goes to the file), so restoring an old backup does not
 * undo newer check-ins. Habits, categories and the profile take the file's
 * values.
 */
import * as A from '@automerge/automerge';
import { addCategory, updateCategory } from './categories';
import { bucketFor, monthsOf } from './checkins';
import { monthOf, type MonthKey } from './dates';
import { ensureObservationMonths, ensureOneOffMonths } from './documents';
import { differs, imm } from './fields';
import type { ExportData } from './format';
import { addHabit, updateHabit } from './habits';
import { observationId } from './ids';
import { addOneOff, getOneOff, updateOneOff } from './oneoffs';
import { updateProfile } from './profile';
import type {
  CategoriesDoc,
  ObservationsDoc,
  OneOffsDoc,
  ProfileDoc,
  Sha256Hex,
  TemplatesDoc,
} from './types';

export function importProfile(d: ProfileDoc, data: ExportData): void {
  const p = data.profile;
  if (p.name.trim() !== '') updateProfile(d, { name: p.name, timezone: p.timezone });
  if (d.createdAt === 0 && p.createdAt > 0) d.createdAt = p.createdAt;
}

export function importCategories(d: CategoriesDoc, data: ExportData): void {
  for (const c of data.categories) {
    const fields = { name: c.name, colour: c.colour, order: c.order };
    if (!updateCategory(d, c.id, fields)) addCategory(d, { id: c.id, ...fields });
  }
}

export function importHabits(d: TemplatesDoc, data: ExportData): void {
  for (const h of data.habits) {
    const fields = {
      name: h.name,
      categoryId: h.categoryId,
      schedule: h.schedule,
      kind: h.kind,
      notes: h.notes,
      order: h.order,
      startDate: h.startDate,
      archived: h.archived,
    };
    if (!updateHabit(d, h.id, fields)) {
      addHabit(d, { ...fields, id: h.id, now: h.createdAt });
      updateHabit(d, h.id, { archived: h.archived });
    }
  }
}

/** The months the import writes to: prepare them with ensure*Months first. */
export function importMonths(data: ExportData): { observations: MonthKey[]; oneOffs: MonthKey[] } {
  return { observations: monthsOf(data.checkIns), oneOffs: monthsOf(data.oneOffs) };
}

export function importCheckIns(d: ObservationsDoc, data: ExportData, sha256Hex: Sha256Hex): void {
  for (const c of data.checkIns) {
    const id = observationId(c.templateId, c.date, sha256Hex);
    const bucket = bucketFor(d, c.date);
    if (c.status === 'pending' && c.updatedAt === 0) {
      if (!(id in bucket.entries) && !(id in bucket.due)) {
        bucket.due[id] = { templateId: imm(c.templateId), date: imm(c.date) };
      }
      continue;
    }
    const entry = bucket.entries[id];
    if (!entry) {
      bucket.entries[id] = {
        templateId: imm(c.templateId),
        date: imm(c.date),
        status: imm(c.status),
        updatedAt: c.updatedAt,
        ...(c.value === undefined ? {} : { value: c.value }),
        ...(c.note === undefined || c.note === '' ? {} : { note: imm(c.note) }),
      };
      continue;
    }
    if (entry.updatedAt > c.updatedAt) continue;
    if (differs(entry.status, c.status)) entry.status = imm(c.status);
    if (c.value === undefined) {
      if ('value' in entry) delete entry.value;
    } else if (entry.value !== c.value) entry.value = c.value;
    if (c.note === undefined || c.note === '') {
      if ('note' in entry) delete entry.note;
    } else if (differs(entry.note, c.note)) entry.note = imm(c.note);
    if (entry.updatedAt !== c.updatedAt) entry.updatedAt = c.updatedAt;
  }
}

export function importOneOffs(d: OneOffsDoc, data: ExportData): void {
  for (const o of data.oneOffs) {
    const existing = getOneOff(d, o.id);
    if (!existing) {
      addOneOff(d, { id: o.id, title: o.title, date: o.date, note: o.note, now: o.createdAt });
      updateOneOff(d, o.id, { done: o.done }, o.updatedAt);
    } else if (existing.updatedAt <= o.updatedAt) {
      updateOneOff(
        d,
        o.id,
        { title: o.title, date: o.date, note: o.note, done: o.done },
        o.updatedAt,
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

/**
 * The whole import for the app: prepares months and applies every part.
 * Returns the new documents; persist `Automerge.getChanges(before, after)` of each.
 */
export function applyImport(
  docs: AutomergeDocs,
  data: ExportData,
  sha256Hex: Sha256Hex,
): AutomergeDocs {
  const months = importMonths(data);
  const observations = ensureObservationMonths(docs.observations, months.observations);
  const oneOffs = ensureOneOffMonths(docs.oneOffs, months.oneOffs);
  // One-offs can move between months on import (a newer date in the file).
  const oneOffsReady = ensureOneOffMonths(
    oneOffs,
    data.oneOffs.map((o) => monthOf(o.date)),
  );
  return {
    profile: A.change(docs.profile, (d) => importProfile(d, data)),
    categories: A.change(docs.categories, (d) => importCategories(d, data)),
    templates: A.change(docs.templates, (d) => importHabits(d, data)),
    observations: A.change(observations, (d) => importCheckIns(d, data, sha256Hex)),
    oneOffs: A.change(oneOffsReady, (d) => importOneOffs(d, data)),
  };
}
