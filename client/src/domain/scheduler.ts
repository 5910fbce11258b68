/**
 * The lazy scheduler: nothing runs in the background; when the app opens (or
 * the day changes) it computes the check-ins due up to today and writes the
 * missing ones as `due` rows with deterministic ids (ids.ts).
 *
 * Rules:
 * - Only days from the habit's `startDate`, within the last
 *   `MATERIALISE_WINDOW_DAYS` days, up to today: never a future day, and an
 *   app left closed for a year does not write a year of rows at once.
 * - Archived habits are not materialised.
 * - A row is written only when the id is absent from both maps of its month,
 *   and `due` rows are never updated, so materialising is idempotent and
 *   cannot undo a check-in: two devices that both materialise write the same
 *   key with the same content, and a device that materialises after (or
 *   concurrently with) another device's "done" leaves that "done" visible
 *   (checkins.ts explains the two maps).
 * - A day materialised stays, whatever later happens to the schedule or the
 *   time zone: history does not move.
 */
import * as A from '@automerge/automerge';
import { addDays, type LocalDate } from './dates';
import { ensureObservationMonths } from './documents';
import { bucketFor, hasObservation, monthsOf } from './checkins';
import { imm } from './fields';
import { listHabits } from './habits';
import { observationId } from './ids';
import { scheduledDays } from './schedule';
import type { ObservationsDoc, Sha256Hex, TemplatesDoc } from './types';

export const MATERIALISE_WINDOW_DAYS = 60;

export interface DueCheckIn {
  id: string;
  templateId: string;
  date: LocalDate;
}

/** The check-ins due up to `today` (the user's day) that have no row yet, sorted by date. */
export function dueCheckIns(
  templates: TemplatesDoc,
  observations: ObservationsDoc,
  today: LocalDate,
  timeZone: string,
  sha256Hex: Sha256Hex,
  windowDays = MATERIALISE_WINDOW_DAYS,
): DueCheckIn[] {
  const windowStart = addDays(today, -(windowDays - 1));
  const out: DueCheckIn[] = [];
  for (const habit of listHabits(templates)) {
    const from = habit.startDate > windowStart ? habit.startDate : windowStart;
    for (const date of scheduledDays(habit.schedule, from, today, timeZone)) {
      const id = observationId(habit.id, date, sha256Hex);
      if (!hasObservation(observations, id, date)) out.push({ id, templateId: habit.id, date });
    }
  }
  return out.sort(
    (a, b) => a.date.localeCompare(b.date) || a.templateId.localeCompare(b.templateId),
  );
}

/**
 * Writes the `due` rows that are still absent; returns how many. Run inside
 * Automerge.change after ensureObservationMonths(doc, monthsOf(due)). Rows
 * dated after `today` are refused (a bug in the caller).
 */
export function materialise(
  d: ObservationsDoc,
  due: readonly DueCheckIn[],
  today: LocalDate,
): number {
  let written = 0;
  for (const row of due) {
    if (row.date > today) throw new Error(`refusing to materialise a future day ${row.date}`);
    const bucket = bucketFor(d, row.date);
    if (row.id in bucket.entries || row.id in bucket.due) continue;
    bucket.due[row.id] = { templateId: imm(row.templateId), date: imm(row.date) };
    written++;
  }
  return written;
}

/**
 * The whole step for the app: prepare months, materialise, return the new
 * document (the same object when nothing was due). Persist
 * `Automerge.getChanges(before, after)`.
 */
export function runScheduler(
  observations: A.Doc<ObservationsDoc>,
  templates: TemplatesDoc,
  today: LocalDate,
  timeZone: string,
  sha256Hex: Sha256Hex,
): A.Doc<ObservationsDoc> {
  const due = dueCheckIns(templates, observations, today, timeZone, sha256Hex);
  if (due.length === 0) return observations;
  const prepared = ensureObservationMonths(observations, monthsOf(due));
  return A.change(prepared, (d) => {
    materialise(d, due, today);
  });
}
