/** The Today view's model: which habits are due on a day, with their check-in. */
import type { LocalDate } from './dates';
import { getObservation } from './checkins';
import { listHabits } from './habits';
import { observationId } from './ids';
import { isScheduledUnder } from './rules';
import { isComplete } from './summaries';
import type { Habit, Observation, ObservationsDoc, Sha256Hex, TemplatesDoc } from './types';

export interface AgendaItem {
  habit: Habit;
  /** The stored check-in, or a pending one not yet written (updatedAt 0). */
  observation: Observation;
  /** True when the rule in force that day fires; false for a check-in made on another day. */
  scheduled: boolean;
  complete: boolean;
}

/**
 * Habits due on `date`: active habits whose rule in force that day fires
 * (from their start date on), plus any habit the user already checked in
 * that day. Archived habits are left out. Ordered like listHabits.
 */
export function agendaFor(
  templates: TemplatesDoc,
  observations: ObservationsDoc,
  date: LocalDate,
  timeZone: string,
  sha256Hex: Sha256Hex,
): AgendaItem[] {
  const items: AgendaItem[] = [];
  for (const habit of listHabits(templates)) {
    const stored = getObservation(observations, habit.id, date, sha256Hex);
    const scheduled =
      date >= habit.startDate && isScheduledUnder(habit.scheduleHistory, date, timeZone);
    if (!scheduled && !stored) continue;
    const observation: Observation = stored ?? {
      id: observationId(habit.id, date, sha256Hex),
      templateId: habit.id,
      date,
      status: 'pending',
      updatedAt: 0,
    };
    items.push({ habit, observation, scheduled, complete: isComplete(habit, observation) });
  }
  return items;
}
