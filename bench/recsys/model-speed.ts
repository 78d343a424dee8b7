/**
 * Model speed: scoring 1,000 candidates for one request (target < 2 ms) against a naive
 * per-candidate implementation and the plain batched head, and one incremental head update
 * (towers frozen) on 100k events + 20% replay.
 *
 *   npx tsx bench/recsys/model-speed.ts
 */
import {
  BatchScorer,
  incrementalHeadUpdate,
  ReservoirSampler,
  Rng,
  TwoTowerModel,
  type Interaction,
} from '@frontier/recsys-domain';
import { median, medianMs, printHeadline, round } from '../lib/harness';

const CFG = { userDim: 32, itemDim: 32, contextDim: 8 }; // defaults: 64-d embeddings, tower 64, head [32, 16]
const model = new TwoTowerModel(CFG, 1);
const rng = new Rng(2);
const N_USERS = 10_000;
const N_ITEMS = 5_000;
const userFeatures = Float32Array.from({ length: N_USERS * CFG.userDim }, () => rng.normal());
const itemFeatures = Float32Array.from({ length: N_ITEMS * CFG.itemDim }, () => rng.normal());
const E = model.config.embeddingDim;
const itemEmb = model.embed('item', itemFeatures, N_ITEMS); // the serving-side embedding cache

// --- scoring 1,000 candidates --------------------------------------------------------------
const N_CAND = 1000;
const candIdx = Int32Array.from({ length: N_CAND }, () => rng.nextInt(N_ITEMS));
const candEmb = new Float32Array(N_CAND * E);
candIdx.forEach((id, r) => candEmb.set(itemEmb.subarray(id * E, (id + 1) * E), r * E));
const ctx = Float32Array.from({ length: CFG.contextDim }, () => rng.normal());
const scorer = new BatchScorer(model);
const out = new Float32Array(N_CAND);
let userRow = 0;
const nextUser = () => userFeatures.subarray((userRow = (userRow + 1) % N_USERS) * CFG.userDim, (userRow + 1) * CFG.userDim);

function scoreBatched(): Float32Array {
  const u = model.embed('user', nextUser(), 1);
  return scorer.score(u, ctx, candEmb, N_CAND, out);
}

/** Plain batched head: build the N × (3E + c) input matrix and run the MLP forward. */
function scoreUnfolded(): Float32Array {
  const u = model.embed('user', nextUser(), 1);
  const d = model.headInputDim;
  const z = new Float32Array(N_CAND * d);
  for (let r = 0; r < N_CAND; r++) {
    for (let j = 0; j < E; j++) {
      const i = candEmb[r * E + j];
      z[r * d + j] = u[j];
      z[r * d + E + j] = i;
      z[r * d + 2 * E + j] = u[j] * i;
    }
    z.set(ctx, r * d + 3 * E);
  }
  const logits = model.head.forward(z, N_CAND);
  return Float32Array.from(logits, (s) => 1 / (1 + Math.exp(-s)));
}

/** Naive: per candidate, a fresh concatenated input array and fresh arrays per layer. */
function scoreNaive(): number[] {
  const u = Array.from(model.embed('user', nextUser(), 1));
  const scores: number[] = [];
  for (let r = 0; r < N_CAND; r++) {
    const i = Array.from(candEmb.subarray(r * E, (r + 1) * E));
    let x: number[] = [...u, ...i, ...u.map((v, j) => v * i[j]), ...ctx];
    model.head.weights.forEach((w, l) => {
      const nIn = model.head.sizes[l];
      const y = Array.from({ length: model.head.sizes[l + 1] }, (_, o) => {
        let s = model.head.biases[l].data[o];
        for (let k = 0; k < nIn; k++) s += w.data[o * nIn + k] * x[k];
        return l < model.head.weights.length - 1 ? Math.max(0, s) : s;
      });
      x = y;
    });
    scores.push(1 / (1 + Math.exp(-x[0])));
  }
  return scores;
}

// correctness of the fast path against the naive one
{
  userRow = 0;
  const a = Float32Array.from(scoreBatched());
  userRow = 0;
  const b = scoreNaive();
  for (let r = 0; r < N_CAND; r++) if (Math.abs(a[r] - b[r]) > 1e-4) throw new Error(`score mismatch at ${r}: ${a[r]} vs ${b[r]}`);
}
const batchedMs = medianMs(scoreBatched, 501, 50);
const unfoldedMs = medianMs(scoreUnfolded, 101, 10);
const naiveMs = medianMs(scoreNaive, 51, 5);
console.log(`score 1,000 candidates: folded batch ${batchedMs.toFixed(3)} ms; plain batched head ${unfoldedMs.toFixed(3)} ms; naive per-candidate ${naiveMs.toFixed(3)} ms (x${(naiveMs / batchedMs).toFixed(1)})`);

// --- incremental head update on 100k events + 20% replay ------------------------------------
const N_EVENTS = 100_000;
function window(seed: number) {
  const r = new Rng(seed);
  return {
    userIdx: Int32Array.from({ length: N_EVENTS }, () => r.nextInt(N_USERS)),
    itemIdx: Int32Array.from({ length: N_EVENTS }, () => r.nextInt(N_ITEMS)),
    context: Float32Array.from({ length: N_EVENTS * CFG.contextDim }, () => r.normal()),
    label: Float32Array.from({ length: N_EVENTS }, () => r.bernoulli(0.05)),
  };
}
const tables = { userFeatures, itemFeatures };
const updateTimes: number[] = [];
let lastResult = { windowRows: 0, replayRows: 0, loss: 0 };
for (let rep = 0; rep < 3; rep++) {
  const replay = new ReservoirSampler<Interaction>(100_000, 5);
  for (let t = 0; t < 200_000; t++) replay.add({ userIdx: t % N_USERS, itemIdx: t % N_ITEMS, context: ctx, label: t % 20 === 0 ? 1 : 0 });
  const w = window(10 + rep);
  const t0 = performance.now();
  lastResult = incrementalHeadUpdate(model, w, tables, replay, { batchSize: 256, epochs: 1 });
  updateTimes.push(performance.now() - t0);
}
const updateMs = median(updateTimes);
console.log(`incremental head update: ${lastResult.windowRows} window + ${lastResult.replayRows} replay rows, 1 epoch, batch 256: ${(updateMs / 1000).toFixed(2)} s (median of 3)`);

printHeadline('recsys-model-speed', {
  candidates: N_CAND,
  scoreFoldedMs: round(batchedMs, 3),
  scorePlainBatchedMs: round(unfoldedMs, 3),
  scoreNaivePerCandidateMs: round(naiveMs, 3),
  scoringSpeedupVsNaive: round(naiveMs / batchedMs, 1),
  headUpdate100kEventsS: round(updateMs / 1000, 2),
  headUpdateRows: lastResult.windowRows + lastResult.replayRows,
});
