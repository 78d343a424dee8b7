import { useEffect, useRef, useState } from 'react';

/** The element's width in CSS pixels, followed as it resizes (so the chart's text stays 12 px at any width). */
export function useWidth<T extends Element>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => e && setWidth(Math.max(280, Math.round(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

/** A stacked bar chart drawn as SVG: one bar per category (day), one segment per series (modality). */
export interface StackedBarsProps {
  title: string;
  categories: string[];
  series: Array<{ name: string; color: string; values: number[] }>;
  format: (v: number) => string;
  /** A category's axis label (default: without its first 5 characters, the year of a day). */
  tick?: (category: string) => string;
}

const PAD = { top: 12, right: 12, bottom: 36, left: 76 };

export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p);
}

export function StackedBars({ title, categories, series, format, tick = (c) => c.slice(5) }: StackedBarsProps) {
  const [ref, W] = useWidth<HTMLElement>(720);
  const H = W < 500 ? 220 : 260;
  const totals = categories.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const step = iw / Math.max(1, categories.length);
  const bw = Math.max(2, step * 0.7);
  const y = (v: number) => PAD.top + ih - (v / max) * ih;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const labelEvery = Math.ceil(categories.length / Math.max(2, Math.floor(iw / 56)));
  // the last bar (today) is always labelled; its neighbour's label would collide with it
  const labelled = (i: number) => i === categories.length - 1 || (i % labelEvery === 0 && categories.length - 1 - i >= labelEvery);
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${categories.length} bars, total ${format(totals.reduce((a, b) => a + b, 0))}`} data-chart="stacked">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="axis">
              {format(t)}
            </text>
          </g>
        ))}
        {categories.map((c, i) => {
          let base = 0;
          const x = PAD.left + i * step + (step - bw) / 2;
          return (
            <g key={c}>
              {series.map((s) => {
                const v = s.values[i] ?? 0;
                if (v <= 0) return null;
                const top = y(base + v);
                const h = y(base) - top;
                base += v;
                return (
                  <rect key={s.name} x={x} y={top} width={bw} height={Math.max(1, h)} fill={s.color} data-series={s.name}>
                    <title>{`${c} · ${s.name}: ${format(v)}`}</title>
                  </rect>
                );
              })}
              {labelled(i) && (
                <text x={x + bw / 2} y={H - PAD.bottom + 16} textAnchor="middle" className="axis">
                  {tick(c)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          {series.map((s) => (
            <li key={s.name}>
              <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.name}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
