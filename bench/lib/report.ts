/**
 * The report: what a benchmark returns (a section of rows), the table printed
 * to the terminal, and BENCHMARKS.md. A row is a figure (median of runs, with
 * min and max), a latency (p50 and p99, each the median of runs), or a ratio
 * of two figures measured in the same run, possibly with a target. A target is
 * judged on the median ratio and reported as met or missed, never hidden.
 */
import type { Machine } from './machine.js';
import type { Summary } from './stats.js';

export interface Target {
  readonly op: '>=' | '<=';
  readonly value: number;
}

export type Row =
  | {
      readonly kind: 'figure';
      readonly name: string;
      readonly unit: string;
      readonly value: Summary;
      /** An absolute target, in `unit` (rare: most targets are ratios). */
      readonly target?: Target;
    }
  | {
      readonly kind: 'latency';
      readonly name: string;
      readonly unit: string;
      readonly p50: Summary;
      readonly p99: Summary;
    }
  | {
      readonly kind: 'ratio';
      readonly name: string;
      readonly value: Summary;
      readonly target?: Target;
    };

export interface Section {
  readonly id: string;
  readonly title: string;
  /** What each side does, sizes, runs: enough to judge the comparison. */
  readonly setup: readonly string[];
  readonly rows: readonly Row[];
  /** Findings, and for a missed target the profile that explains it. */
  readonly notes: readonly string[];
}

export const figure = (name: string, unit: string, value: Summary, target?: Target): Row =>
  target === undefined
    ? { kind: 'figure', name, unit, value }
    : { kind: 'figure', name, unit, value, target };

export const latencyRow = (name: string, unit: string, p50: Summary, p99: Summary): Row => ({
  kind: 'latency',
  name,
  unit,
  p50,
  p99,
});

export const ratio = (name: string, value: Summary, target?: Target): Row =>
  target === undefined ? { kind: 'ratio', name, value } : { kind: 'ratio', name, value, target };

export function targetMet(row: Row): boolean | undefined {
  if (row.kind === 'latency' || row.target === undefined) return undefined;
  const m = row.value.median;
  return row.target.op === '>=' ? m >= row.target.value : m <= row.target.value;
}

/** Three significant digits, thousands separated; small values keep their decimals. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

const targetText = (t: Target | undefined, unit = '×'): string =>
  t === undefined
    ? ''
    : `${t.op === '>=' ? '≥' : '≤'} ${fmt(t.value)}${unit === '×' ? '×' : ` ${unit}`}`;

const status = (row: Row): string => {
  const met = targetMet(row);
  return met === undefined ? '' : met ? 'met' : 'MISSED';
};

interface Cells {
  name: string;
  median: string;
  range: string;
  runs: string;
  target: string;
  status: string;
}

function cells(row: Row): Cells {
  switch (row.kind) {
    case 'figure':
      return {
        name: `${row.name} (${row.unit})`,
        median: fmt(row.value.median),
        range: `${fmt(row.value.min)} – ${fmt(row.value.max)}`,
        runs: String(row.value.n),
        target: targetText(row.target, row.unit),
        status: status(row),
      };
    case 'latency':
      return {
        name: `${row.name} p50 / p99 (${row.unit})`,
        median: `${fmt(row.p50.median)} / ${fmt(row.p99.median)}`,
        range: `p50 ${fmt(row.p50.min)} – ${fmt(row.p50.max)}; p99 ${fmt(row.p99.min)} – ${fmt(row.p99.max)}`,
        runs: String(row.p50.n),
        target: '',
        status: '',
      };
    case 'ratio':
      return {
        name: `${row.name} (ratio)`,
        median: `${fmt(row.value.median)}×`,
        range: `${fmt(row.value.min)} – ${fmt(row.value.max)}`,
        runs: String(row.value.n),
        target: targetText(row.target),
        status: status(row),
      };
  }
}

/** A plain-text table of every section's rows, for the terminal. */
export function textTable(sections: readonly Section[]): string {
  const lines: string[][] = [['figure', 'median', 'min – max', 'runs', 'target', '']];
  for (const s of sections) {
    lines.push([`[${s.title}]`, '', '', '', '', '']);
    for (const r of s.rows) {
      const c = cells(r);
      lines.push([`  ${c.name}`, c.median, c.range, c.runs, c.target, c.status]);
    }
  }
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
  return lines
    .map((l) =>
      l
        .map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const escapeCell = (s: string): string => s.replaceAll('|', '\\|');

function markdownRows(rows: readonly Row[]): string[] {
  const out = ['| Figure | Median | Min – max | Runs | Target | |', '|---|---:|---|---:|---|---|'];
  for (const r of rows) {
    const c = cells(r);
    out.push(
      `| ${[c.name, c.median, c.range, c.runs, c.target, c.status].map(escapeCell).join(' | ')} |`,
    );
  }
  return out;
}

export interface ReportMeta {
  readonly machine: Machine;
  readonly startedAt: Date;
  readonly seconds: number;
  /** The command that produced the whole report. */
  readonly command: string;
  /** The command that reproduces one section, given its id. */
  readonly sectionCommand: (id: string) => string;
}

/** BENCHMARKS.md: machine, date, the targets at a glance, then every section. */
export function markdown(sections: readonly Section[], meta: ReportMeta): string {
  const m = meta.machine;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`${meta.command}\` on ${meta.startedAt.toISOString()} in ${Math.round(meta.seconds)} s. Do not edit by hand.`,
    '',
    'This machine is shared and slow, so absolute times drift from run to run. Every figure',
    'that matters is a **ratio measured in the same run** against a reference doing the same',
    'work; each figure is the median of repeated runs, with min and max. A latency is the',
    'p50 and p99 of its samples in each run; the table gives the median of those over runs.',
    'A target is judged on the median and reported as met or missed.',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cores} × ${m.cpuModel}`,
    `- RAM: ${m.ramGiB.toFixed(1)} GiB`,
    `- OS: ${m.os}`,
    `- Node: ${m.node}`,
    `- Chromium: ${m.chromium}`,
    `- Postgres: ${m.postgres}; PGlite ${m.pglite}`,
    `- Automerge ${m.automerge}; automerge-repo ${m.automergeRepo}`,
    '',
    '## Targets at a glance',
    '',
    '| Section | Ratio | Median | Min – max | Target | |',
    '|---|---|---:|---|---|---|',
  ];
  for (const s of sections) {
    for (const r of s.rows) {
      if (r.kind === 'latency' || r.target === undefined) continue;
      const c = cells(r);
      out.push(
        `| ${[s.title, r.name, c.median, c.range, c.target, c.status].map(escapeCell).join(' | ')} |`,
      );
    }
  }
  for (const s of sections) {
    out.push('', `## ${s.title}`, '', `Reproduce: \`${meta.sectionCommand(s.id)}\``, '');
    for (const line of s.setup) out.push(`- ${line}`);
    out.push('', ...markdownRows(s.rows));
    if (s.notes.length > 0) out.push('', ...s.notes.flatMap((n) => [n, '']));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
