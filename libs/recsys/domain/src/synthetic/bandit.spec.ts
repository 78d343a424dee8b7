import { columnsFromActionDist, estimatePolicyValue, studentTQuantile } from '../ope/index';
import { groundTruthPolicyValue, SyntheticBanditDataset } from './bandit';
import { crossFitRewardModel, fitIpwLearner, ipwLearnerActionDist } from './logistic';

describe('SyntheticBanditDataset (port of OBP)', () => {
  it('is reproducible from its seed and logs consistent propensities', () => {
    const a = new SyntheticBanditDataset({ nActions: 10, dimContext: 5, beta: -3, seed: 42 }).obtainBatch(500);
    const b = new SyntheticBanditDataset({ nActions: 10, dimContext: 5, beta: -3, seed: 42 }).obtainBatch(500);
    expect(a.action).toEqual(b.action);
    expect(a.reward).toEqual(b.reward);
    for (let i = 0; i < a.n; i++) {
      let s = 0;
      for (let k = 0; k < 10; k++) s += a.piB[i * 10 + k];
      expect(s).toBeCloseTo(1, 12);
      expect(a.pscore[i]).toBe(a.piB[i * 10 + a.action[i]]);
    }
  });

  it('β < 0 logs a policy worse than uniform, β > 0 one better; deficient actions get zero mass', () => {
    const value = (beta: number) => {
      const ds = new SyntheticBanditDataset({ nActions: 10, dimContext: 5, beta, seed: 1 });
      const batch = ds.obtainBatch(3000);
      return groundTruthPolicyValue(batch.expectedReward, batch.piB, batch.n, 10);
    };
    const uniform = (() => {
      const batch = new SyntheticBanditDataset({ nActions: 10, dimContext: 5, beta: 0, seed: 1 }).obtainBatch(3000);
      return groundTruthPolicyValue(batch.expectedReward, batch.piB, batch.n, 10);
    })();
    expect(value(-3)).toBeLessThan(uniform);
    expect(value(3)).toBeGreaterThan(uniform);
    const def = new SyntheticBanditDataset({ nActions: 10, dimContext: 5, beta: -3, nDeficientActions: 4, seed: 5 }).obtainBatch(200);
    for (let i = 0; i < def.n; i++) {
      const zeros = Array.from(def.piB.subarray(i * 10, i * 10 + 10)).filter((p) => p === 0).length;
      expect(zeros).toBe(4);
      expect(def.pscore[i]).toBeGreaterThan(0);
    }
  });

  it('statistically: IPS and DR are unbiased (mean error over 20 seeds within its 99% CI of 0), DM is not', () => {
    const K = 10;
    const n = 2000;
    const seeds = 20;
    const errs = { ips: [] as number[], dr: [] as number[], dm: [] as number[] };
    for (let seed = 0; seed < seeds; seed++) {
      const ds = new SyntheticBanditDataset({ nActions: K, dimContext: 5, beta: -3, seed: 100 + seed });
      const train = ds.obtainBatch(n);
      const test = ds.obtainBatch(n);
      const pi = ipwLearnerActionDist(fitIpwLearner(train.context, train.action, train.reward, train.pscore, n, 5, K), test.context, n);
      const qHat = crossFitRewardModel(test.context, test.action, test.reward, n, 5, K, { seed });
      const est = estimatePolicyValue(
        columnsFromActionDist(test, { data: pi, nActions: K, lenList: 1 }, { data: qHat, nActions: K, lenList: 1 }),
      );
      const truth = groundTruthPolicyValue(test.expectedReward, pi, n, K);
      errs.ips.push(est.ips - truth);
      errs.dr.push(est.dr - truth);
      errs.dm.push(est.dm - truth);
    }
    const t = studentTQuantile(0.995, seeds - 1);
    const ci = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
      return [m - (t * sd) / Math.sqrt(xs.length), m + (t * sd) / Math.sqrt(xs.length)];
    };
    for (const name of ['ips', 'dr'] as const) {
      const [lo, hi] = ci(errs[name]);
      expect(lo).toBeLessThanOrEqual(0);
      expect(hi).toBeGreaterThanOrEqual(0);
    }
    // the misspecified reward model (no context×action interactions) biases DM
    const [lo, hi] = ci(errs.dm);
    expect(lo > 0 || hi < 0).toBe(true);
  });
});
