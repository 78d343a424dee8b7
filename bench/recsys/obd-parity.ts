/**
 * OBD check: evaluate the uniform-random policy (π_e = 1/34 at every position) from the BTS logs
 * with IPS and SNIPS (10,000-resample bootstrap CIs) and compare with the random logs' on-policy
 * CTR (its own bootstrap CI), on the Open Bandit Dataset "men" sample (10k rows each).
 *
 *   npx tsx bench/recsys/obd-parity.ts [--obd <dir>]
 *
 * --obd: the OBD sample folder, holding {bts,random}/men/men.csv (default ../shared/data/obd, when present).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapConfidenceIntervals, columnsForStaticPolicy, obdFeedback, parseObdCsv } from '@frontier/recsys-domain';
import { datasetPath, noPositionalArgs, printHeadline, round } from '../lib/harness';

noPositionalArgs('bench/recsys/obd-parity.ts [--obd <dir>]');
const dir = datasetPath('obd', '../shared/data/obd', { what: 'the Open Bandit Dataset sample', contains: ['bts/men/men.csv', 'random/men/men.csv'] });
const load = (policy: string) => parseObdCsv(readFileSync(join(dir, policy, 'men', 'men.csv'), 'utf8'));
const bts = load('bts');
const random = load('random');
const N_ITEMS = 34;

const offPolicy = bootstrapConfidenceIntervals(columnsForStaticPolicy(obdFeedback(bts), () => 1 / N_ITEMS), { nResamples: 10_000, seed: 12345 });
// on-policy CTR = IPS with π_e = π_b (every weight 1), so the same bootstrap gives its CI
const randomFb = obdFeedback(random);
const onPolicy = bootstrapConfidenceIntervals({ reward: randomFb.reward, pscore: randomFb.pscore, pTarget: randomFb.pscore }, { nResamples: 10_000, seed: 12345 });

const pct = (x: number) => `${(100 * x).toFixed(3)}%`;
const fmt = (c: { estimate: number; lower: number; upper: number }) => `${pct(c.estimate)} [${pct(c.lower)}, ${pct(c.upper)}]`;
const relErr = (x: number) => Math.abs(x - onPolicy.ips.estimate) / onPolicy.ips.estimate;
console.log(`BTS logs: ${bts.click.length} rows; random logs: ${random.click.length} rows (men campaign, 34 items, 3 positions)`);
console.log('| value | estimate [95% bootstrap CI] | relative error vs on-policy |');
console.log('|---|---|---|');
console.log(`| IPS of the random policy from BTS logs | ${fmt(offPolicy.ips)} | ${relErr(offPolicy.ips.estimate).toFixed(3)} |`);
console.log(`| SNIPS of the random policy from BTS logs | ${fmt(offPolicy.snips)} | ${relErr(offPolicy.snips.estimate).toFixed(3)} |`);
console.log(`| on-policy CTR of the random logs | ${fmt(onPolicy.ips)} | - |`);
printHeadline('recsys-obd-parity', {
  ips: round(offPolicy.ips.estimate, 6),
  ipsCi: [round(offPolicy.ips.lower, 6), round(offPolicy.ips.upper, 6)],
  snips: round(offPolicy.snips.estimate, 6),
  snipsCi: [round(offPolicy.snips.lower, 6), round(offPolicy.snips.upper, 6)],
  onPolicyCtr: round(onPolicy.ips.estimate, 6),
  onPolicyCi: [round(onPolicy.ips.lower, 6), round(onPolicy.ips.upper, 6)],
});
