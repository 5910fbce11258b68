/** Domain values → the plain view records the UI renders (types.ts). */
import { describeSchedule } from '../domain';
import type { Category, Habit, HabitKind as DomainKind, Observation, OneOff } from '../domain';
import type { CategoryView, CheckInView, HabitDraft, HabitView, OneOffView } from './types';

export function categoryView(c: Category): CategoryView {
  return { id: c.id, name: c.name, color: c.colour, order: c.order };
}

export function habitView(h: Habit): HabitView {
  return {
    id: h.id,
    name: h.name,
    categoryId: h.categoryId,
    kind: h.kind.type,
    target: h.kind.type === 'yesno' ? null : h.kind.target,
    cron: h.schedule,
    scheduleText:
      h.schedule === '' ? 'A schedule from a newer version of Cairn' : describeSchedule(h.schedule),
    notes: h.notes,
    archived: h.archived,
  };
}

export function domainKind(draft: HabitDraft): DomainKind {
  if (draft.kind === 'yesno') return { type: 'yesno' };
  return { type: draft.kind, target: draft.target ?? 1 };
}

export function checkInView(o: Observation, habit: HabitView, complete: boolean): CheckInView {
  return {
    id: o.id,
    habit,
    date: o.date,
    // A value that reaches the target completes the day, whatever the stored status.
    status: complete ? 'done' : o.status,
    value: o.value ?? null,
    note: o.note ?? '',
  };
}

export function oneOffView(o: OneOff): OneOffView {
  return { id: o.id, title: o.title, date: o.date, done: o.done };
}
