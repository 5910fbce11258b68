import type { StreakPoint, UnitWords } from '../../app/types';
import { shortDate } from '../common/format';

const W = 340;
const H = 120;
const PAD = { left: 26, right: 6, top: 8, bottom: 18 };

/**
 * The streak's length at each occurrence of the schedule, as an area chart, so runs and
 * breaks read at a glance. The top line is the best streak (the number beside it) and
 * the last point is the current one.
 */
export function StreakChart(props: { points: StreakPoint[]; best: number; unit: UnitWords }) {
  const pts = props.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (first === undefined || last === undefined) return null;
  const max = Math.max(1, props.best, ...pts.map((p) => p.length));
  const x = (i: number) =>
    PAD.left + (i / Math.max(1, pts.length - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const line = pts
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.length).toFixed(1)}`)
    .join('');
  const area = `${line}L${x(pts.length - 1).toFixed(1)},${y(0)}L${x(0).toFixed(1)},${y(0)}Z`;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Streak in ${props.unit.many} from ${shortDate(first.date)} to ${shortDate(last.date)}: now ${last.length}, best ${max}`}
    >
      <line x1={PAD.left} x2={W - PAD.right} y1={y(max)} y2={y(max)} className="grid" />
      <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} className="axis-line" />
      <text x={PAD.left - 4} y={y(max) + 4} className="axis" textAnchor="end">
        {max}
      </text>
      <text x={PAD.left - 4} y={y(0) + 4} className="axis" textAnchor="end">
        0
      </text>
      <path d={area} className="area" />
      <path d={line} className="line" />
      <circle cx={x(pts.length - 1)} cy={y(last.length)} r={3.5} className="dot" />
      <text x={PAD.left} y={H - 4} className="axis">
        {shortDate(first.date)}
      </text>
      <text x={W - PAD.right} y={H - 4} className="axis" textAnchor="end">
        {shortDate(last.date)}
      </text>
    </svg>
  );
}
