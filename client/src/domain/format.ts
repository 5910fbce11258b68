/**
 * Cairn's export format (plaintext, for the user), version 1.
 *
 *   {
 *     "format": "cairn-export", "version": 1, "exportedAt": "<ISO-8601>",
 *     "profile":    { name, timezone, createdAt },
 *     "categories": [ { id, name, colour, order } ],
 *     "habits":     [ { id, name, categoryId|null, schedule, scheduleHistory?, kind, notes,
 *                       archived, createdAt, startDate, order } ],
 *                                      kind: {type:'yesno'} | {type:'count'|'duration', target}
 *                                      scheduleHistory: [ { from: YYYY-MM-DD, rule } ], oldest
 *                                        first; rule: { kind: 'cron', cron } or a kind a later
 *                                        version adds, { kind, ...its fields } (kept as is)
 *     "checkIns":   [ { id, templateId, date, status, value?, note?, updatedAt } ],
 *     "oneOffs":    [ { id, title, date, done, note, createdAt, updatedAt } ]
 *   }
 *
 * Times are ms since the epoch, days are YYYY-MM-DD. `schedule` is the cron
 * set last; files from before schedule history have only it. A check-in with
 * status "pending" and updatedAt 0 (written by earlier versions' schedulers)
 * carries nothing and is not imported. Check-in ids are recomputed on import
 * from (templateId, date), so a hand-edited file cannot create two rows for
 * one day.
 *
 * Versioning: `version` changes only for an incompatible shape; a reader
 * refuses versions it does not know. Unknown keys are ignored.
 *
 * Errors (as `Result` values): `bad-json` when the text is not JSON,
 * `bad-import` when it does not match this schema (the message names the
 * first offending path).
 */
import * as v from 'valibot';
import { isLocalDate, isTimeZone } from './dates';
import { fail, ok, type Result } from './result';
import { isValidCron } from './schedule';

export const EXPORT_FORMAT = 'cairn-export';
export const EXPORT_VERSION = 1;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Millis = v.pipe(v.number(), v.integer(), v.minValue(0));
const Day = v.pipe(v.string(), v.check(isLocalDate, 'not a calendar day (YYYY-MM-DD)'));
const Amount = v.pipe(v.number(), v.finite(), v.minValue(0));
const Target = v.pipe(v.number(), v.finite(), v.gtValue(0));

export const ExportProfile = v.object({
  name: Text(500),
  timezone: v.pipe(v.string(), v.check(isTimeZone, 'unknown time zone')),
  createdAt: Millis,
});

export const ExportCategory = v.object({
  id: Id,
  name: Text(500),
  colour: Text(64),
  order: v.pipe(v.number(), v.finite()),
});

export const ExportHabitKind = v.variant('type', [
  v.object({ type: v.literal('yesno') }),
  v.object({ type: v.literal('count'), target: Target }),
  v.object({ type: v.literal('duration'), target: Target }),
]);

const Cron = v.pipe(v.string(), v.check(isValidCron, 'not a valid 5-field cron'));
const RuleField = v.union([Text(1_000), v.pipe(v.number(), v.finite()), v.boolean(), v.null()]);

/** A rule of a schedule history: a cron, or a kind from a later version, kept as it is. */
export const ExportRule = v.union([
  v.object({ kind: v.literal('cron'), cron: Cron }),
  v.pipe(
    v.record(v.pipe(v.string(), v.maxLength(64)), RuleField),
    v.check((r) => Object.keys(r).length <= 32, 'too many fields'),
    v.check(
      (r) => typeof r['kind'] === 'string' && r['kind'] !== 'cron' && r['kind'] !== '',
      'unknown rule',
    ),
  ),
]);
export type ExportRule = v.InferOutput<typeof ExportRule>;

export const ExportScheduleEntry = v.object({ from: Day, rule: ExportRule });

export const ExportHabit = v.object({
  id: Id,
  name: Text(500),
  categoryId: v.nullable(Id),
  schedule: Cron,
  scheduleHistory: v.optional(
    v.pipe(v.array(ExportScheduleEntry), v.minLength(1), v.maxLength(10_000)),
  ),
  kind: ExportHabitKind,
  notes: Text(10_000),
  archived: v.boolean(),
  createdAt: Millis,
  startDate: Day,
  order: v.pipe(v.number(), v.finite()),
});

export const ExportCheckIn = v.object({
  id: v.optional(Id),
  templateId: Id,
  date: Day,
  status: v.picklist(['done', 'skipped', 'pending']),
  value: v.optional(Amount),
  note: v.optional(Text(10_000)),
  updatedAt: Millis,
});

export const ExportOneOff = v.object({
  id: Id,
  title: Text(1_000),
  date: Day,
  done: v.boolean(),
  note: Text(10_000),
  createdAt: Millis,
  updatedAt: Millis,
});

export const ExportData = v.object({
  format: v.literal(EXPORT_FORMAT),
  version: v.literal(EXPORT_VERSION),
  exportedAt: v.string(),
  profile: ExportProfile,
  categories: v.array(ExportCategory),
  habits: v.array(ExportHabit),
  checkIns: v.array(ExportCheckIn),
  oneOffs: v.array(ExportOneOff),
});
export type ExportData = v.InferOutput<typeof ExportData>;

/** Just enough to tell "a Cairn export of another version" from "not an export". */
const Header = v.object({ format: v.literal(EXPORT_FORMAT), version: v.unknown() });

/** Parses and validates an export file's text. */
export function parseImportJson(text: string): Result<ExportData> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError) return fail('bad-json', `not JSON: ${e.message}`);
    throw e;
  }
  const header = v.safeParse(Header, json);
  if (!header.success || Array.isArray(json)) {
    return fail('bad-import', `not a Cairn export (no "format": "${EXPORT_FORMAT}")`);
  }
  if (header.output.version !== EXPORT_VERSION) {
    return fail('bad-import', `export version ${String(header.output.version)} is not supported`);
  }
  const parsed = v.safeParse(ExportData, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = v.getDotPath(issue) ?? '(root)';
    return fail('bad-import', `${path}: ${issue.message}`);
  }
  return ok(parsed.output);
}
