/**
 * The `observations` document: check-ins, bucketed by month.
 *
 * `entries[id]` holds what the user wrote (done, skipped, a value, a note, or
 * undone back to pending); only user actions write there. `status`, `value`
 * and `note` each carry a clock (lww.ts), so the later of two concurrent edits
 * of one field wins on every device, and edits of different fields both
 * survive, also when two devices created the same check-in (same id) apart.
 *
 * Whether a day counts at all is decided by the habit's schedule history
 * (rules.ts), never by a row: a scheduled day without an entry is pending
 * today and missed later. The `due` map holds rows an earlier version's
 * scheduler wrote ("due, pending"); they are never read, so they cannot
 * change how a day is judged, and nothing writes them any more.
 *
 * Reading resolves every field through Automerge (one call per field), so
 * results are cached per stored object: Automerge keeps an unchanged object's
 * identity from one document version to the next, so after an edit only the
 * edited check-in and the grouping of its month are read again.
 */
import { clockAt, type ClockSource } from './clock';
import { monthOf, monthsBetween, type LocalDate, type MonthKey } from './dates';
import { str } from './documents';
import { assertFiniteNonNegative, imm } from './fields';
import { observationId } from './ids';
import { StoredRecord, isDraft, mergedKeys, writeFields, type FieldPatch } from './lww';
import type {
  CheckInStatus,
  Observation,
  ObservationMonth,
  ObservationsDoc,
  Sha256Hex,
  StoredCheckIn,
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
  /** The device's clock (clock.ts); defaults to clocks at `now`. */
  clock?: ClockSource;
}

/** The fields of a check-in a user edits, each with a clock. */
export const CHECK_IN_FIELDS = ['status', 'value', 'note'] as const;

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
  const exists = id in bucket.entries;
  const patch: Record<string, string | number | null> = { status: input.status };
  if (input.value !== undefined && (input.value !== null || exists)) patch['value'] = input.value;
  if (input.note !== undefined) {
    const note = input.note ?? '';
    if (note !== '' || exists) patch['note'] = note;
  }
  const written = writeFields(
    d,
    bucket.entries as unknown as Record<string, unknown>,
    id,
    patch as FieldPatch,
    input.clock ?? clockAt(input.now),
    () => ({
      templateId: imm(input.templateId),
      date: imm(input.date),
      updatedAt: input.now,
    }),
  );
  const entry = bucket.entries[id];
  if (exists && entry && written.length > 0) entry.updatedAt = input.now;
  return id;
}

/** Back to pending, value cleared, note kept. */
export function undoCheckIn(
  d: ObservationsDoc,
  input: { templateId: string; date: LocalDate; now: number; clock?: ClockSource },
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

// ---- reading ------------------------------------------------------------

function readEntry(id: string, stored: StoredCheckIn, record: StoredRecord): Observation {
  const status = record.value('status');
  const value = record.value('value');
  const note = record.value('note');
  const o: Observation = {
    id,
    templateId: str(stored.templateId),
    date: str(stored.date),
    status: status === 'done' || status === 'skipped' ? status : 'pending',
    updatedAt: typeof stored.updatedAt === 'number' ? stored.updatedAt : 0,
  };
  if (typeof value === 'number') o.value = value;
  if (typeof note === 'string' && note !== '') o.note = note;
  return o;
}

const entryCache = new WeakMap<object, Observation>();

/** The check-in at `entries[id]`, read through its clocks (cached when it can be). */
function resolve(
  root: ObservationsDoc,
  entries: Record<string, StoredCheckIn>,
  id: string,
): Observation | undefined {
  const stored = entries[id];
  if (stored === undefined) return undefined;
  const cacheable = !isDraft(stored);
  const hit = cacheable && !mergedKeys(root, entries).has(id) ? entryCache.get(stored) : undefined;
  if (hit !== undefined) return hit;
  const record = StoredRecord.at(root, entries, id);
  if (record === undefined) return undefined;
  const o = readEntry(id, stored, record);
  // A check-in two devices created apart is read afresh each time: its other
  // object is not under the shown one, so the shown one's identity says nothing.
  if (cacheable && !record.merged) entryCache.set(stored, o);
  return o;
}

/** Per month: which entries belong to which habit (cheap, plain reads). */
const groupCache = new WeakMap<object, ReadonlyMap<string, readonly string[]>>();

function groupsOf(entries: Record<string, StoredCheckIn>): ReadonlyMap<string, readonly string[]> {
  const cacheable = !isDraft(entries);
  const hit = cacheable ? groupCache.get(entries) : undefined;
  if (hit !== undefined) return hit;
  const groups = new Map<string, string[]>();
  for (const [id, e] of Object.entries(entries)) {
    const habit = str(e.templateId);
    let ids = groups.get(habit);
    if (!ids) groups.set(habit, (ids = []));
    ids.push(id);
  }
  if (cacheable) groupCache.set(entries, groups);
  return groups;
}

/** The check-ins of one month bucket. */
function readMonth(root: ObservationsDoc, bucket: ObservationMonth): Observation[] {
  const out: Observation[] = [];
  for (const id of Object.keys(bucket.entries)) {
    const o = resolve(root, bucket.entries, id);
    if (o !== undefined) out.push(o);
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
    for (const o of readMonth(doc, bucket)) if (o.date >= from && o.date <= to) out.push(o);
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
    if (bucket) out.push(...readMonth(doc, bucket));
  }
  return out.sort(byDateThenTemplate);
}

export function getObservation(
  doc: ObservationsDoc,
  templateId: string,
  date: LocalDate,
  sha256Hex: Sha256Hex,
): Observation | undefined {
  const bucket = doc.months[monthOf(date)];
  if (!bucket) return undefined;
  return resolve(doc, bucket.entries, observationId(templateId, date, sha256Hex));
}

/** The stored record of a check-in (for conflict notices, lww.ts). */
export function checkInRecord(
  doc: ObservationsDoc,
  templateId: string,
  date: LocalDate,
  sha256Hex: Sha256Hex,
): StoredRecord | undefined {
  const bucket = doc.months[monthOf(date)];
  if (!bucket) return undefined;
  return StoredRecord.at(doc, bucket.entries, observationId(templateId, date, sha256Hex));
}

/** habit id → date → check-in: the input of the summaries. */
export interface ObservationIndex {
  get(habitId: string): ReadonlyMap<LocalDate, Observation> | undefined;
}

/**
 * Check-ins by habit and day. A habit's rows are read the first time it is
 * asked for, so a view of one habit reads only that habit's check-ins.
 */
export function indexObservations(doc: ObservationsDoc): ObservationIndex {
  const byHabit = new Map<string, ReadonlyMap<LocalDate, Observation> | undefined>();
  const months = Object.keys(doc.months).sort();
  return {
    get(habitId) {
      if (byHabit.has(habitId)) return byHabit.get(habitId);
      let rows: Map<LocalDate, Observation> | undefined;
      for (const m of months) {
        const bucket = doc.months[m];
        if (!bucket) continue;
        for (const id of groupsOf(bucket.entries).get(habitId) ?? []) {
          const o = resolve(doc, bucket.entries, id);
          if (o === undefined) continue;
          rows ??= new Map();
          rows.set(o.date, o);
        }
      }
      byHabit.set(habitId, rows);
      return rows;
    },
  };
}

/** The ids of every habit that has a check-in (cheap: no field is resolved). */
export function habitsWithCheckIns(doc: ObservationsDoc): string[] {
  const ids = new Set<string>();
  for (const bucket of Object.values(doc.months)) {
    for (const id of groupsOf(bucket.entries).keys()) ids.add(id);
  }
  return [...ids].sort();
}

/** The months a set of dated items touches: what to pass to ensureObservationMonths. */
export function monthsOf(items: Iterable<{ date: LocalDate }>): MonthKey[] {
  const months = new Set<MonthKey>();
  for (const { date } of items) months.add(monthOf(date));
  return [...months].sort();
}
