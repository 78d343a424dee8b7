import { useWidth } from './StackedBars';

/** One row of an interval chart: a point estimate with its confidence interval. */
export interface IntervalRow {
  label: string;
  estimate: number;
  lower: number;
  upper: number;
  color: string;
  /** Drawn hollow (e.g. an unreliable estimate). */
  hollow?: boolean;
}

const PAD = { top: 10, right: 32, bottom: 30, left: 92 };
const ROW = 30;

/**
 * Point estimates with their confidence intervals as SVG (a forest plot): one row per estimate,
 * a whisker from lower to upper bound, and an optional dashed reference line (a baseline).
 */
export function IntervalChart({ title, rows, format, reference }: { title: string; rows: IntervalRow[]; format: (v: number) => string; reference?: { label: string; value: number } }) {
  const [ref, W] = useWidth<HTMLElement>(720);
  const H = PAD.top + PAD.bottom + ROW * Math.max(1, rows.length);
  const values = rows.flatMap((r) => [r.lower, r.upper]).concat(reference ? [reference.value] : []);
  const lo0 = Math.min(...values);
  const hi0 = Math.max(...values);
  const pad = (hi0 - lo0 || Math.abs(hi0) || 1) * 0.08;
  const lo = lo0 - pad;
  const hi = hi0 + pad;
  const iw = W - PAD.left - PAD.right;
  const x = (v: number) => PAD.left + ((v - lo) / (hi - lo)) * iw;
  const nTicks = W < 500 ? 3 : 5;
  const ticks = Array.from({ length: nTicks }, (_, i) => lo + ((hi - lo) * i) / (nTicks - 1));
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${rows.map((r) => `${r.label} ${format(r.estimate)} (${format(r.lower)} to ${format(r.upper)})`).join('; ')}`} data-chart="interval">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={PAD.top} y2={H - PAD.bottom} className="grid" />
            <text x={x(t)} y={H - PAD.bottom + 16} textAnchor="middle" className="axis">
              {format(t)}
            </text>
          </g>
        ))}
        {reference && <line x1={x(reference.value)} x2={x(reference.value)} y1={PAD.top} y2={H - PAD.bottom} stroke="#4b5563" strokeDasharray="4 3" data-reference="" />}
        {rows.map((r, i) => {
          const cy = PAD.top + ROW * i + ROW / 2;
          return (
            <g key={r.label} data-row={r.label}>
              <text x={PAD.left - 8} y={cy + 4} textAnchor="end" className="axis">
                {r.label}
              </text>
              <line x1={x(r.lower)} x2={x(r.upper)} y1={cy} y2={cy} stroke={r.color} strokeWidth={2} />
              <line x1={x(r.lower)} x2={x(r.lower)} y1={cy - 6} y2={cy + 6} stroke={r.color} strokeWidth={2} />
              <line x1={x(r.upper)} x2={x(r.upper)} y1={cy - 6} y2={cy + 6} stroke={r.color} strokeWidth={2} />
              <circle cx={x(r.estimate)} cy={cy} r={5} fill={r.hollow ? '#fff' : r.color} stroke={r.color} strokeWidth={2}>
                <title>{`${r.label}: ${format(r.estimate)} (${format(r.lower)} – ${format(r.upper)})`}</title>
              </circle>
            </g>
          );
        })}
      </svg>
      {reference && (
        <figcaption className="muted">
          Dashed line: {reference.label} ({format(reference.value)}). Hollow points: estimates with diagnostic warnings.
        </figcaption>
      )}
    </figure>
  );
}
