/**
 * Simulated online loop: synthetic users and items with latent preferences; each round, 500
 * requests show a 5-item slate and clicks are drawn from the true CTR (with a position discount).
 * Policies: uniform random; popularity (smoothed observed CTR, greedy); item-level Beta-Bernoulli
 * Thompson sampling; and the two-tower model + ε-greedy (ε = 0.1) retrained after every round
 * (the whole model for the first 5 rounds, then head-only updates with 20% replay). Every shown
 * item is logged with its propensity; at the end the model policy's logs are checked with SNIPS.
 *
 *   npx tsx bench/recsys/simulate.ts [out=docs/recsys-online-ctr.png] [rounds=40]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  BatchScorer,
  BetaBernoulliThompson,
  epsilonGreedySlate,
  estimatePolicyValue,
  incrementalHeadUpdate,
  ReservoirSampler,
  Rng,
  TwoTowerModel,
  type Interaction,
  type InteractionBatch,
} from '@frontier/recsys-domain';
import { renderChartPng } from '@frontier/recsys-ope-cli';
import type { TopLevelSpec } from 'vega-lite';
import { printHeadline, round } from '../lib/harness';

const OUT = resolve(process.argv[2] ?? 'docs/recsys-online-ctr.png');
const ROUNDS = Number(process.argv[3] ?? 40);
const N_USERS = 1000;
const N_ITEMS = 200;
const LATENT = 8;
const FEAT = 16;
const CTX = 2;
const REQUESTS = 500;
const K = 5;
const EPSILON = 0.1;

// --- the world ------------------------------------------------------------------------------
const world = new Rng(2024);
const gauss = (n: number) => Float64Array.from({ length: n }, () => world.normal());
const userLatent = gauss(N_USERS * LATENT);
const itemLatent = gauss(N_ITEMS * LATENT);
const itemBias = Float64Array.from({ length: N_ITEMS }, () => 0.4 * world.normal());
/** Observable features: a random linear view of the latent vector plus noise. */
function features(latent: Float64Array, n: number): Float32Array {
  const proj = gauss(LATENT * FEAT);
  const out = new Float32Array(n * FEAT);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < FEAT; f++) {
      let s = 0.3 * world.normal();
      for (let j = 0; j < LATENT; j++) s += latent[r * LATENT + j] * proj[j * FEAT + f];
      out[r * FEAT + f] = s / Math.sqrt(LATENT);
    }
  }
  return out;
}
const tables = { userFeatures: features(userLatent, N_USERS), itemFeatures: features(itemLatent, N_ITEMS) };
function trueCtr(u: number, i: number, position: number): number {
  let s = 0;
  for (let j = 0; j < LATENT; j++) s += userLatent[u * LATENT + j] * itemLatent[i * LATENT + j];
  const logit = (1.2 * s) / Math.sqrt(LATENT) + itemBias[i] - 3.2;
  return 1 / (1 + Math.exp(-logit)) / (1 + 0.25 * position);
}

// --- policies -------------------------------------------------------------------------------
interface Policy {
  readonly label: string;
  choose(user: number, rng: Rng): { items: Int32Array; propensities: Float64Array };
  learn(user: number, item: number, position: number, click: number): void;
  endRound(roundIdx: number): void;
}

const randomPolicy: Policy = {
  label: 'random',
  choose: (_u, rng) => epsilonGreedySlate(new Float64Array(N_ITEMS), K, 1, rng),
  learn: () => undefined,
  endRound: () => undefined,
};

function popularityPolicy(): Policy {
  const clicks = new Float64Array(N_ITEMS);
  const shows = new Float64Array(N_ITEMS);
  let scores = new Float64Array(N_ITEMS);
  return {
    label: 'popularity',
    choose: (_u, rng) => epsilonGreedySlate(scores, K, 0, rng),
    learn: (_u, i, _p, c) => {
      clicks[i] += c;
      shows[i]++;
    },
    // smoothed CTR towards 5%, refreshed once per round (a batch "most popular" list)
    endRound: () => (scores = Float64Array.from(clicks, (c, i) => (c + 1) / (shows[i] + 20))),
  };
}

function thompsonPolicy(): Policy {
  const ts = new BetaBernoulliThompson(N_ITEMS, { priorAlpha: 1, priorBeta: 19 });
  return {
    label: 'item thompson',
    choose: (_u, rng) => ts.selectSlate(K, rng, 50),
    learn: (_u, i, _p, c) => ts.update(i, c),
    endRound: () => undefined,
  };
}

function modelPolicy(): Policy {
  const model = new TwoTowerModel({ userDim: FEAT, itemDim: FEAT, contextDim: CTX }, 3, { learningRate: 3e-3 });
  const scorer = new BatchScorer(model);
  const replay = new ReservoirSampler<Interaction>(20_000, 9);
  let itemEmb = model.embed('item', tables.itemFeatures, N_ITEMS);
  const ctx = new Float32Array(CTX);
  const scores = new Float32Array(N_ITEMS);
  let window: { u: number[]; i: number[]; y: number[] } = { u: [], i: [], y: [] };
  return {
    label: 'two-tower + e-greedy',
    choose: (u, rng) => {
      const ue = model.embed('user', tables.userFeatures.subarray(u * FEAT, (u + 1) * FEAT), 1);
      scorer.score(ue, ctx, itemEmb, N_ITEMS, scores);
      return epsilonGreedySlate(scores, K, EPSILON, rng);
    },
    learn: (u, i, _p, c) => {
      window.u.push(u);
      window.i.push(i);
      window.y.push(c);
    },
    endRound: (r) => {
      const batch: InteractionBatch = {
        userIdx: Int32Array.from(window.u),
        itemIdx: Int32Array.from(window.i),
        context: new Float32Array(window.u.length * CTX),
        label: Float32Array.from(window.y),
      };
      if (r < 5) {
        // early rounds: the "daily" full retrain on everything seen so far (window + reservoir)
        const all = [...replay.values()];
        const hist: InteractionBatch = {
          userIdx: Int32Array.from([...batch.userIdx, ...all.map((x) => x.userIdx)]),
          itemIdx: Int32Array.from([...batch.itemIdx, ...all.map((x) => x.itemIdx)]),
          context: new Float32Array((batch.label.length + all.length) * CTX),
          label: Float32Array.from([...batch.label, ...all.map((x) => x.label)]),
        };
        model.train(hist, tables, { groups: 'all', epochs: 2, batchSize: 128, seed: r });
        for (let t = 0; t < batch.label.length; t++) replay.add({ userIdx: batch.userIdx[t], itemIdx: batch.itemIdx[t], context: [0, 0], label: batch.label[t] });
      } else {
        incrementalHeadUpdate(model, batch, tables, replay, { epochs: 2, batchSize: 128, seed: r });
      }
      itemEmb = model.embed('item', tables.itemFeatures, N_ITEMS);
      window = { u: [], i: [], y: [] };
    },
  };
}

// --- the loop -------------------------------------------------------------------------------
const modelLog = { pscore: [] as number[], reward: [] as number[], pTarget: [] as number[] };
const policies = [randomPolicy, popularityPolicy(), thompsonPolicy(), modelPolicy()];
const ctr: number[][] = policies.map(() => []);
const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  policies.forEach((policy, p) => {
    const users = new Rng(1000 + r); // same users and click noise for every policy in a round
    const rng = new Rng(50_000 + 97 * r + p);
    let clicks = 0;
    for (let q = 0; q < REQUESTS; q++) {
      const u = users.nextInt(N_USERS);
      const slate = policy.choose(u, rng);
      slate.items.forEach((item, pos) => {
        const c = users.bernoulli(trueCtr(u, item, pos));
        clicks += c;
        policy.learn(u, item, pos, c);
        if (p === 3) {
          modelLog.pscore.push(slate.propensities[pos]);
          modelLog.reward.push(c);
          modelLog.pTarget.push(1 / N_ITEMS); // evaluate the uniform-random policy from these logs
        }
      });
    }
    ctr[p].push(clicks / (REQUESTS * K));
    policy.endRound(r);
  });
  process.stderr.write(`round ${r + 1}: ${policies.map((p, k) => `${p.label} ${(100 * ctr[k][r]).toFixed(2)}%`).join(' | ')}\n`);
}
const seconds = (performance.now() - t0) / 1000;

// OPE sanity check inside the loop: the ε-greedy logs (propensity ≥ ε/200 for every item) give
// an unbiased SNIPS estimate of the random policy, whose on-policy CTR we measured directly.
const ope = estimatePolicyValue({
  reward: Float64Array.from(modelLog.reward),
  pscore: Float64Array.from(modelLog.pscore),
  pTarget: Float64Array.from(modelLog.pTarget),
});
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const last10 = ctr.map((xs) => mean(xs.slice(-10)));
console.log(`\n${ROUNDS} rounds x ${REQUESTS} requests x ${K} slots, ${seconds.toFixed(1)} s`);
console.log('| policy | CTR round 1 | CTR mean of last 10 rounds |');
console.log('|---|---|---|');
policies.forEach((p, k) => console.log(`| ${p.label} | ${(100 * ctr[k][0]).toFixed(2)}% | ${(100 * last10[k]).toFixed(2)}% |`));
console.log(`SNIPS of the random policy from the model policy's logs: ${(100 * ope.snips).toFixed(2)}% vs on-policy ${(100 * mean(ctr[0])).toFixed(2)}% (ESS ${ope.diagnostics.ess.toFixed(0)} of ${ope.diagnostics.n})`);

// the chart: Vega-Lite rendered on the server to SVG, then PNG by sharp (the OPE tool's renderer)
const chart: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: { text: 'Online CTR by round', subtitle: `${REQUESTS} requests x ${K} slots per round, same users and click noise for every policy` },
  background: 'white',
  config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
  data: { values: policies.flatMap((p, k) => ctr[k].map((v, r) => ({ round: r + 1, policy: p.label, ctr: v }))) },
  mark: { type: 'line', strokeWidth: 2.5 },
  encoding: {
    x: { field: 'round', type: 'quantitative', title: `round (${REQUESTS} requests x ${K} slots)`, axis: { tickMinStep: 1, format: 'd' } },
    y: { field: 'ctr', type: 'quantitative', title: 'CTR', axis: { format: '.1%' } },
    color: {
      field: 'policy',
      type: 'nominal',
      title: null,
      sort: policies.map((p) => p.label),
      scale: { domain: policies.map((p) => p.label), range: ['#969696', '#e67814', '#2878dc', '#c81e3c'] },
      legend: { orient: 'top-left', labelLimit: 300 },
    },
  },
};
renderChartPng(chart, { width: 900, height: 520 }).then(
  (png) => {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, png);
    console.log(`wrote ${OUT}`);
    printHeadline('recsys-simulate', {
      rounds: ROUNDS,
      ctrLast10: Object.fromEntries(policies.map((p, k) => [p.label, round(last10[k], 4)])),
      snipsRandomFromModelLogs: round(ope.snips, 4),
      onPolicyRandom: round(mean(ctr[0]), 4),
      seconds: round(seconds, 1),
    });
  },
  (e: unknown) => {
    console.error(`simulate: could not draw ${OUT}: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
