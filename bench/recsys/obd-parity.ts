/**
 * OBD check: evaluate the uniform-random policy (π_e = 1/nItems at every position) from a campaign's
 * BTS logs with IPS and SNIPS (10,000-resample bootstrap CIs, with the weight diagnostics) and compare
 * with the random logs' on-policy CTR (its own bootstrap CI). The number of items comes from the
 * campaign's item_context.csv, the number of positions from the logs.
 *
 *   npx tsx bench/recsys/obd-parity.ts [<dir> [<campaign>]] [--resamples 10000] [--seed 12345]
 *   (or --obd <dir> --campaign <name>)
 *
 * <dir>: the Open Bandit Dataset folder holding {bts,random}/<campaign>/{<campaign>.csv,item_context.csv}
 * (default ../shared/data/obd, when present). <campaign>: men, women, all, ...; may be left out when
 * the folder holds one campaign.
 */
import { bootstrapConfidenceIntervals, columnsForStaticPolicy, obdFeedback } from '@frontier/recsys-domain';
import { benchArgs, printHeadline, round, usageError } from '../lib/harness';
import { logsOf, obdCampaignArgs } from './lib/obd';

const USAGE = 'bench/recsys/obd-parity.ts [<dir> [<campaign>]] [--resamples 10000] [--seed 12345]';
const { flags, positional } = benchArgs();
const posCount = (flags.has('obd') ? 0 : 1) + (flags.has('campaign') ? 0 : 1);
if (positional.length > posCount) usageError(`unexpected argument ${positional.slice(posCount).join(' ')}; usage: ${USAGE}`);
for (const f of flags.keys()) if (!['obd', 'campaign', 'resamples', 'seed'].includes(f)) usageError(`unknown flag --${f}; usage: ${USAGE}`);
const intFlag = (name: string, dflt: number): number => {
  const v = Number(flags.get(name) ?? dflt);
  if (!(Number.isInteger(v) && v > 0)) usageError(`--${name} must be a positive integer, got ${flags.get(name)}`);
  return v;
};
const nResamples = intFlag('resamples', 10_000);
const seed = intFlag('seed', 12345);

const obd = obdCampaignArgs(USAGE, ['bts', 'random']);
const { dir, campaign, nItems, lenList } = obd;
const bts = logsOf(obd, 'bts');
const random = logsOf(obd, 'random');

const offPolicy = bootstrapConfidenceIntervals(columnsForStaticPolicy(obdFeedback(bts), () => 1 / nItems, { nActions: nItems, lenList }), { nResamples, seed });
// on-policy CTR = IPS with π_e = π_b (every weight 1), so the same bootstrap gives its CI
const randomFb = obdFeedback(random);
const onPolicy = bootstrapConfidenceIntervals({ reward: randomFb.reward, pscore: randomFb.pscore, pTarget: randomFb.pscore }, { nResamples, seed });

const pct = (x: number) => `${(100 * x).toFixed(3)}%`;
const fmt = (c: { estimate: number; lower: number; upper: number }) => `${pct(c.estimate)} [${pct(c.lower)}, ${pct(c.upper)}]`;
const relErr = (x: number) => Math.abs(x - onPolicy.ips.estimate) / onPolicy.ips.estimate;
const d = offPolicy.diagnostics;
console.log(`${dir}: campaign ${campaign}, ${nItems} items (item_context.csv), ${lenList} positions; BTS logs ${bts.click.length} rows, random logs ${random.click.length} rows`);
console.log(`| value | estimate [${100 * (1 - 0.05)}% bootstrap CI, ${nResamples} resamples] | relative error vs on-policy |`);
console.log('|---|---|---|');
console.log(`| IPS of the random policy from BTS logs | ${fmt(offPolicy.ips)} | ${relErr(offPolicy.ips.estimate).toFixed(3)} |`);
console.log(`| SNIPS of the random policy from BTS logs | ${fmt(offPolicy.snips)} | ${relErr(offPolicy.snips.estimate).toFixed(3)} |`);
console.log(`| on-policy CTR of the random logs | ${fmt(onPolicy.ips)} | - |`);
console.log(`weights: ESS ${d.ess.toFixed(1)} of ${d.n}, max w ${d.maxWeight.toFixed(2)} (${(100 * d.maxWeightShare).toFixed(2)}% of Σw), mean w ${d.meanWeight.toFixed(4)}`);
if (offPolicy.reliable) console.log('reliable: no warnings');
else for (const w of offPolicy.warnings) console.log(`WARNING (off-policy estimate): ${w}`);
printHeadline('recsys-obd-parity', {
  campaign,
  nItems,
  lenList,
  rows: bts.click.length,
  ips: round(offPolicy.ips.estimate, 6),
  ipsCi: [round(offPolicy.ips.lower, 6), round(offPolicy.ips.upper, 6)],
  snips: round(offPolicy.snips.estimate, 6),
  snipsCi: [round(offPolicy.snips.lower, 6), round(offPolicy.snips.upper, 6)],
  onPolicyCtr: round(onPolicy.ips.estimate, 6),
  onPolicyCi: [round(onPolicy.ips.lower, 6), round(onPolicy.ips.upper, 6)],
  ess: round(d.ess, 1),
  maxWeight: round(d.maxWeight, 2),
  meanWeight: round(d.meanWeight, 4),
  reliable: offPolicy.reliable,
  warnings: offPolicy.warnings,
});
