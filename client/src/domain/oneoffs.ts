/**
 * The `oneOffs` document: dated single tasks, bucketed by the month of their
 * date (buckets are prepared with ensureOneOffMonths, see documents.ts).
 * Title, date, done and note each carry a clock (lww.ts). A date in another
 * month moves the task to that month's bucket: a new object, written whole.
 */
import { clockAt, type ClockSource } from './clock';
import { isLocalDate, monthOf, monthsBetween, type LocalDate } from './dates';
import { str } from './documents';
import { assertNonEmpty, imm } from './fields';
import { StoredRecord, isDraft, mergedKeys, writeFields, type FieldPatch } from './lww';
import type { OneOff, OneOffsDoc, StoredOneOff } from './types';

export interface OneOffInput {
  /** Random, made by the caller (e.g. a UUID). */
  id: string;
  title: string;
  date: LocalDate;
  note?: string;
  now: number;
  /** The device's clock (clock.ts); defaults to clocks at `now`. */
  clock?: ClockSource;
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

type Parent = Record<string, unknown>;

export function addOneOff(d: OneOffsDoc, input: OneOffInput): void {
  assertNonEmpty('one-off id', input.id);
  if (!isLocalDate(input.date)) throw new Error(`bad date ${input.date}`);
  if (locate(d, input.id) !== undefined) throw new Error(`one-off ${input.id} exists`);
  const patch: FieldPatch = {
    title: input.title,
    date: input.date,
    done: false,
    note: input.note ?? '',
  };
  writeFields(
    d,
    bucket(d, input.date) as unknown as Parent,
    input.id,
    patch,
    input.clock ?? clockAt(input.now),
    () => ({
      id: imm(input.id),
      createdAt: input.now,
      updatedAt: input.now,
    }),
  );
}

/**
 * Field by field. Moving to a date in another month moves the row to that
 * month's bucket (which must be prepared).
 */
export function updateOneOff(
  d: OneOffsDoc,
  id: string,
  patch: OneOffPatch,
  now: number,
  clock: ClockSource = clockAt(now),
): boolean {
  const month = locate(d, id);
  const from = month === undefined ? undefined : d.months[month];
  if (!from || !(id in from)) return false;
  const current = readIn(d, from, id);
  if (current === undefined) return false;
  if (patch.date !== undefined && !isLocalDate(patch.date))
    throw new Error(`bad date ${patch.date}`);
  if (patch.date !== undefined && monthOf(patch.date) !== month) {
    const next = { ...current, ...patch };
    delete from[id];
    writeFields(
      d,
      bucket(d, next.date) as unknown as Parent,
      id,
      { title: next.title, date: next.date, done: next.done, note: next.note },
      clock,
      () => ({ id: imm(id), createdAt: current.createdAt, updatedAt: now }),
    );
    return true;
  }
  const fields: Record<string, string | boolean> = {};
  if (patch.title !== undefined) fields['title'] = patch.title;
  if (patch.date !== undefined) fields['date'] = patch.date;
  if (patch.note !== undefined) fields['note'] = patch.note;
  if (patch.done !== undefined) fields['done'] = patch.done;
  writeFields(d, from as unknown as Parent, id, fields, clock);
  const row = from[id];
  if (row) row.updatedAt = now;
  return true;
}

export function toggleOneOff(
  d: OneOffsDoc,
  id: string,
  now: number,
  clock: ClockSource = clockAt(now),
): boolean {
  const current = getOneOff(d, id);
  if (!current) return false;
  return updateOneOff(d, id, { done: !current.done }, now, clock);
}

export function deleteOneOff(d: OneOffsDoc, id: string): boolean {
  const month = locate(d, id);
  const b = month === undefined ? undefined : d.months[month];
  if (!b) return false;
  delete b[id];
  return true;
}

const cache = new WeakMap<object, OneOff>();

function readIn(
  doc: OneOffsDoc,
  month: Record<string, StoredOneOff>,
  id: string,
): OneOff | undefined {
  const stored = month[id];
  if (stored === undefined) return undefined;
  const cacheable = !isDraft(stored);
  const hit = cacheable && !mergedKeys(doc, month).has(id) ? cache.get(stored) : undefined;
  if (hit !== undefined) return hit;
  const record = StoredRecord.at(doc, month, id);
  if (record === undefined) return undefined;
  const text = (f: string): string => {
    const v = record.value(f);
    return typeof v === 'string' ? v : '';
  };
  const o: OneOff = {
    id: str(stored.id),
    title: text('title'),
    date: text('date'),
    done: record.value('done') === true,
    note: text('note'),
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
  if (cacheable && !record.merged) cache.set(stored, o);
  return o;
}

function readBucket(doc: OneOffsDoc, month: Record<string, StoredOneOff>): OneOff[] {
  const out: OneOff[] = [];
  for (const id of Object.keys(month)) {
    const o = readIn(doc, month, id);
    if (o) out.push(o);
  }
  return out;
}

const byDate = (a: OneOff, b: OneOff): number =>
  a.date.localeCompare(b.date) || a.createdAt - b.createdAt || a.id.localeCompare(b.id);

export function oneOffsBetween(doc: OneOffsDoc, from: LocalDate, to: LocalDate): OneOff[] {
  const out: OneOff[] = [];
  for (const m of monthsBetween(from, to)) {
    const month = doc.months[m];
    if (!month) continue;
    for (const r of readBucket(doc, month)) if (r.date >= from && r.date <= to) out.push(r);
  }
  return out.sort(byDate);
}

export function oneOffsOn(doc: OneOffsDoc, date: LocalDate): OneOff[] {
  return oneOffsBetween(doc, date, date);
}

export function allOneOffs(doc: OneOffsDoc): OneOff[] {
  return Object.values(doc.months)
    .flatMap((b) => readBucket(doc, b))
    .sort(byDate);
}

export function getOneOff(doc: OneOffsDoc, id: string): OneOff | undefined {
  for (const b of Object.values(doc.months)) {
    if (id in b) return readIn(doc, b, id);
  }
  return undefined;
}
