import type { DayCell, UnitWords } from '../../app/types';
import { monthLabel, shortDate } from '../common/format';

const CELL = 11;
const GAP = 3;
const LEFT = 22;
const TOP = 14;
const rows = ['Mon', '', 'Wed', '', 'Fri', '', ''];

function fill(cell: DayCell): string {
  switch (cell.outcome) {
    case 'none':
      return 'var(--heat-none)';
    case 'skipped':
      return 'var(--heat-skip)';
    case 'complete':
      return 'var(--heat-4)';
    default:
      // Missed or still open: show how far it got, if anywhere.
      if (cell.level > 0) return `var(--heat-${cell.level})`;
      return cell.outcome === 'missed' ? 'var(--heat-miss)' : 'var(--heat-open)';
  }
}

const words: Record<DayCell['outcome'], string> = {
  none: 'not scheduled',
  complete: 'done',
  skipped: 'skipped',
  missed: 'missed',
  open: 'to do',
};

function describe(cell: DayCell): string {
  return `${shortDate(cell.date)}: ${words[cell.outcome]}`;
}

/** A calendar heatmap: one column per week (Monday on top), one square per day. */
export function Heatmap(props: { cells: DayCell[]; label: string; unit: UnitWords }) {
  const first = props.cells[0];
  if (first === undefined) return null;
  const offset = (new Date(`${first.date}T12:00:00Z`).getUTCDay() + 6) % 7;
  const weeks = Math.ceil((props.cells.length + offset) / 7);
  const width = LEFT + weeks * (CELL + GAP);
  const height = TOP + 7 * (CELL + GAP);
  const months: { x: number; text: string }[] = [];
  props.cells.forEach((cell, i) => {
    if (cell.date.endsWith('-01') || i === 0) {
      const x = LEFT + Math.floor((i + offset) / 7) * (CELL + GAP);
      const last = months[months.length - 1];
      if (last === undefined || x - last.x > 2 * (CELL + GAP))
        months.push({ x, text: monthLabel(cell.date) });
    }
  });
  const done = props.cells.filter((c) => c.outcome === 'complete').length;
  const due = props.cells.filter((c) => c.outcome === 'complete' || c.outcome === 'missed').length;
  return (
    <svg
      className="heatmap"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${props.label}: ${done} of ${due} ${due === 1 ? props.unit.one : props.unit.many} done`}
    >
      {months.map((m) => (
        <text key={m.x} x={m.x} y={9} className="axis">
          {m.text}
        </text>
      ))}
      {rows.map((r, i) =>
        r === '' ? null : (
          <text key={r} x={0} y={TOP + i * (CELL + GAP) + CELL - 2} className="axis">
            {r}
          </text>
        ),
      )}
      {props.cells.map((cell, i) => {
        const slot = i + offset;
        return (
          <rect
            key={cell.date}
            x={LEFT + Math.floor(slot / 7) * (CELL + GAP)}
            y={TOP + (slot % 7) * (CELL + GAP)}
            width={CELL}
            height={CELL}
            rx={2.5}
            fill={fill(cell)}
          >
            <title>{describe(cell)}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function HeatmapLegend() {
  const items: [string, string][] = [
    ['var(--heat-none)', 'Not due'],
    ['var(--heat-miss)', 'Missed'],
    ['var(--heat-skip)', 'Skipped'],
    ['var(--heat-2)', 'Part'],
    ['var(--heat-4)', 'Done'],
  ];
  return (
    <ul className="legend" aria-hidden="true">
      {items.map(([color, text]) => (
        <li key={text}>
          <span className="swatch small" style={{ background: color }} />
          {text}
        </li>
      ))}
    </ul>
  );
}
