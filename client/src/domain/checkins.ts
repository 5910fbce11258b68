/**
 * The `observations` document: check-ins, bucketed by month.
 *
 * Each month bucket holds two maps, so that a scheduler on one device can
 * never hide what the user did on another:
 * - `entries[id]`: what the user wrote (done, skipped, a value, a note, or
 *   undone back to pending). Only user actions write here.
 * - `due[id]`: the scheduler's record that the check-in was due. Written only
 *   when neither map has the id, never updated.
 * Reading merges them: an entry wins; a due row alone reads as pending. Had
 * both lived in one map, a device materialising "pending" concurrently with
 * another device's "done" would create two values for one key, and Automerge
 * could pick "pending".
 *
 * An entry that exists is updated field by field, so a note added on one
 * device and a status set on another both survive. Two devices creating the
 * same entry at once is a true conflict: Automerge keeps one, the same on
 * every device.
 */
import { monthOf, monthsBetween, type LocalDate, type MonthKey } from './dates';
import { str } from './documents';
import { assertFiniteNonNegative, differs, imm } from './fields';
import { observationId } from './ids';
import type {
  CheckInStatus,
  Observation,
  ObservationMonth,
  ObservationsDoc,
  Sha256Hex,
  StoredCheckIn,
  StoredDue,
} from './types';

export interface CheckInInput {
  templateId: string;
  date: LocalDate;
  status: CheckInStatus;
  /** count or minutes; omitted = unchanged, null = cleared. */
  value?: number | null;
  /** omitted = unchanged, null or '' = cleared. */
  note?: string | null;
  /** ms since the epoch. */
  now: number;
}

const STATUSES: readonly string[] = ['done', 'skipped', 'pending'];

export function bucketFor(d: ObservationsDoc, date: LocalDate): ObservationMonth {
  const bucket = d.months[monthOf(date)];
  if (!bucket) {
    throw new Error(`month ${monthOf(date)} not prepared: call ensureObservationMonths first`);
  }
  return bucket;
}

/** Writes the user's check-in; returns its id. The month must be prepared (ensureObservationMonths). */
export function checkIn(d: ObservationsDoc, input: CheckInInput, sha256Hex: Sha256Hex): string {
  if (!STATUSES.includes(input.status)) throw new Error(`bad status ${input.status}`);
  if (typeof input.value === 'number') assertFiniteNonNegative('value', input.value);
  const id = observationId(input.templateId, input.date, sha256Hex);
  const bucket = bucketFor(d, input.date);
  const entry = bucket.entries[id];
  if (!entry) {
    const created: StoredCheckIn = {
      templateId: imm(input.templateId),
      date: imm(input.date),
      status: imm(input.status),
      updatedAt: input.now,
    };
    if (typeof input.value === 'number') created.value = input.value;
    if (typeof input.note === 'string' && input.note !== '') created.note = imm(input.note);
    bucket.entries[id] = created;
    return id;
  }
  if (differs(entry.status, input.status)) entry.status = imm(input.status);
  if (input.value === null) {
    if ('value' in entry) delete entry.value;
  } else if (input.value !== undefined && entry.value !== input.value) {
    entry.value = input.value;
  }
  if (input.note === null || input.note === '') {
    if ('note' in entry) delete entry.note;
  } else if (input.note !== undefined && differs(entry.note, input.note)) {
    entry.note = imm(input.note);
  }
  entry.updatedAt = input.now;
  return id;
}

/** Back to pending, value cleared, note kept. */
export function undoCheckIn(
  d: ObservationsDoc,
  input: { templateId: string; date: LocalDate; now: number },
  sha256Hex: Sha256Hex,
): string {
  return checkIn(d, { ...input, status: 'pending', value: null }, sha256Hex);
}

/** Removes every check-in of a habit (with `deleteHabit`). Returns how many rows went. */
export function deleteObservationsOf(d: ObservationsDoc, templateId: string): number {
  let n = 0;
  for (const bucket of Object.values(d.months)) {
    for (const [id, e] of Object.entries(bucket.entries)) {
      if (str(e.templateId) === templateId) {
        delete bucket.entries[id];
        n++;
      }
    }
    for (const [id, e] of Object.entries(bucket.due)) {
      if (str(e.templateId) === templateId) {
        delete bucket.due[id];
        n++;
      }
    }
  }
  return n;
}

function fromEntry(id: string, e: StoredCheckIn): Observation {
  const status = str(e.status);
  const o: Observation = {
    id,
    templateId: str(e.templateId),
    date: str(e.date),
    status: status === 'done' || status === 'skipped' ? status : 'pending',
    updatedAt: e.updatedAt,
  };
  if (typeof e.value === 'number') o.value = e.value;
  if (e.note !== undefined) o.note = str(e.note);
  return o;
}

function fromDue(id: string, e: StoredDue): Observation {
  return { id, templateId: str(e.templateId), date: str(e.date), status: 'pending', updatedAt: 0 };
}

/** The merged rows of one month bucket. */
export function readMonth(bucket: ObservationMonth): Observation[] {
  const out: Observation[] = [];
  for (const [id, e] of Object.entries(bucket.entries)) out.push(fromEntry(id, e));
  for (const [id, e] of Object.entries(bucket.due)) {
    if (!(id in bucket.entries)) out.push(fromDue(id, e));
  }
  return out;
}

function byDateThenTemplate(a: Observation, b: Observation): number {
  return a.date.localeCompare(b.date) || a.templateId.localeCompare(b.templateId);
}

/** Check-ins dated `from`…`to`, both included, sorted by date then habit. */
export function observationsBetween(
  doc: ObservationsDoc,
  from: LocalDate,
  to: LocalDate,
): Observation[] {
  const out: Observation[] = [];
  for (const m of monthsBetween(from, to)) {
    const bucket = doc.months[m];
    if (!bucket) continue;
    for (const o of readMonth(bucket)) if (o.date >= from && o.date <= to) out.push(o);
  }
  return out.sort(byDateThenTemplate);
}

export function observationsOn(doc: ObservationsDoc, date: LocalDate): Observation[] {
  return observationsBetween(doc, date, date);
}

/** Every check-in, sorted by date then habit. */
export function allObservations(doc: ObservationsDoc): Observation[] {
  const out: Observation[] = [];
  for (const m of Object.keys(doc.months).sort()) {
    const bucket = doc.months[m];
    if (bucket) out.push(...readMonth(bucket));
  }
  return out.sort(byDateThenTemplate);
}

export function getObservation(
  doc: ObservationsDoc,
  templateId: string,
  date: LocalDate,
  sha256Hex: Sha256Hex,
): Observation | undefined {
  const id = observationId(templateId, date, sha256Hex);
  const bucket = doc.months[monthOf(date)];
  if (!bucket) return undefined;
  const entry = bucket.entries[id];
  if (entry) return fromEntry(id, entry);
  const due = bucket.due[id];
  return due ? fromDue(id, due) : undefined;
}

/** True when either map of the bucket has `id` (the scheduler's "already there" test). */
export function hasObservation(doc: ObservationsDoc, id: string, date: LocalDate): boolean {
  const bucket = doc.months[monthOf(date)];
  return bucket !== undefined && (id in bucket.entries || id in bucket.due);
}

/** habit id → date → check-in: the input of the summaries. */
export type ObservationIndex = ReadonlyMap<string, ReadonlyMap<LocalDate, Observation>>;

/**
 * Indexes every check-in by habit and day. It reads the whole document, so
 * compute it once per document version (e.g. React's useMemo on the document
 * object: every change makes a new one).
 */
export function indexObservations(doc: ObservationsDoc): ObservationIndex {
  const index = new Map<string, Map<LocalDate, Observation>>();
  for (const bucket of Object.values(doc.months)) {
    for (const o of readMonth(bucket)) {
      let byDay = index.get(o.templateId);
      if (!byDay) index.set(o.templateId, (byDay = new Map()));
      byDay.set(o.date, o);
    }
  }
  return index;
}

/** The months a set of dated items touches: what to pass to ensureObservationMonths. */
export function monthsOf(items: Iterable<{ date: LocalDate }>): MonthKey[] {
  const months = new Set<MonthKey>();
  for (const { date } of items) months.add(monthOf(date));
  return [...months].sort();
}
