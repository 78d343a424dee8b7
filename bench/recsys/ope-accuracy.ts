/**
 * Estimator accuracy on synthetic data, OBP's example setting: n = 10k, 30 actions, 5-d contexts,
 * β = −3, 20 seeds. Evaluation policy: OBP's IPWLearner(LogisticRegression(C=100)).predict_proba
 * (τ = 1) fitted on a separate training batch. Reward model: logistic regression on
 * [x, onehot(a)] with C = 100, 3-fold cross-fitted on the evaluation batch (OBP's RegressionModel).
 * Switch-DR and DRos pick λ ∈ {10, 50, 100, 500, 1000, 5000, 10000, ∞} by SLOPE, as OBP's example.
 *
 *   npx tsx bench/recsys/ope-accuracy.ts [nSeeds=20]
 */
import {
  columnsFromActionDist,
  crossFitRewardModel,
  estimatePolicyValue,
  fitIpwLearner,
  groundTruthPolicyValue,
  ipwLearnerActionDist,
  slopeTune,
  studentTQuantile,
  SyntheticBanditDataset,
} from '@frontier/recsys-domain';
import { printHeadline, round } from '../lib/harness';

const N_ROUNDS = 10_000;
const N_ACTIONS = 30;
const DIM_CONTEXT = 5;
const BETA = -3;
const LAMBDAS = [Infinity, 10_000, 5_000, 1_000, 500, 100, 50, 10];
const OBP = { dm: 0.074390, ips: 0.009481, snips: 0.006665, dr: 0.006175, sndr: 0.006118, switchDr: 0.006175, drOs: 0.021951 };
type Name = keyof typeof OBP;
const NAMES = Object.keys(OBP) as Name[];

const nSeeds = Number(process.argv[2] ?? 20);
const relErr: Record<Name, number[]> = { dm: [], ips: [], snips: [], dr: [], sndr: [], switchDr: [], drOs: [] };
const signedErr: Record<Name, number[]> = { dm: [], ips: [], snips: [], dr: [], sndr: [], switchDr: [], drOs: [] };
const lambdaPicked: { switchDr: number[]; drOs: number[] } = { switchDr: [], drOs: [] };
const t0 = performance.now();
for (let seed = 0; seed < nSeeds; seed++) {
  const ds = new SyntheticBanditDataset({ nActions: N_ACTIONS, dimContext: DIM_CONTEXT, beta: BETA, seed });
  const train = ds.obtainBatch(N_ROUNDS);
  const test = ds.obtainBatch(N_ROUNDS);
  const policy = fitIpwLearner(train.context, train.action, train.reward, train.pscore, N_ROUNDS, DIM_CONTEXT, N_ACTIONS);
  const actionDist = ipwLearnerActionDist(policy, test.context, N_ROUNDS);
  const qHat = crossFitRewardModel(test.context, test.action, test.reward, N_ROUNDS, DIM_CONTEXT, N_ACTIONS, { folds: 3, seed: 12345 });
  const truth = groundTruthPolicyValue(test.expectedReward, actionDist, N_ROUNDS, N_ACTIONS);
  const columns = columnsFromActionDist(
    test,
    { data: actionDist, nActions: N_ACTIONS, lenList: 1 },
    { data: qHat, nActions: N_ACTIONS, lenList: 1 },
  );
  const est = estimatePolicyValue(columns);
  const sw = slopeTune(columns, 'switchDr', LAMBDAS);
  const os = slopeTune(columns, 'drOs', LAMBDAS);
  lambdaPicked.switchDr.push(sw.lambda);
  lambdaPicked.drOs.push(os.lambda);
  const values: Record<Name, number> = { dm: est.dm, ips: est.ips, snips: est.snips, dr: est.dr, sndr: est.sndr, switchDr: sw.estimate, drOs: os.estimate };
  for (const k of NAMES) {
    relErr[k].push(Math.abs(values[k] - truth) / truth);
    signedErr[k].push((values[k] - truth) / truth);
  }
  process.stderr.write(`seed ${seed}: V=${truth.toFixed(5)} ips=${est.ips.toFixed(5)} dr=${est.dr.toFixed(5)} dm=${est.dm.toFixed(5)}\n`);
}
const seconds = (performance.now() - t0) / 1000;

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const stdOf = (xs: number[]): number => {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const tq = studentTQuantile(0.975, nSeeds - 1);
console.log(`\nmean relative error over ${nSeeds} seeds (n=${N_ROUNDS}, K=${N_ACTIONS}, d=${DIM_CONTEXT}, beta=${BETA}); ${seconds.toFixed(1)} s`);
console.log('| estimator | ours: mean | ours: std | OBP: mean | mean signed error (95% CI) | unbiased? |');
console.log('|---|---|---|---|---|---|');
const headline: Record<string, number> = {};
for (const k of NAMES) {
  const m = meanOf(relErr[k]);
  const sm = meanOf(signedErr[k]);
  const half = (tq * stdOf(signedErr[k])) / Math.sqrt(nSeeds);
  const covers = sm - half <= 0 && 0 <= sm + half;
  headline[k] = round(m, 6);
  console.log(`| ${k} | ${m.toFixed(6)} | ${stdOf(relErr[k]).toFixed(6)} | ${OBP[k].toFixed(6)} | ${sm.toFixed(5)} [${(sm - half).toFixed(5)}, ${(sm + half).toFixed(5)}] | ${covers ? 'yes' : 'no'} |`);
}
console.log(`SLOPE picks: switch-dr ${JSON.stringify(lambdaPicked.switchDr)}; dr-os ${JSON.stringify(lambdaPicked.drOs)}`);
printHeadline('recsys-ope-accuracy', { seeds: nSeeds, meanRelativeError: headline, obp: OBP, seconds: round(seconds, 1) });
