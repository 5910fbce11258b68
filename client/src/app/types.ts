/**
 * What the UI sees of the app: plain view records and the actions a user can take.
 * The UI renders these and calls these; the controller (controller.ts) builds them
 * from the domain documents and writes through the document store.
 */

export type HabitKind = 'yesno' | 'count' | 'duration';

export interface ProfileView {
  name: string;
  timezone: string;
}

export interface CategoryView {
  id: string;
  name: string;
  color: string;
  order: number;
}

export interface HabitView {
  id: string;
  name: string;
  categoryId: string | null;
  kind: HabitKind;
  /** Count target, or minutes for a duration habit; null for yes/no. */
  target: number | null;
  /** The cron set last ('' when it is of a kind this version cannot read). */
  cron: string;
  /** The schedule in words ("Mon, Wed and Fri"). */
  scheduleText: string;
  notes: string;
  archived: boolean;
  /** Set when another device's concurrent edit replaced one of this device's (see ConflictView). */
  conflict?: ConflictView;
}

/**
 * This device's edit of some fields lost to a later, concurrent edit on
 * another device ("changed on Phone at 09:14"). Restoring writes this
 * device's values again; keeping settles the other device's.
 */
export interface ConflictView {
  /** The fields, in words: 'name', 'notes', 'value', 'note', 'status'… */
  fields: string[];
  /** The other device's label, or "another device". */
  by: string;
  /** When the winning edit was made, HH:MM in the user's time zone. */
  at: string;
  /** Its day, YYYY-MM-DD. */
  day: string;
  /** This device's values that lost, in words ("8", "“offline note”"). */
  yours: string;
}

export type ConflictTarget =
  { kind: 'checkIn'; habitId: string; date: string } | { kind: 'habit'; habitId: string };

export interface HabitDraft {
  name: string;
  categoryId: string | null;
  kind: HabitKind;
  target: number | null;
  cron: string;
  notes: string;
}

export type CheckInStatus = 'pending' | 'done' | 'skipped';

export interface CheckInView {
  id: string;
  habit: HabitView;
  date: string;
  status: CheckInStatus;
  value: number | null;
  note: string;
  conflict?: ConflictView;
}

export interface CheckInUpdate {
  status?: CheckInStatus;
  value?: number | null;
  note?: string;
}

export interface OneOffView {
  id: string;
  title: string;
  date: string;
  done: boolean;
}

export interface DayCell {
  date: string;
  /** 'none': not a counted day (not scheduled, before the start, or in the future). */
  outcome: 'none' | 'complete' | 'skipped' | 'missed' | 'open';
  /** How much of the target was reached: 0 nothing … 4 all of it. */
  level: 0 | 1 | 2 | 3 | 4;
}

export interface RatePoint {
  label: string;
  /** First day of the period, YYYY-MM-DD. */
  start: string;
  done: number;
  due: number;
}

export interface StreakPoint {
  date: string;
  /** Length of the run of complete occurrences as of that date (0 after a missed one). */
  length: number;
}

/** What one occurrence of a schedule is called: "session" / "sessions". */
export interface UnitWords {
  one: string;
  many: string;
}

export interface HabitStats {
  /** Both streaks count occurrences of the schedule, in `unit`. */
  currentStreak: number;
  bestStreak: number;
  unit: UnitWords;
  heatmap: DayCell[];
  /** The streak as of each occurrence, from where the chart starts (the first point is the run then). */
  streaks: StreakPoint[];
  weekly: RatePoint[];
  monthly: RatePoint[];
  /** The rate period that suits the schedule: months for monthly and yearly habits. */
  period: 'week' | 'month';
}

/** A load problem storage reported (a torn tail truncated, a record skipped). */
export interface LoadProblemView {
  id: string;
  message: string;
}

export type SyncState =
  | { kind: 'local' }
  | { kind: 'synced' }
  | { kind: 'syncing'; done: number; total: number }
  /** Reaching the relay; no attempt has failed yet (after that it reads offline). */
  | { kind: 'connecting'; queued: number }
  | { kind: 'offline'; queued: number }
  /** The relay refused this device (revoked, quota…); `message` says what to do. */
  | { kind: 'refused'; reason: string; message: string };

export interface SyncSettingsView {
  enabled: boolean;
  /** The relay's address; the page's origin until one is chosen. */
  relayUrl: string;
}

/** The sync engine as the UI sees it (implemented in boot/controls.ts). */
export interface SyncControls {
  /** useSyncExternalStore: `state()` changes after every status change. */
  readonly subscribe: (listener: () => void) => () => void;
  readonly state: () => SyncState;
  readonly settings: () => SyncSettingsView;
  /** Saves the choice and returns; registering and connecting happen in the background. */
  setEnabled(enabled: boolean, relayUrl: string): Promise<Outcome>;
}

export type SchedulePick =
  | { kind: 'daily' }
  | { kind: 'weekdays' }
  | { kind: 'days'; days: number[] }
  | { kind: 'monthly'; day: number | 'last' }
  /** The day fields of a cron: day of the month, month, day of the week ("1,15 * *"). */
  | { kind: 'custom'; days: string };

export interface ScheduleCheck {
  ok: boolean;
  /** The cron expression to store ('' when not ok). */
  cron: string;
  /** The sentence when ok, the reason when not. */
  text: string;
  /** The next days it falls on from today, at most five (YYYY-MM-DD); [] when not ok. */
  next: string[];
}

export interface ImportPreview {
  /** Lines such as "3 habits added", "2 check-ins changed". */
  summary: string[];
  /** What the import leaves out, and why. */
  warnings: string[];
  apply(): Promise<Outcome>;
}

export interface CsvFileView {
  name: string;
  text: string;
}

import type { Outcome } from '../lib/outcome';

export type { Outcome };
