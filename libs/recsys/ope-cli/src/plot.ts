import sharp from 'sharp';
import { Error as LOG_ERRORS, logger as vegaLogger, parse as parseVega, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EvaluationReport } from './evaluate';
import { estimatorLabel, sourceLabel } from './report';

export interface RenderOptions {
  /** Overall width and height in pixels; set on the spec with `autosize: fit` so the PNG has exactly this size. */
  readonly width?: number;
  readonly height?: number;
  /** Device pixels per CSS pixel (2 for a sharper image of twice the size). Default 1. */
  readonly scale?: number;
}

/**
 * Renders a Vega-Lite spec to SVG on the server (Vega's headless view, no canvas, no browser).
 * With `width`/`height` the spec's size is overridden and fitted, padding included. Vega's and
 * Vega-Lite's warnings are silenced; errors still reach the console.
 */
export async function renderChartSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const sized: TopLevelSpec =
    options.width !== undefined || options.height !== undefined
      ? ({
          ...spec,
          ...(options.width !== undefined ? { width: options.width } : {}),
          ...(options.height !== undefined ? { height: options.height } : {}),
          autosize: { type: 'fit', contains: 'padding' },
        } as TopLevelSpec)
      : spec;
  const { spec: vegaSpec } = compile(sized, { logger: vegaLogger(LOG_ERRORS) });
  const view = new View(parseVega(vegaSpec), { renderer: 'none' }).logLevel(LOG_ERRORS);
  try {
    return await view.toSVG(options.scale ?? 1);
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to a PNG (SVG from Vega, rasterised by sharp). */
export async function renderChartPng(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  const svg = await renderChartSvg(spec, options);
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * Estimates with their bootstrap intervals: estimators along x, one colour per policy (side by
 * side), a dashed rule at the logged mean reward. Policies flagged unreliable get "(unreliable)".
 */
export function opeChartSpec(report: EvaluationReport): TopLevelSpec {
  const values = report.policies.flatMap((p) =>
    p.estimates
      .filter((e) => Number.isFinite(e.estimate))
      .map((e) => ({
        policy: p.reliable ? p.name : `${p.name} (unreliable)`,
        estimator: estimatorLabel(e.estimator),
        estimate: e.estimate,
        lower: Number.isFinite(e.lower) ? e.lower : e.estimate,
        upper: Number.isFinite(e.upper) ? e.upper : e.estimate,
      })),
  );
  const order = [...new Set(values.map((v) => v.estimator))];
  const policies = [...new Set(values.map((v) => v.policy))];
  const level = Math.round(100 * (1 - report.settings.alpha) * 1000) / 1000;
  const x = { field: 'estimator', type: 'nominal', sort: order, title: null, axis: { labelAngle: 0 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: `Off-policy estimates with ${report.settings.bootstrap > 0 ? `${level}% bootstrap intervals` : 'no intervals'}`,
      subtitle: `${sourceLabel(report)} · ${report.rows.toLocaleString('en-US')} rows · dashed: logged mean reward ${report.loggedMean.toFixed(6)}`,
    },
    background: 'white',
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: null } },
    layer: [
      {
        data: { values },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x,
          xOffset: { field: 'policy', type: 'nominal', sort: policies },
          y: { field: 'lower', type: 'quantitative', title: 'estimated policy value', scale: { zero: false } },
          y2: { field: 'upper' },
          color: { field: 'policy', type: 'nominal', title: 'policy', sort: policies, legend: { labelLimit: 360 } },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x,
          xOffset: { field: 'policy', type: 'nominal', sort: policies },
          y: { field: 'estimate', type: 'quantitative' },
          color: { field: 'policy', type: 'nominal', sort: policies },
          tooltip: [{ field: 'policy' }, { field: 'estimator' }, { field: 'estimate', format: '.6f' }],
        },
      },
      {
        data: { values: [{ logged: report.loggedMean }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
        encoding: { y: { field: 'logged', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}
