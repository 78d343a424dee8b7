/**
 * OPE speed: all seven estimators over 1,000,000 logged rows in one columnar pass, the streaming
 * accumulator, and 10,000-resample bootstrap CIs, each against a naive baseline measured in the
 * same run (per-row objects, one map/reduce pass per estimator, Math.random resampling).
 *
 *   npx tsx bench/recsys/ope-speed.ts [--obd <dir>]
 *
 * --obd: the OBD sample folder, holding bts/men/men.csv (default ../shared/data/obd, when present).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootstrapConfidenceIntervals,
  columnsForStaticPolicy,
  estimatePolicyValue,
  obdFeedback,
  OpeAccumulator,
  parseObdCsv,
  Rng,
  type OpeColumns,
} from '@frontier/recsys-domain';
import { datasetPath, medianMs, noPositionalArgs, printHeadline, round } from '../lib/harness';

noPositionalArgs('bench/recsys/ope-speed.ts [--obd <dir>]');
// checked before the minutes of measuring: the bootstrap part reads the OBD sample
const obdDir = datasetPath('obd', '../shared/data/obd', { what: 'the Open Bandit Dataset sample', contains: ['bts/men/men.csv'] });

const OPTS = { ipsClip: 10, drClip: 10, switchLambda: 50, drosLambda: 100 };

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
function naiveEstimates(rows: Row[]): Record<string, number> {
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

// --- 1M rows, all estimators ---------------------------------------------------------------
const N = 1_000_000;
const big = syntheticColumns(N, 1);
const ours = estimatePolicyValue(big, OPTS);
const naive = naiveEstimates(toRows(big));
for (const k of Object.keys(naive)) {
  const a = ours[k as keyof typeof ours] as number;
  if (Math.abs(a - naive[k]) > 1e-9 * Math.max(1, Math.abs(a))) throw new Error(`mismatch on ${k}: ${a} vs ${naive[k]}`);
}
const oneMMs = medianMs(() => estimatePolicyValue(big, OPTS), 9, 2);
const naiveOneMMs = medianMs(() => naiveEstimates(toRows(big)), 3, 1);
const streamingMs = medianMs(() => {
  const acc = new OpeAccumulator(OPTS);
  for (let i = 0; i < N; i++) acc.add(big.pscore[i], big.reward[i], big.pTarget[i], big.qHatFactual[i], big.qHatPolicy[i]);
  return acc.estimate();
}, 7, 2);
console.log(`1M rows, 7 estimators: columnar one pass ${oneMMs.toFixed(1)} ms; naive objects ${naiveOneMMs.toFixed(1)} ms (x${(naiveOneMMs / oneMMs).toFixed(1)}); streaming add() ${streamingMs.toFixed(1)} ms`);

// --- bootstrap, 10k resamples ---------------------------------------------------------------
const bts = parseObdCsv(readFileSync(join(obdDir, 'bts', 'men', 'men.csv'), 'utf8'));
const obdColumns = columnsForStaticPolicy(obdFeedback(bts), () => 1 / 34);
const synth10k = syntheticColumns(10_000, 2);
const bootObdMs = medianMs(() => bootstrapConfidenceIntervals(obdColumns, { nResamples: 10_000, seed: 1 }), 5, 1);
const bootAllMs = medianMs(() => bootstrapConfidenceIntervals(synth10k, { ...OPTS, nResamples: 10_000, seed: 1 }), 5, 1);

/** Naive bootstrap: Math.random indices, a resampled array of row objects, the naive estimators. */
function naiveBootstrap(rows: Row[], resamples: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = rows.map(() => rows[Math.floor(Math.random() * rows.length)]);
    out.push(naiveEstimates(sample).dr);
  }
  return out.sort((a, b) => a - b);
}
const NAIVE_RESAMPLES = 300;
const naiveBootMs = (medianMs(() => naiveBootstrap(toRows(synth10k), NAIVE_RESAMPLES), 3, 1) * 10_000) / NAIVE_RESAMPLES;
console.log(
  `bootstrap 10k resamples over 10k rows: OBD BTS (IPS+SNIPS) ${bootObdMs.toFixed(0)} ms; all 7 estimators ${bootAllMs.toFixed(0)} ms; ` +
    `naive ${naiveBootMs.toFixed(0)} ms (extrapolated from ${NAIVE_RESAMPLES} resamples, x${(naiveBootMs / bootAllMs).toFixed(1)})`,
);

printHeadline('recsys-ope-speed', {
  rows: N,
  allEstimators1MMs: round(oneMMs, 1),
  naiveAllEstimators1MMs: round(naiveOneMMs, 1),
  speedupVsNaive: round(naiveOneMMs / oneMMs, 1),
  streamingAdd1MMs: round(streamingMs, 1),
  bootstrap10kResamplesObd10kRowsMs: round(bootObdMs, 0),
  bootstrap10kResamplesAll7Estimators10kRowsMs: round(bootAllMs, 0),
  naiveBootstrap10kResamplesMs: round(naiveBootMs, 0),
  bootstrapSpeedupVsNaive: round(naiveBootMs / bootAllMs, 1),
});
