import type { LoggedImpression } from '@frontier/recsys-data-access';
import { binaryAuc, evaluationActions, logLoss, meanWeightTolerance } from './evaluation';
import { decideGate, DEFAULT_GATE_RULE, gateTolerance, type GateBaseline, type OpeSummary } from './gate';

const ci = (estimate: number, lower: number, upper: number) => ({ estimate, bootstrapMean: estimate, lower, upper });
const diagnostics = { n: 2000, sumWeight: 2000, meanWeight: 1, maxWeight: 9, ess: 900, essFraction: 0.45, maxWeightShare: 0.0045, reliable: true, warnings: [] };
const summary = (dr: [number, number, number], snips: [number, number, number], o: Partial<OpeSummary> = {}): OpeSummary => ({
  rows: 2000,
  dr: ci(...dr),
  snips: ci(...snips),
  ips: ci(...dr),
  dm: ci(...dr),
  diagnostics,
  warnings: [],
  reliable: true,
  ...o,
});
const live: GateBaseline = { source: 'live', versionId: 'v', version: 3, dr: 0.2, snips: 0.2 };

describe('the eval gate rule', () => {
  it('tolerance: max(absolute, relative × |baseline|)', () => {
    expect(gateTolerance(DEFAULT_GATE_RULE, 0.2)).toBeCloseTo(0.01, 12);
    expect(gateTolerance(DEFAULT_GATE_RULE, 0.01)).toBe(0.002);
  });

  it('promotes when both lower bounds reach the baseline minus the tolerance, the data suffice and no diagnostic warns', () => {
    const d = decideGate(summary([0.21, 0.19, 0.23], [0.2, 0.19, 0.21]), live);
    expect([d.promote, d.reasons]).toEqual([true, []]);
    expect(d.checks.map((c) => [c.name, c.passed])).toEqual([
      ['rows', true],
      ['diagnostics', true],
      ['dr', true],
      ['snips', true],
    ]);
    // exactly at the bound passes
    expect(decideGate(summary([0.2, 0.19, 0.21], [0.2, 0.19, 0.21]), live).promote).toBe(true);
  });

  it('refuses a candidate whose lower bound falls below, naming each failing estimator', () => {
    const d = decideGate(summary([0.17, 0.15, 0.19], [0.2, 0.19, 0.21]), live);
    expect(d.promote).toBe(false);
    expect(d.reasons).toEqual(['dr: candidate 0.1700 [0.1500, 0.1900], lower bound < live 0.2000 − 0.0100 = 0.1900']);
    expect(decideGate(summary([0.25, 0.2, 0.3], [0.25, 0.1, 0.4]), live).reasons).toEqual(['snips: candidate 0.2500 [0.1000, 0.4000], lower bound < live 0.2000 − 0.0100 = 0.1900']);
    // a NaN bound (no reward model) never passes
    expect(decideGate(summary([NaN, NaN, NaN], [0.3, 0.3, 0.3]), live).promote).toBe(false);
  });

  it('any diagnostic warning blocks, however good the estimate looks; so do too few rows', () => {
    const unreliable = summary([0.9, 0.8, 1], [0.9, 0.8, 1], { reliable: false, warnings: ['effective sample size 2.1 < 100'], diagnostics: { ...diagnostics, ess: 2.1, reliable: false } });
    const d = decideGate(unreliable, live);
    expect([d.promote, d.reasons]).toEqual([false, ['blocking diagnostic warning(s): effective sample size 2.1 < 100']]);
    expect(decideGate(summary([0.3, 0.29, 0.31], [0.3, 0.29, 0.31], { rows: 499 }), live).reasons).toEqual(['499 held-out impressions (minimum 500)']);
  });

  it('with no live version the baseline is the logging policy', () => {
    const d = decideGate(summary([0.3, 0.25, 0.35], [0.3, 0.26, 0.34]), { source: 'logging', versionId: null, version: null, dr: 0.16, snips: 0.16 });
    expect(d.promote).toBe(true);
    expect(d.checks[2]?.detail).toMatch(/≥ logging 0\.1600/);
  });
});

describe('holdout metrics', () => {
  it('AUC is the rank-sum statistic with ties averaged; log-loss is the mean cross-entropy', () => {
    expect(binaryAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(binaryAuc([0.5, 0.5, 0.5], [0, 1, 1])).toBeCloseTo(0.5, 12);
    expect(binaryAuc([0.2, 0.3], [1, 1])).toBeNull();
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2, 12);
    expect(logLoss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - 1e-7), 9);
  });
});

describe('evaluation helpers', () => {
  const row = (itemId: string): LoggedImpression => ({ requestId: 'r', position: 0, userId: 'u', itemId, surface: 'home', shownAtMs: 0, propensity: 0.5, reward: 0 });

  it('the action set is every item shown, or the most shown ones (ties by id), sorted', () => {
    const rows = ['c', 'a', 'b', 'b', 'c', 'c', 'd'].map(row);
    expect(evaluationActions(rows)).toEqual(['a', 'b', 'c', 'd']);
    expect(evaluationActions(rows, 2)).toEqual(['b', 'c']);
    expect(evaluationActions(rows, 3)).toEqual(['a', 'b', 'c']);
  });

  it('the mean-weight check warns past 0.1 only when that is also 3 standard errors', () => {
    expect(meanWeightTolerance([1, 1, 1, 1], [1, 1, 1, 1])).toBe(0.1);
    // w ∈ {0, 16} half and half over 100 rows: sd ≈ 8.04, 3 SE ≈ 2.41
    const pT = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : 0));
    expect(meanWeightTolerance(pT, new Array(100).fill(1 / 16))).toBeCloseTo((3 * Math.sqrt((50 * 256 - 100 * 64) / 99)) / 10, 9);
  });
});
