/**
 * Shapes of Cairn's five Automerge documents (DESIGN §2), in two forms:
 *
 * - `Stored*`: what is inside the Automerge document. Every string is an
 *   `ImmutableString`, because Automerge 3 turns a plain JS string into a
 *   collaborative text object with one operation per character, which makes
 *   each check-in several objects and slows loading. Never read these from the
 *   UI: use the readers, which return the plain view types below.
 * - View types (`Profile`, `Category`, `Habit`, `Observation`, `OneOff`):
 *   plain, frozen-free JS values, safe to keep in React state.
 *
 * Document layout, version 1 (`schema: 1` and `doc: <name>` at each root):
 *   profile       { schema, name, timezone, createdAt, devices?: { [node]: label } }
 *   categories    { schema, categories: { [id]: StoredCategory } }
 *   templates     { schema, habits: { [id]: StoredHabit } }
 *   observations  { schema, months: { 'YYYY-MM': { entries: { [obsId]: StoredCheckIn },
 *                                                  due: { [obsId]: StoredDue } } } }
 *   oneOffs       { schema, months: { 'YYYY-MM': { [id]: StoredOneOff } } }
 *
 * Every field a user edits has a sibling `<field>Clock` holding the hybrid
 * logical clock of its last edit (clock.ts, lww.ts); values written before
 * clocks existed have none. Readers ignore keys they do not know, so versions
 * without clocks read these documents as before.
 *
 * Month buckets keep every map small (DESIGN §2 "Shape them for speed"); how
 * they are created without conflicts is explained in documents.ts.
 */
import type { ImmutableString } from '@automerge/automerge';
import type { LocalDate, MonthKey } from './dates';
import type { ScheduleEntry } from './rules';

export type DocName = 'profile' | 'categories' | 'templates' | 'observations' | 'oneOffs';
export const DOC_NAMES: readonly DocName[] = [
  'profile',
  'categories',
  'templates',
  'observations',
  'oneOffs',
];

export const SCHEMA_VERSION = 1;

/** Caller-supplied hash: lowercase hex of SHA-256 over the UTF-8 bytes of `s`. */
export type Sha256Hex = (s: string) => string;

// ---- view types ---------------------------------------------------------

export interface Profile {
  name: string;
  /** IANA time zone, e.g. "Europe/London". */
  timezone: string;
  /** ms since the epoch; 0 until onboarding. */
  createdAt: number;
}

export interface Category {
  id: string;
  name: string;
  /** CSS colour, e.g. "#3b82f6". */
  colour: string;
  order: number;
}

/** yes/no; count with a target (e.g. 8 glasses); duration with a target in minutes. */
export type HabitKind =
  { type: 'yesno' } | { type: 'count'; target: number } | { type: 'duration'; target: number };

export interface Habit {
  id: string;
  name: string;
  categoryId: string | null;
  /**
   * The latest rule's 5-field cron, evaluated per day in the user's time zone
   * (schedule.ts): what the picker shows. '' when the latest rule is of a kind
   * this version cannot read.
   */
  schedule: string;
  /** Every rule the habit has had, oldest first, each in force from its day (rules.ts). */
  scheduleHistory: ScheduleEntry[];
  kind: HabitKind;
  notes: string;
  archived: boolean;
  /** ms since the epoch. */
  createdAt: number;
  /** The first day the habit is due: the user's day when it was created. */
  startDate: LocalDate;
  order: number;
}

export type CheckInStatus = 'done' | 'skipped' | 'pending';

export interface Observation {
  /** observationId(templateId, date): see ids.ts. */
  id: string;
  templateId: string;
  date: LocalDate;
  status: CheckInStatus;
  /** count, or minutes for a duration habit. */
  value?: number;
  note?: string;
  /** ms since the epoch of the last user edit. */
  updatedAt: number;
}

export interface OneOff {
  id: string;
  title: string;
  date: LocalDate;
  done: boolean;
  note: string;
  createdAt: number;
  updatedAt: number;
}

// ---- stored (inside Automerge) -----------------------------------------

type S = ImmutableString;

/** `<field>Clock`: the clock of the field's last edit (lww.ts). */
type Clocks = { [clock: `${string}Clock`]: S | undefined };

export interface ProfileDoc extends Clocks {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  name: S;
  timezone: S;
  createdAt: number;
  /** Clock node → the label of that device ("Phone"), for "changed on Phone" (documents.ts). */
  devices?: Record<string, S>;
}

export interface StoredCategory extends Clocks {
  id: S;
  name: S;
  colour: S;
  order: number;
  /** Deleted (its habits keep pointing at it, so undo gives them their colour back). */
  deleted?: boolean;
}

export interface CategoriesDoc {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  categories: Record<string, StoredCategory>;
}

/** One rule of a schedule history, written whole: `kind` says which fields follow. */
export interface StoredScheduleEntry {
  kind: S;
  /** For kind 'cron'. */
  cron?: S;
  clock: S;
  /** Fields of kinds this version does not know, kept as stored. */
  [field: string]: S | number | boolean | null | undefined;
}

export interface StoredHabit extends Clocks {
  id: S;
  name: S;
  categoryId: S | null;
  /** The latest cron rule, for versions before schedule history (habits.ts). */
  schedule: S;
  /** Day the rule took effect → rule (rules.ts); absent on habits written before it. */
  schedules?: Record<LocalDate, StoredScheduleEntry>;
  /** 'yesno' | 'count' | 'duration'; flat rather than a nested map: one object fewer per habit. */
  kind: S;
  /** count target, or minutes; 0 for yes/no. */
  target: number;
  notes: S;
  archived: boolean;
  createdAt: number;
  startDate: S;
  order: number;
}

export interface TemplatesDoc {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  habits: Record<string, StoredHabit>;
}

/** A check-in the user wrote (done, skipped, a value, a note, or undone back to pending). */
export interface StoredCheckIn extends Clocks {
  templateId: S;
  date: S;
  status: S;
  /** null: cleared. */
  value?: number | null;
  /** '': cleared. */
  note?: S;
  updatedAt: number;
}

/**
 * A check-in an earlier version's scheduler materialised as due. Never read:
 * a scheduled day without an entry is pending (today) or missed, and a day
 * is scheduled by the habit's schedule history, not by these rows.
 */
export interface StoredDue {
  templateId: S;
  date: S;
}

export interface ObservationMonth {
  entries: Record<string, StoredCheckIn>;
  due: Record<string, StoredDue>;
}

export interface ObservationsDoc {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  months: Record<MonthKey, ObservationMonth>;
}

export interface StoredOneOff extends Clocks {
  id: S;
  title: S;
  date: S;
  done: boolean;
  note: S;
  createdAt: number;
  updatedAt: number;
}

export interface OneOffsDoc {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  months: Record<MonthKey, Record<string, StoredOneOff>>;
}

export interface DocTypes {
  profile: ProfileDoc;
  categories: CategoriesDoc;
  templates: TemplatesDoc;
  observations: ObservationsDoc;
  oneOffs: OneOffsDoc;
}
