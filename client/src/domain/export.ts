/**
 * Plaintext exports for the user: JSON (format.ts, can be imported back) and
 * CSV (for spreadsheets, not imported).
 *
 * CSV choice: three files rather than one file with sections, since
 * spreadsheet programs read one table per file:
 * - cairn-check-ins.csv: date, habit, category, status, value, note
 * - cairn-habits.csv:    id, name, category, schedule, schedule_description,
 *                        kind, target, archived, start_date, notes
 * - cairn-one-offs.csv:  date, title, done, note
 * RFC 4180: comma separated, CRLF line ends, a field is quoted when it holds
 * a comma, quote, CR or LF or starts/ends with a space, and quotes double.
 * A text cell that starts with = + - @ tab or CR is prefixed with ' so a
 * spreadsheet shows it rather than running it as a formula (OWASP CSV
 * injection advice).
 */
import { allObservations } from './checkins';
import { listCategories } from './categories';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportData } from './format';
import { listHabits } from './habits';
import { allOneOffs } from './oneoffs';
import { describeSchedule } from './picker';
import { readProfile } from './profile';
import type { CategoriesDoc, ObservationsDoc, OneOffsDoc, ProfileDoc, TemplatesDoc } from './types';

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
    habits: listHabits(docs.templates, { includeArchived: true }),
    checkIns: allObservations(docs.observations),
    oneOffs: allOneOffs(docs.oneOffs),
  };
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

export function exportCsv(docs: Docs): CsvFile[] {
  const categories = new Map(listCategories(docs.categories).map((c) => [c.id, c.name]));
  const habits = listHabits(docs.templates, { includeArchived: true });
  const habitById = new Map(habits.map((h) => [h.id, h]));
  const categoryOf = (id: string | null): string => (id === null ? '' : (categories.get(id) ?? ''));

  const checkIns = allObservations(docs.observations).map((o) => {
    const h = habitById.get(o.templateId);
    return [
      o.date,
      h?.name ?? '(deleted habit)',
      categoryOf(h?.categoryId ?? null),
      o.status,
      o.value,
      o.note ?? '',
    ];
  });
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
      text: toCsv(['date', 'habit', 'category', 'status', 'value', 'note'], checkIns),
    },
    {
      name: 'cairn-habits.csv',
      text: toCsv(
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
    { name: 'cairn-one-offs.csv', text: toCsv(['date', 'title', 'done', 'note'], oneOffRows) },
  ];
}
