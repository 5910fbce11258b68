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
 *   profile       { schema, name, timezone, createdAt }
 *   categories    { schema, categories: { [id]: StoredCategory } }
 *   templates     { schema, habits: { [id]: StoredHabit } }
 *   observations  { schema, months: { 'YYYY-MM': { entries: { [obsId]: StoredCheckIn },
 *                                                  due: { [obsId]: StoredDue } } } }
 *   oneOffs       { schema, months: { 'YYYY-MM': { [id]: StoredOneOff } } }
 *
 * Month buckets keep every map small (DESIGN §2 "Shape them for speed"); how
 * they are created without conflicts is explained in documents.ts.
 */
import type { ImmutableString } from '@automerge/automerge';
import type { LocalDate, MonthKey } from './dates';

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
  /** 5-field cron, evaluated per day in the user's time zone (schedule.ts). */
  schedule: string;
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
  /** ms since the epoch of the last user edit; 0 for a row only materialised as due. */
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

export interface ProfileDoc {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  name: S;
  timezone: S;
  createdAt: number;
}

export interface StoredCategory {
  id: S;
  name: S;
  colour: S;
  order: number;
}

export interface CategoriesDoc {
  /** The document's name (DocName), fixed at genesis. */
  doc: S;
  schema: number;
  categories: Record<string, StoredCategory>;
}

export interface StoredHabit {
  id: S;
  name: S;
  categoryId: S | null;
  schedule: S;
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
export interface StoredCheckIn {
  templateId: S;
  date: S;
  status: S;
  value?: number;
  note?: S;
  updatedAt: number;
}

/** A check-in the scheduler materialised as due; never overwritten by anything. */
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

export interface StoredOneOff {
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
