import type { RatePoint } from '../../app/types';
import { percent } from '../common/format';

const W = 340;
const H = 130;
const PAD = { left: 30, right: 4, top: 8, bottom: 20 };

/** Completion rate per period as bars; periods with nothing due show as a dash. */
export function RateChart(props: { points: RatePoint[]; label: string }) {
  const n = props.points.length;
  if (n === 0) return null;
  const slot = (W - PAD.left - PAD.right) / n;
  const bar = Math.max(4, slot * 0.62);
  const y = (rate: number) => PAD.top + (1 - rate) * (H - PAD.top - PAD.bottom);
  const every = Math.ceil(n / 6);
  return (
    <figure className="rate-chart">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
        {[0, 0.5, 1].map((r) => (
          <g key={r}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(r)} y2={y(r)} className="grid" />
            <text x={PAD.left - 4} y={y(r) + 4} className="axis" textAnchor="end">
              {r * 100}%
            </text>
          </g>
        ))}
        {props.points.map((p, i) => {
          const rate = p.due === 0 ? 0 : p.done / p.due;
          const x = PAD.left + i * slot + (slot - bar) / 2;
          return (
            <g key={p.start}>
              {p.due > 0 && (
                <rect
                  x={x}
                  y={y(rate)}
                  width={bar}
                  height={Math.max(1, y(0) - y(rate))}
                  rx={2}
                  className="bar"
                >
                  <title>{`${p.label}: ${p.done} of ${p.due} (${percent(p.done, p.due)})`}</title>
                </rect>
              )}
              {i % every === 0 && (
                <text x={x + bar / 2} y={H - 5} className="axis" textAnchor="middle">
                  {p.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{props.label}</caption>
        <tbody>
          {props.points.map((p) => (
            <tr key={p.start}>
              <th scope="row">{p.label}</th>
              <td>{percent(p.done, p.due)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
