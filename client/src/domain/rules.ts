/**
 * A habit's schedule history: the rules it has had, each with the day it took
 * effect. Each day is judged by the rule in force on it, so editing a schedule
 * changes the days from the edit on and never the past, and trying a schedule
 * out and going back the same day leaves every statistic as it was.
 *
 * In force on a day: the entry with the latest `from` on or before that day;
 * a day before every entry (a start date moved earlier by an import) takes the
 * earliest entry.
 *
 * Kinds of rule. This version reads one, `cron` (a 5-field cron, schedule.ts).
 * Later kinds (a quota such as "3 times a week", "every 3 days", a pause) are
 * new entry kinds with their own fields; a version that does not know a kind
 * reads it as `unknown`, schedules no day under it, and never rewrites it (the
 * stored entry stays as it was, byte for byte, and an export carries it).
 */
import { addDays, type LocalDate } from './dates';
import { scheduledDays } from './schedule';

export type ScheduleRule =
  | { kind: 'cron'; cron: string }
  /** A kind this version cannot read; `fields` is everything stored, as stored. */
  | {
      kind: 'unknown';
      type: string;
      fields: Readonly<Record<string, string | number | boolean | null>>;
    };

export interface ScheduleEntry {
  /** The first day this rule is in force. */
  from: LocalDate;
  rule: ScheduleRule;
}

export const cronRule = (cron: string): ScheduleRule => ({ kind: 'cron', cron });

export function sameRule(a: ScheduleRule, b: ScheduleRule): boolean {
  if (a.kind === 'cron' && b.kind === 'cron') return a.cron === b.cron;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The index of the entry in force on `date` (history sorted by `from`, not empty). */
function indexOn(history: readonly ScheduleEntry[], date: LocalDate): number {
  let found = 0;
  for (let i = 0; i < history.length; i++) {
    if ((history[i]?.from ?? '') <= date) found = i;
    else break;
  }
  return found;
}

export function ruleOn(
  history: readonly ScheduleEntry[],
  date: LocalDate,
): ScheduleRule | undefined {
  return history.length === 0 ? undefined : history[indexOn(history, date)]?.rule;
}

/** The rule set last: what the picker shows and edits. */
export function latestRule(history: readonly ScheduleEntry[]): ScheduleRule | undefined {
  return history[history.length - 1]?.rule;
}

function daysOfRule(
  rule: ScheduleRule,
  from: LocalDate,
  to: LocalDate,
  timeZone: string,
): LocalDate[] {
  return rule.kind === 'cron' ? scheduledDays(rule.cron, from, to, timeZone) : [];
}

/** The days from `from` to `to` (both included) on which the rule in force fires, ascending. */
export function scheduledDaysIn(
  history: readonly ScheduleEntry[],
  from: LocalDate,
  to: LocalDate,
  timeZone: string,
): LocalDate[] {
  if (history.length === 0 || to < from) return [];
  const out: LocalDate[] = [];
  let i = indexOn(history, from);
  let start = from;
  for (;;) {
    const entry = history[i];
    if (entry === undefined) break;
    const next = history[i + 1];
    // This entry rules until the day before the next one starts.
    const end = next === undefined || next.from > to ? to : addDays(next.from, -1);
    if (end >= start) out.push(...daysOfRule(entry.rule, start, end, timeZone));
    if (next === undefined || next.from > to) break;
    start = next.from > start ? next.from : start;
    i += 1;
  }
  return out;
}

export function isScheduledUnder(
  history: readonly ScheduleEntry[],
  date: LocalDate,
  timeZone: string,
): boolean {
  return scheduledDaysIn(history, date, date, timeZone).length === 1;
}
