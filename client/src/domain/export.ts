/**
 * Plaintext exports for the user: JSON (format.ts, can be imported back) and
 * CSV (for spreadsheets, not imported).
 *
 * CSV choice: three files rather than one file with sections, since
 * spreadsheet programs read one table per file. Each starts with a UTF-8 byte
 * order mark, so spreadsheet programs read names with accents or emoji right.
 *
 * cairn-check-ins.csv, one row per day that counted for a habit (every day
 * its schedule asked for, from its start date to today, and days checked in
 * anyway), by date then habit:
 *   date      YYYY-MM-DD
 *   habit     its name
 *   category  its category's name, or empty
 *   outcome   done (target reached) · partly (some, not all of the target) ·
 *             skipped · missed (a past day with nothing) · open (today, not done yet)
 *   value     the count or minutes written, or empty
 *   target    the count or minutes aimed for; empty for yes/no habits
 *   unit      times (count) · minutes (duration); empty for yes/no habits
 *   note      the day's note
 * Check-ins of a deleted habit keep their rows, under "(deleted habit)".
 *
 * cairn-habits.csv:    id, name, category, schedule, schedule_description,
 *                      kind, target, archived, start_date, notes
 *                      (schedule: the cron set last)
 * cairn-one-offs.csv:  date, title, done, note
 *
 * RFC 4180: comma separated, CRLF line ends, a field is quoted when it holds
 * a comma, quote, CR or LF or starts/ends with a space, and quotes double.
 * A text cell that starts with = + - @ tab or CR is prefixed with ' so a
 * spreadsheet shows it rather than running it as a formula (OWASP CSV
 * injection advice).
 */
import { allObservations, habitsWithCheckIns, indexObservations } from './checkins';
import { listCategories } from './categories';
import type { LocalDate } from './dates';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportData, type ExportRule } from './format';
import { listHabits } from './habits';
import { allOneOffs } from './oneoffs';
import { describeSchedule } from './picker';
import { effectiveTimeZone, readProfile } from './profile';
import type { ScheduleRule } from './rules';
import { habitDays, progress } from './summaries';
import type {
  CategoriesDoc,
  Habit,
  ObservationsDoc,
  OneOffsDoc,
  ProfileDoc,
  TemplatesDoc,
} from './types';

export interface Docs {
  profile: ProfileDoc;
  categories: CategoriesDoc;
  templates: TemplatesDoc;
  observations: ObservationsDoc;
  oneOffs: OneOffsDoc;
}

/** Everything, as a plain object; `JSON.stringify(exportJson(docs, Date.now()), null, 2)` is the file. */
export function exportJson(docs: Docs, now: number): ExportData {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    profile: readProfile(docs.profile),
    categories: listCategories(docs.categories),
    habits: listHabits(docs.templates, { includeArchived: true }).map((h) => ({
      id: h.id,
      name: h.name,
      categoryId: h.categoryId,
      schedule: h.schedule === '' ? lastCron(h) : h.schedule,
      scheduleHistory: h.scheduleHistory.map((e) => ({ from: e.from, rule: exportRule(e.rule) })),
      kind: h.kind,
      notes: h.notes,
      archived: h.archived,
      createdAt: h.createdAt,
      startDate: h.startDate,
      order: h.order,
    })),
    checkIns: allObservations(docs.observations),
    oneOffs: allOneOffs(docs.oneOffs),
  };
}

function exportRule(rule: ScheduleRule): ExportRule {
  return rule.kind === 'cron'
    ? { kind: 'cron', cron: rule.cron }
    : { ...rule.fields, kind: rule.type };
}

/** The latest cron of a habit whose latest rule is of a kind this version cannot read. */
function lastCron(h: Habit): string {
  for (let i = h.scheduleHistory.length - 1; i >= 0; i--) {
    const rule = h.scheduleHistory[i]?.rule;
    if (rule?.kind === 'cron') return rule.cron;
  }
  return '0 0 * * *';
}

type Cell = string | number | boolean | null | undefined;

function textCell(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function quote(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  const s = typeof cell === 'string' ? textCell(cell) : String(cell);
  return /[",\r\n]|^ | $/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV table: a header row and data rows, CRLF-terminated. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(quote).join(',') + '\r\n').join('');
}

export interface CsvFile {
  name: string;
  text: string;
}

const BOM = '\uFEFF';

/** `today`: the user's day (todayIn(timezone, now)): rows run up to it. */
export function exportCsv(docs: Docs, today: LocalDate): CsvFile[] {
  const categories = new Map(listCategories(docs.categories).map((c) => [c.id, c.name]));
  const habits = listHabits(docs.templates, { includeArchived: true });
  const position = new Map(habits.map((h, i) => [h.id, i]));
  const categoryOf = (id: string | null): string => (id === null ? '' : (categories.get(id) ?? ''));
  const timeZone = effectiveTimeZone(docs.profile);
  const index = indexObservations(docs.observations);

  const days: { date: LocalDate; at: number; row: Cell[] }[] = [];
  for (const h of habits) {
    const target = h.kind.type === 'yesno' ? null : h.kind.target;
    const unit = h.kind.type === 'count' ? 'times' : h.kind.type === 'duration' ? 'minutes' : '';
    for (const day of habitDays(h, index, h.startDate, today, today, timeZone)) {
      const o = day.observation;
      const some = progress(h, o) > 0;
      const outcome =
        day.outcome === 'complete'
          ? 'done'
          : day.outcome === 'skipped'
            ? 'skipped'
            : some
              ? 'partly'
              : day.outcome === 'open'
                ? 'open'
                : 'missed';
      days.push({
        date: day.date,
        at: position.get(h.id) ?? 0,
        row: [
          day.date,
          h.name,
          categoryOf(h.categoryId),
          outcome,
          o?.value,
          target,
          unit,
          o?.note ?? '',
        ],
      });
    }
  }
  for (const id of habitsWithCheckIns(docs.observations)) {
    if (position.has(id)) continue;
    for (const o of index.get(id)?.values() ?? []) {
      if (o.status === 'pending') continue;
      days.push({
        date: o.date,
        at: habits.length,
        row: [o.date, '(deleted habit)', '', o.status, o.value, null, '', o.note ?? ''],
      });
    }
  }
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.at - b.at));
  const checkIns = days.map((d) => d.row);
  const habitRows = habits.map((h) => [
    h.id,
    h.name,
    categoryOf(h.categoryId),
    h.schedule,
    describeSchedule(h.schedule),
    h.kind.type,
    h.kind.type === 'yesno' ? null : h.kind.target,
    h.archived,
    h.startDate,
    h.notes,
  ]);
  const oneOffRows = allOneOffs(docs.oneOffs).map((o) => [o.date, o.title, o.done, o.note]);

  return [
    {
      name: 'cairn-check-ins.csv',
      text:
        BOM +
        toCsv(
          ['date', 'habit', 'category', 'outcome', 'value', 'target', 'unit', 'note'],
          checkIns,
        ),
    },
    {
      name: 'cairn-habits.csv',
      text:
        BOM +
        toCsv(
          [
            'id',
            'name',
            'category',
            'schedule',
            'schedule_description',
            'kind',
            'target',
            'archived',
            'start_date',
            'notes',
          ],
          habitRows,
        ),
    },
    {
      name: 'cairn-one-offs.csv',
      text: BOM + toCsv(['date', 'title', 'done', 'note'], oneOffRows),
    },
  ];
}
