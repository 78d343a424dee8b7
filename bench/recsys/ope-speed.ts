/**
 * OPE speed, each figure against a baseline measured in the same run:
 *
 * 1. all seven estimators over 1,000,000 pre-reduced rows in one columnar pass, and the streaming
 *    accumulator, against a naive per-row-object implementation;
 * 2. the whole job as OBP users run it: from an `[n, actions, lenList]` evaluation distribution
 *    and q̂ (OBP's `action_dist` and `estimated_rewards_by_reg_model`) through the public API
 *    (`estimateFromActionDist`, one pass; beside it the two-step `columnsFromActionDist` +
 *    `estimatePolicyValue`), against numpy computing the same formulas on
 *    the same arrays (bench/recsys/ope_numpy.py, spawned with python3; the row is skipped, loudly,
 *    when python3 or numpy is absent). Target: ours ≤ 0.5× numpy's time;
 * 3. 10,000-resample bootstrap CIs: the uniform policy on an OBD campaign's BTS logs (its item count
 *    from item_context.csv), all seven estimators on 10k synthetic rows, and a naive bootstrap.
 *
 *   npx tsx bench/recsys/ope-speed.ts [<dir> [<campaign>]] [--rows 1000000] [--actions 30]
 *       [--len-list 1] [--rounds 3] [--python python3]
 *   (or --obd <dir> --campaign <name>)
 *
 * <dir>: the Open Bandit Dataset folder holding bts/<campaign>/{<campaign>.csv,item_context.csv}
 * (default ../shared/data/obd, when present); <campaign> may be left out when it holds one.
 * --rows/--actions/--len-list: the shape of parts 1-2; --rounds: part 2 alternates ours and numpy
 * this many times (load from other processes falls on both alike); --python: the interpreter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootstrapConfidenceIntervals,
  columnsForStaticPolicy,
  columnsFromActionDist,
  estimateFromActionDist,
  estimatePolicyValue,
  obdFeedback,
  OpeAccumulator,
  Rng,
  type ActionTensor,
  type LoggedFeedback,
  type OpeColumns,
} from '@frontier/recsys-domain';
import { benchArgs, median, medianMs, printHeadline, round, sink, usageError } from '../lib/harness';
import { logsOf, obdCampaignArgs } from './lib/obd';

const USAGE = 'bench/recsys/ope-speed.ts [<dir> [<campaign>]] [--rows 1000000] [--actions 30] [--len-list 1] [--rounds 3] [--python python3]';
const { flags, positional } = benchArgs();
const posCount = (flags.has('obd') ? 0 : 1) + (flags.has('campaign') ? 0 : 1);
if (positional.length > posCount) usageError(`unexpected argument ${positional.slice(posCount).join(' ')}; usage: ${USAGE}`);
const KNOWN = new Set(['obd', 'campaign', 'rows', 'actions', 'len-list', 'rounds', 'python']);
for (const f of flags.keys()) if (!KNOWN.has(f)) usageError(`unknown flag --${f}; usage: ${USAGE}`);
const intFlag = (name: string, dflt: number): number => {
  const v = Number(flags.get(name) ?? dflt);
  if (!(Number.isInteger(v) && v > 0)) usageError(`--${name} must be a positive integer, got ${flags.get(name)}`);
  return v;
};
const N = intFlag('rows', 1_000_000);
const N_ACTIONS = intFlag('actions', 30);
const LEN_LIST = intFlag('len-list', 1);
const ROUNDS = intFlag('rounds', 3);
const PYTHON = flags.get('python') ?? 'python3';
// checked before the minutes of measuring: part 3 reads the OBD campaign
const obd = obdCampaignArgs(USAGE, ['bts']);

const OPTS = { ipsClip: 10, drClip: 10, switchLambda: 50, drosLambda: 100 };
const NAMES = ['ips', 'snips', 'dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const;
type Estimates = Record<(typeof NAMES)[number], number>;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

function syntheticColumns(n: number, seed: number): Required<OpeColumns> {
  const rng = new Rng(seed);
  const c = {
    reward: new Float64Array(n),
    pscore: new Float64Array(n),
    pTarget: new Float64Array(n),
    qHatFactual: new Float64Array(n),
    qHatPolicy: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    c.pscore[i] = 0.005 + 0.1 * rng.next();
    c.pTarget[i] = 0.1 * rng.next();
    c.qHatFactual[i] = 0.2 * rng.next();
    c.qHatPolicy[i] = 0.2 * rng.next();
    c.reward[i] = rng.bernoulli(c.qHatFactual[i]);
  }
  return c;
}

interface Row {
  reward: number;
  pscore: number;
  pTarget: number;
  qHatFactual: number;
  qHatPolicy: number;
}

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The way estimators are often written: an array of row objects, one pass (and array) per estimator. */
function naiveEstimates(rows: Row[]): Estimates {
  const w = rows.map((r) => r.pTarget / r.pscore);
  const resid = rows.map((r) => r.reward - r.qHatFactual);
  const dm = meanOf(rows.map((r) => r.qHatPolicy));
  const meanW = meanOf(w);
  return {
    ips: meanOf(rows.map((r, i) => Math.min(w[i], OPTS.ipsClip) * r.reward)),
    snips: meanOf(rows.map((r, i) => w[i] * r.reward)) / meanW,
    dm,
    dr: meanOf(rows.map((r, i) => r.qHatPolicy + Math.min(w[i], OPTS.drClip) * resid[i])),
    sndr: dm + meanOf(rows.map((_, i) => (w[i] * resid[i]) / meanW)),
    switchDr: meanOf(rows.map((r, i) => r.qHatPolicy + (w[i] <= OPTS.switchLambda ? w[i] * resid[i] : 0))),
    drOs: meanOf(rows.map((r, i) => r.qHatPolicy + ((OPTS.drosLambda * w[i]) / (w[i] * w[i] + OPTS.drosLambda)) * resid[i])),
  };
}

function toRows(c: Required<OpeColumns>): Row[] {
  return Array.from(c.reward, (_, i) => ({
    reward: c.reward[i],
    pscore: c.pscore[i],
    pTarget: c.pTarget[i],
    qHatFactual: c.qHatFactual[i],
    qHatPolicy: c.qHatPolicy[i],
  }));
}

// --- 1. pre-reduced columns, all estimators -------------------------------------------------
function preReduced() {
  const big = syntheticColumns(N, 1);
  const ours = estimatePolicyValue(big, OPTS);
  const naive = naiveEstimates(toRows(big));
  for (const k of NAMES) if (!close(ours[k], naive[k])) throw new Error(`mismatch on ${k}: ${ours[k]} vs ${naive[k]}`);
  const oneMMs = medianMs(() => estimatePolicyValue(big, OPTS), 9, 2);
  const naiveMs = medianMs(() => naiveEstimates(toRows(big)), 3, 1);
  const streamingMs = medianMs(() => {
    const acc = new OpeAccumulator(OPTS);
    for (let i = 0; i < N; i++) acc.add(big.pscore[i], big.reward[i], big.pTarget[i], big.qHatFactual[i], big.qHatPolicy[i]);
    return acc.estimate();
  }, 7, 2);
  console.log(
    `1. ${N} pre-reduced rows, 7 estimators: columnar one pass ${oneMMs.toFixed(1)} ms; naive objects ${naiveMs.toFixed(1)} ms (x${(naiveMs / oneMMs).toFixed(1)}); streaming add() ${streamingMs.toFixed(1)} ms`,
  );
  return { oneMMs, naiveMs, streamingMs };
}

// --- 2. the whole job from [n, actions, lenList] and q̂, against numpy ------------------------
/**
 * OBP-shaped inputs: π_e(·|x_i, k) = softmax(3·u) of uniform logits per row and position, q̂ ~ U(0, 0.3);
 * the logged action drawn from a softmax(3·u′) logging policy whose probability is the pscore (so
 * weights reach well past the clips), a uniform position, a Bernoulli(q̂) click.
 */
function obpInputs(n: number, k: number, l: number, seed: number): { logged: LoggedFeedback; dist: ActionTensor; qHat: ActionTensor } {
  const rng = new Rng(seed);
  const dist = new Float64Array(n * k * l);
  const q = new Float64Array(n * k * l);
  const action = new Int32Array(n);
  const position = new Int32Array(n);
  const reward = new Float64Array(n);
  const pscore = new Float64Array(n);
  const logit = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < l; p++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += logit[a] = Math.exp(3 * rng.next());
      for (let a = 0; a < k; a++) {
        const j = (i * k + a) * l + p;
        dist[j] = logit[a] / s;
        q[j] = 0.3 * rng.next();
      }
    }
    let s = 0;
    for (let a = 0; a < k; a++) s += logit[a] = Math.exp(3 * rng.next());
    let u = rng.next() * s;
    let a = 0;
    while (a < k - 1 && u >= logit[a]) u -= logit[a++];
    action[i] = a;
    pscore[i] = logit[a] / s;
    position[i] = rng.nextInt(l);
    reward[i] = rng.bernoulli(q[(i * k + a) * l + position[i]]);
  }
  return { logged: { action, position, reward, pscore }, dist: { data: dist, nActions: k, lenList: l }, qHat: { data: q, nActions: k, lenList: l } };
}

interface NumpyRun {
  numpy: string;
  estimates: Record<'obp' | 'tuned', Estimates>;
  ms: Record<'obp' | 'tuned' | 'read', number[]>;
}

/** Why numpy cannot run here, or undefined when it can. */
function numpyMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not runnable (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} has no numpy (${r.stderr.trim().split('\n').pop()}); on Debian: apt-get install -y python3-numpy`;
  return undefined;
}

function wholeJob() {
  const { logged, dist, qHat } = obpInputs(N, N_ACTIONS, LEN_LIST, 7);
  // shipped: one pass (estimateFromActionDist); beside it the two-step path (columns, then estimators)
  const ours = estimateFromActionDist(logged, dist, qHat, OPTS);
  const twoStep = estimatePolicyValue(columnsFromActionDist(logged, dist, qHat), OPTS);
  for (const k of NAMES) if (!close(ours[k], twoStep[k])) throw new Error(`one pass and two steps disagree on ${k}: ${ours[k]} vs ${twoStep[k]}`);
  const oursMs: number[] = [];
  const twoStepMs: number[] = [];
  const reduceMs: number[] = [];
  const runOurs = () => {
    sink(estimateFromActionDist(logged, dist, qHat, OPTS)); // warm-up, as numpy gets one per round
    sink(estimatePolicyValue(columnsFromActionDist(logged, dist, qHat), OPTS));
    for (let r = 0; r < 3; r++) {
      let t0 = performance.now();
      sink(estimateFromActionDist(logged, dist, qHat, OPTS));
      oursMs.push(performance.now() - t0);
      t0 = performance.now();
      const columns = columnsFromActionDist(logged, dist, qHat);
      const t1 = performance.now();
      sink(estimatePolicyValue(columns, OPTS));
      twoStepMs.push(performance.now() - t0);
      reduceMs.push(t1 - t0);
    }
  };
  const missing = numpyMissing();
  if (missing !== undefined) {
    const line = '!'.repeat(100);
    console.error(`${line}\n!!! NUMPY ROW SKIPPED: ${missing}\n!!! the whole-job comparison against numpy was NOT made\n${line}`);
    for (let r = 0; r < ROUNDS; r++) runOurs();
    return { oursMs: median(oursMs), twoStepMs: median(twoStepMs), reduceMs: median(reduceMs), numpy: undefined, skipped: missing };
  }
  const folder = mkdtempSync(join(tmpdir(), 'ope-speed-'));
  try {
    const put = (name: string, a: Float64Array | Int32Array) => writeFileSync(join(folder, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    put('action.i32', logged.action);
    put('position.i32', logged.position as Int32Array);
    put('reward.f64', logged.reward);
    put('pscore.f64', logged.pscore);
    put('action_dist.f64', dist.data);
    put('q_hat.f64', qHat.data);
    const args = [join(__dirname, 'ope_numpy.py'), folder, N, N_ACTIONS, LEN_LIST, 3, 1, OPTS.ipsClip, OPTS.drClip, OPTS.switchLambda, OPTS.drosLambda].map(String);
    const np: NumpyRun = { numpy: '', estimates: { obp: {} as Estimates, tuned: {} as Estimates }, ms: { obp: [], tuned: [], read: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      runOurs();
      const out = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (out.status !== 0) throw new Error(`ope_numpy.py failed (exit ${out.status}): ${out.stderr}`);
      const run = JSON.parse(out.stdout) as NumpyRun;
      np.numpy = run.numpy;
      np.estimates = run.estimates;
      for (const style of ['obp', 'tuned', 'read'] as const) np.ms[style].push(...run.ms[style]);
    }
    for (const style of ['obp', 'tuned'] as const) {
      for (const k of NAMES) {
        const theirs = np.estimates[style][k];
        if (!close(ours[k], theirs)) throw new Error(`numpy (${style}) disagrees on ${k}: ours ${ours[k]}, numpy ${theirs}`);
      }
    }
    return { oursMs: median(oursMs), twoStepMs: median(twoStepMs), reduceMs: median(reduceMs), numpy: { version: np.numpy, obpMs: median(np.ms.obp), tunedMs: median(np.ms.tuned), readMs: median(np.ms.read) }, skipped: undefined };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

// --- 3. bootstrap, 10k resamples ---------------------------------------------------------------
/** Naive bootstrap: Math.random indices, a resampled array of row objects, the naive estimators. */
function naiveBootstrap(rows: Row[], resamples: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = rows.map(() => rows[Math.floor(Math.random() * rows.length)]);
    out.push(naiveEstimates(sample).dr);
  }
  return out.sort((a, b) => a - b);
}

function bootstrap() {
  const bts = logsOf(obd, 'bts');
  const obdColumns = columnsForStaticPolicy(obdFeedback(bts), () => 1 / obd.nItems, { nActions: obd.nItems, lenList: obd.lenList });
  const synth10k = syntheticColumns(10_000, 2);
  const bootObdMs = medianMs(() => bootstrapConfidenceIntervals(obdColumns, { nResamples: 10_000, seed: 1 }), 5, 1);
  const bootAllMs = medianMs(() => bootstrapConfidenceIntervals(synth10k, { ...OPTS, nResamples: 10_000, seed: 1 }), 5, 1);
  const NAIVE_RESAMPLES = 300;
  const naiveBootMs = (medianMs(() => naiveBootstrap(toRows(synth10k), NAIVE_RESAMPLES), 3, 1) * 10_000) / NAIVE_RESAMPLES;
  console.log(
    `3. bootstrap 10k resamples: OBD ${obd.campaign} BTS logs (${bts.click.length} rows, uniform policy over ${obd.nItems} items; IPS+SNIPS) ${bootObdMs.toFixed(0)} ms; ` +
      `all 7 estimators on 10k rows ${bootAllMs.toFixed(0)} ms; naive ${naiveBootMs.toFixed(0)} ms (extrapolated from ${NAIVE_RESAMPLES} resamples, x${(naiveBootMs / bootAllMs).toFixed(1)})`,
  );
  return { bootObdMs, bootAllMs, naiveBootMs };
}

const TARGET = 0.5;
const pre = preReduced();
const whole = wholeJob();
if (whole.numpy) {
  const { obpMs, tunedMs, readMs, version } = whole.numpy;
  const best = Math.min(obpMs, tunedMs);
  console.log(
    `2. whole job from [${N}, ${N_ACTIONS}, ${LEN_LIST}] π_e and q̂ (7 estimators): ours (estimateFromActionDist, one pass) ${whole.oursMs.toFixed(1)} ms; two steps ${whole.twoStepMs.toFixed(1)} ms (columnsFromActionDist ${whole.reduceMs.toFixed(1)} + estimatePolicyValue); ` +
      `numpy ${version} OBP-style ${obpMs.toFixed(1)} ms (ours x${(whole.oursMs / obpMs).toFixed(2)}), tuned ${tunedMs.toFixed(1)} ms (ours x${(whole.oursMs / tunedMs).toFixed(2)}); ` +
      `reading both inputs once (numpy sum, the memory floor) ${readMs.toFixed(1)} ms; ` +
      `target ours ≤ ${TARGET}× the faster numpy: ${whole.oursMs <= TARGET * best ? 'MET' : 'NOT MET'} (x${(whole.oursMs / best).toFixed(2)})`,
  );
} else {
  console.log(`2. whole job from [${N}, ${N_ACTIONS}, ${LEN_LIST}] π_e and q̂: ours ${whole.oursMs.toFixed(1)} ms; NUMPY ROW SKIPPED (${whole.skipped})`);
}
const boot = bootstrap();

const best = whole.numpy ? Math.min(whole.numpy.obpMs, whole.numpy.tunedMs) : undefined;
printHeadline('recsys-ope-speed', {
  rows: N,
  allEstimators1MMs: round(pre.oneMMs, 1),
  naiveAllEstimators1MMs: round(pre.naiveMs, 1),
  speedupVsNaive: round(pre.naiveMs / pre.oneMMs, 1),
  streamingAdd1MMs: round(pre.streamingMs, 1),
  wholeJobShape: [N, N_ACTIONS, LEN_LIST],
  wholeJobMs: round(whole.oursMs, 1),
  wholeJobTwoStepMs: round(whole.twoStepMs, 1),
  wholeJobReduceMs: round(whole.reduceMs, 1),
  numpyObpStyleMs: whole.numpy ? round(whole.numpy.obpMs, 1) : null,
  numpyTunedMs: whole.numpy ? round(whole.numpy.tunedMs, 1) : null,
  numpyReadInputsMs: whole.numpy ? round(whole.numpy.readMs, 1) : null,
  wholeJobVsNumpy: best !== undefined ? round(whole.oursMs / best, 3) : null,
  wholeJobTarget: TARGET,
  wholeJobTargetMet: best !== undefined ? whole.oursMs <= TARGET * best : null,
  ...(whole.skipped !== undefined ? { numpySkipped: whole.skipped } : {}),
  obdCampaign: obd.campaign,
  obdItems: obd.nItems,
  bootstrap10kResamplesObd10kRowsMs: round(boot.bootObdMs, 0),
  bootstrap10kResamplesAll7Estimators10kRowsMs: round(boot.bootAllMs, 0),
  naiveBootstrap10kResamplesMs: round(boot.naiveBootMs, 0),
  bootstrapSpeedupVsNaive: round(boot.naiveBootMs / boot.bootAllMs, 1),
});
