import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import type { EvaluationReport } from './evaluate';
import { opeChartSpec, renderChartPng, renderChartSvg } from './plot';

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Width and height from the IHDR chunk, which must come first. */
function ihdr(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Share of pixels that are not (near) white: something was drawn. */
async function inkShare(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let p = 0; p < info.width * info.height; p++) if (data[p * 3] + data[p * 3 + 1] + data[p * 3 + 2] < 600) ink++;
  return ink / (info.width * info.height);
}

const REPORT: EvaluationReport = {
  source: { kind: 'obd', csv: 'men.csv', itemContext: 'item_context.csv', campaign: 'men', behavior: 'bts' },
  rows: 10_000,
  actions: 34,
  positions: 3,
  loggedMean: 0.0069,
  rewardModel: 'item-position',
  settings: { bootstrap: 1000, alpha: 0.05, seed: 1 },
  policies: [
    {
      name: 'logged',
      description: '',
      diagnostics: { n: 10_000, sumWeight: 10_000, meanWeight: 1, maxWeight: 1, ess: 10_000, essFraction: 1, maxWeightShare: 1e-4, reliable: true, warnings: [] },
      warnings: [],
      reliable: true,
      estimates: [
        { estimator: 'ips', estimate: 0.0069, lower: 0.0053, upper: 0.0086, bootstrapMean: 0.0069 },
        { estimator: 'snips', estimate: 0.0069, lower: 0.0053, upper: 0.0086, bootstrapMean: 0.0069 },
      ],
    },
    {
      name: 'uniform',
      description: '',
      diagnostics: { n: 10_000, sumWeight: 9000, meanWeight: 0.9, maxWeight: 178, ess: 2.1, essFraction: 2e-4, maxWeightShare: 0.3, reliable: false, warnings: ['effective sample size 2.1 < 100'] },
      warnings: ['effective sample size 2.1 < 100'],
      reliable: false,
      estimates: [
        { estimator: 'ips', estimate: 0.003, lower: 0.0017, upper: 0.0046, bootstrapMean: 0.003 },
        { estimator: 'snips', estimate: 0.0032, lower: 0.0018, upper: 0.005, bootstrapMean: 0.0032 },
        { estimator: 'dm', estimate: 0.0054, lower: NaN, upper: NaN, bootstrapMean: NaN },
        { estimator: 'dr', estimate: NaN, lower: NaN, upper: NaN, bootstrapMean: NaN },
      ],
    },
  ],
};

describe('renderChartPng (Vega-Lite → SVG → PNG with sharp)', () => {
  it('draws the OPE chart as a valid PNG of exactly the requested size', async () => {
    const png = await renderChartPng(opeChartSpec(REPORT), { width: 640, height: 400 });
    expect(ihdr(png)).toEqual({ width: 640, height: 400 });
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 640, height: 400 });
    expect(await inkShare(png)).toBeGreaterThan(0.005);
  });

  it('puts every finite estimate in the chart, flags unreliable policies and skips NaN estimates', async () => {
    const spec = opeChartSpec(REPORT) as { layer: { data: { values: Record<string, unknown>[] } }[] };
    const values = spec.layer[0].data.values;
    expect(values.map((v) => `${v.policy}/${v.estimator}`)).toEqual(['logged/IPS', 'logged/SNIPS', 'uniform (unreliable)/IPS', 'uniform (unreliable)/SNIPS', 'uniform (unreliable)/DM']);
    expect(values[4]).toMatchObject({ estimate: 0.0054, lower: 0.0054, upper: 0.0054 }); // no interval: a point
    const svg = await renderChartSvg(opeChartSpec(REPORT), { width: 700, height: 420 });
    expect(svg).toContain('uniform (unreliable)');
    expect(svg).toContain('OBD bts/men');
  });

  it('renders any Vega-Lite spec (a line chart as the simulate bench draws) at its own size or a scale', async () => {
    const spec: TopLevelSpec = {
      width: 300,
      height: 200,
      data: { values: [0.01, 0.02, 0.015, 0.03].map((ctr, round) => ({ round, ctr, policy: 'a' })) },
      mark: 'line',
      encoding: { x: { field: 'round', type: 'quantitative' }, y: { field: 'ctr', type: 'quantitative' }, color: { field: 'policy', type: 'nominal' } },
    };
    const natural = ihdr(await renderChartPng(spec));
    expect(natural.width).toBeGreaterThan(300); // plot area plus axes and legend
    expect(ihdr(await renderChartPng(spec, { width: 500, height: 300, scale: 2 }))).toEqual({ width: 1000, height: 600 });
  });
});
