/**
 * The `oneOffs` document: dated single tasks, bucketed by the month of their
 * date (buckets are prepared with ensureOneOffMonths, see documents.ts).
 */
import { isLocalDate, monthOf, monthsBetween, type LocalDate } from './dates';
import { str } from './documents';
import { assertNonEmpty, differs, imm } from './fields';
import type { OneOff, OneOffsDoc, StoredOneOff } from './types';

export interface OneOffInput {
  /** Random, made by the caller (e.g. a UUID). */
  id: string;
  title: string;
  date: LocalDate;
  note?: string;
  now: number;
}

export type OneOffPatch = Partial<Pick<OneOff, 'title' | 'date' | 'note' | 'done'>>;

function bucket(d: OneOffsDoc, date: LocalDate): Record<string, StoredOneOff> {
  const b = d.months[monthOf(date)];
  if (!b) throw new Error(`month ${monthOf(date)} not prepared: call ensureOneOffMonths first`);
  return b;
}

/** The bucket key holding `id`, or undefined. Buckets are few (months), so a scan is cheap. */
function locate(d: OneOffsDoc, id: string): string | undefined {
  for (const [month, b] of Object.entries(d.months)) if (id in b) return month;
  return undefined;
}

export function addOneOff(d: OneOffsDoc, input: OneOffInput): void {
  assertNonEmpty('one-off id', input.id);
  if (!isLocalDate(input.date)) throw new Error(`bad date ${input.date}`);
  if (locate(d, input.id) !== undefined) throw new Error(`one-off ${input.id} exists`);
  bucket(d, input.date)[input.id] = {
    id: imm(input.id),
    title: imm(input.title),
    date: imm(input.date),
    done: false,
    note: imm(input.note ?? ''),
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/**
 * Field by field. Moving to a date in another month moves the row to that
 * month's bucket (which must be prepared).
 */
export function updateOneOff(d: OneOffsDoc, id: string, patch: OneOffPatch, now: number): boolean {
  const month = locate(d, id);
  const from = month === undefined ? undefined : d.months[month];
  const row = from?.[id];
  if (!from || !row) return false;
  if (patch.date !== undefined && monthOf(patch.date) !== month) {
    if (!isLocalDate(patch.date)) throw new Error(`bad date ${patch.date}`);
    const moved = readOneOff(row);
    const target = bucket(d, patch.date);
    delete from[id];
    const next = { ...moved, ...patch, updatedAt: now };
    target[id] = {
      id: imm(next.id),
      title: imm(next.title),
      date: imm(next.date),
      done: next.done,
      note: imm(next.note),
      createdAt: next.createdAt,
      updatedAt: now,
    };
    return true;
  }
  if (patch.date !== undefined && differs(row.date, patch.date)) {
    if (!isLocalDate(patch.date)) throw new Error(`bad date ${patch.date}`);
    row.date = imm(patch.date);
  }
  if (patch.title !== undefined && differs(row.title, patch.title)) row.title = imm(patch.title);
  if (patch.note !== undefined && differs(row.note, patch.note)) row.note = imm(patch.note);
  if (patch.done !== undefined && row.done !== patch.done) row.done = patch.done;
  row.updatedAt = now;
  return true;
}

export function toggleOneOff(d: OneOffsDoc, id: string, now: number): boolean {
  const month = locate(d, id);
  const row = month === undefined ? undefined : d.months[month]?.[id];
  if (!row) return false;
  return updateOneOff(d, id, { done: !row.done }, now);
}

export function deleteOneOff(d: OneOffsDoc, id: string): boolean {
  const month = locate(d, id);
  const b = month === undefined ? undefined : d.months[month];
  if (!b) return false;
  delete b[id];
  return true;
}

export function readOneOff(o: StoredOneOff): OneOff {
  return {
    id: str(o.id),
    title: str(o.title),
    date: str(o.date),
    done: o.done,
    note: str(o.note),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

const byDate = (a: OneOff, b: OneOff): number =>
  a.date.localeCompare(b.date) || a.createdAt - b.createdAt || a.id.localeCompare(b.id);

export function oneOffsBetween(doc: OneOffsDoc, from: LocalDate, to: LocalDate): OneOff[] {
  const out: OneOff[] = [];
  for (const m of monthsBetween(from, to)) {
    for (const o of Object.values(doc.months[m] ?? {})) {
      const r = readOneOff(o);
      if (r.date >= from && r.date <= to) out.push(r);
    }
  }
  return out.sort(byDate);
}

export function oneOffsOn(doc: OneOffsDoc, date: LocalDate): OneOff[] {
  return oneOffsBetween(doc, date, date);
}

export function allOneOffs(doc: OneOffsDoc): OneOff[] {
  return Object.values(doc.months)
    .flatMap((b) => Object.values(b).map(readOneOff))
    .sort(byDate);
}

export function getOneOff(doc: OneOffsDoc, id: string): OneOff | undefined {
  for (const b of Object.values(doc.months)) {
    const o = b[id];
    if (o) return readOneOff(o);
  }
  return undefined;
}
