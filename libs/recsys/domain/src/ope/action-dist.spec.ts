import fc from 'fast-check';
import { estimatePolicyValue } from './accumulator';
import { estimateFromActionDist } from './action-dist';
import { columnsFromActionDist, type ActionTensor, type LoggedFeedback } from './columns';
import { ESTIMATOR_NAMES, type OpeEstimates } from './types';

const OPTS = { ipsClip: 50, drClip: 20, switchLambda: 10, drosLambda: 5 };
const KEYS = ESTIMATOR_NAMES;

/** A random OBP-shaped problem: n rows, K actions (K not a multiple of 4 half the time), one position. */
const problem = fc
  .record({ n: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 11 }), seed: fc.integer({ min: 1, max: 2 ** 30 }) })
  .map(({ n, k, seed }) => {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const dist = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let a = 0; a < k; a++) sum += dist[i * k + a] = rnd() + 0.01;
      for (let a = 0; a < k; a++) dist[i * k + a] /= sum;
    }
    const logged: LoggedFeedback = {
      action: Int32Array.from({ length: n }, () => Math.floor(rnd() * k)),
      reward: Float64Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0)),
      pscore: Float64Array.from({ length: n }, () => 0.05 + rnd() * 0.9),
    };
    return { logged, dist: { data: dist, nActions: k, lenList: 1 }, q: { data: Float64Array.from(dist, () => rnd()), nActions: k, lenList: 1 } };
  });

const expectSame = (a: OpeEstimates, b: OpeEstimates) => {
  for (const key of KEYS) {
    const x = a[key];
    const y = b[key];
    if (Number.isNaN(y)) expect(x).toBeNaN();
    else expect(x).toBeCloseTo(y, 12);
  }
  expect(a.diagnostics).toEqual(b.diagnostics);
};

describe('estimateFromActionDist (one pass from OBP inputs)', () => {
  it('equals estimatePolicyValue(columnsFromActionDist(…)) on every estimator and diagnostic (property)', () => {
    fc.assert(
      fc.property(problem, ({ logged, dist, q }) => {
        expectSame(estimateFromActionDist(logged, dist, q, OPTS), estimatePolicyValue(columnsFromActionDist(logged, dist, q), OPTS));
      }),
      { numRuns: 200 },
    );
  });

  it('hand-computed: two rows, three actions', () => {
    const logged: LoggedFeedback = { action: Int32Array.of(2, 0), reward: Float64Array.of(1, 0), pscore: Float64Array.of(0.5, 0.25) };
    const dist: ActionTensor = { data: Float64Array.of(0.2, 0.3, 0.5, 0.6, 0.1, 0.3), nActions: 3, lenList: 1 };
    const q: ActionTensor = { data: Float64Array.of(1, 2, 3, 4, 5, 6), nActions: 3, lenList: 1 };
    const e = estimateFromActionDist(logged, dist, q);
    // w = [1, 2.4]; IPS = (1·1 + 2.4·0)/2; DM = mean(2.3, 4.7); DR = mean(2.3 + 1·(1 − 3), 4.7 + 2.4·(0 − 4))
    expect(e.ips).toBeCloseTo(0.5, 12);
    expect(e.snips).toBeCloseTo(1 / 3.4, 12);
    expect(e.dm).toBeCloseTo(3.5, 12);
    expect(e.dr).toBeCloseTo((0.3 + (4.7 - 9.6)) / 2, 12);
  });

  it('without q̂, or with slates, goes through the columns (same numbers, DM family NaN without q̂)', () => {
    const logged: LoggedFeedback = { action: Int32Array.of(1, 0), position: Int32Array.of(1, 0), reward: Float64Array.of(1, 1), pscore: Float64Array.of(0.5, 0.5) };
    const dist: ActionTensor = { data: Float64Array.of(0.1, 0.9, 0.7, 0.3, 0.4, 0.6, 0.2, 0.8), nActions: 2, lenList: 2 };
    const q: ActionTensor = { data: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8), nActions: 2, lenList: 2 };
    expectSame(estimateFromActionDist(logged, dist, q), estimatePolicyValue(columnsFromActionDist(logged, dist, q)));
    const noModel = estimateFromActionDist(logged, dist);
    expect(noModel.ips).toBeCloseTo(((0.3 / 0.5) * 1 + (0.4 / 0.5) * 1) / 2, 12);
    expect(noModel.dm).toBeNaN();
  });

  it('rejects what columnsFromActionDist rejects, naming the row', () => {
    const good: LoggedFeedback = { action: Int32Array.of(0, 1), reward: Float64Array.of(0, 1), pscore: Float64Array.of(0.5, 0.5) };
    const dist: ActionTensor = { data: Float64Array.of(0.5, 0.5, 0.5, 0.5), nActions: 2, lenList: 1 };
    expect(() => estimateFromActionDist({ ...good, action: Int32Array.of(0, 2) }, dist, dist)).toThrow('action 2 out of range [0, 2) at row 1');
    expect(() => estimateFromActionDist({ ...good, action: Int32Array.of(-1, 0) }, dist, dist)).toThrow('action -1 out of range [0, 2) at row 0');
    expect(() => estimateFromActionDist({ ...good, position: Int32Array.of(0, 1) }, dist, dist)).toThrow('position 1 out of range [0, 1) at row 1');
    expect(() => estimateFromActionDist({ ...good, pscore: Float64Array.of(0.5, 0) }, dist, dist)).toThrow('propensity must be > 0 at row 1, got 0');
    expect(() => estimateFromActionDist(good, { ...dist, data: Float64Array.of(1, 0) }, dist)).toThrow('actionDist has the wrong size');
    expect(() => estimateFromActionDist(good, dist, { data: Float64Array.of(1, 0, 1, 0, 1, 0), nActions: 3, lenList: 1 })).toThrow('qHat must have the same shape as actionDist');
  });
});
