import { pool, type StaticTable } from './static-table';

/**
 * Building a static table from an encoder (Model2Vec's distillation, then Tokenlearn's fit):
 * 1. every vocabulary token is run through the encoder alone — its output is the token's row;
 * 2. rows are centred (the frequency-weighted mean row subtracted: it is shared by every token
 *    and only says "this is a single token"), and weighted by SIF, `a / (a + p(token))`, with the
 *    vocabulary's own unigram probabilities;
 * 3. optionally, rows are fitted so that a sentence's pooled vector points where the encoder's
 *    sentence vector points, by SGD on `‖v̂ − y‖²` over (sentence, encoder vector) pairs.
 */

export interface TokenTableInput {
  teacher: string;
  dimension: number;
  /** `vocabSize × dimension`: each token's encoder output alone. */
  tokenVectors: Float32Array;
  /** The vocabulary's unigram log-probabilities (SentencePiece scores); reserved ids get weight 0. */
  logProbs: readonly number[];
  /** First id that is a real piece (USE: 6). */
  firstPiece: number;
  /** SIF's `a`. Default 1e-4 (chosen on LoCoMo dev, docs/benchmarks/memory-search-load.md). */
  sifA?: number;
}

export function tokenTable(i: TokenTableInput): StaticTable {
  const d = i.dimension;
  const vocabSize = i.logProbs.length;
  const a = i.sifA ?? 1e-4;
  const vectors = Float32Array.from(i.tokenVectors);
  const weights = new Float32Array(vocabSize);
  const mean = new Float64Array(d);
  let z = 0;
  for (let t = i.firstPiece; t < vocabSize; t++) {
    const p = Math.exp(i.logProbs[t] as number);
    z += p;
    weights[t] = a / (a + p);
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + p * (vectors[t * d + j] as number);
  }
  for (let t = 0; t < vocabSize; t++) for (let j = 0; j < d; j++) vectors[t * d + j] = (vectors[t * d + j] as number) - (mean[j] as number) / z;
  return { teacher: i.teacher, recipe: `tokens+centre+sif(${a})`, dimension: d, vocabSize, vectors, weights };
}

export interface FitSample {
  ids: readonly number[];
  /** The encoder's unit vector for the same text. */
  target: Float32Array;
}

export interface FitOptions {
  epochs?: number;
  /** Initial learning rate, decayed linearly to 0. Default 8. */
  lr?: number;
  seed?: number;
}

/** A small seeded PRNG (mulberry32): fits and corpora repeat exactly. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fits a copy of `init`'s rows to the samples (weights unchanged); returns the fitted table. */
export function fitTable(init: StaticTable, samples: readonly FitSample[], o: FitOptions = {}): StaticTable {
  const epochs = o.epochs ?? 20;
  const lr0 = o.lr ?? 8;
  const next = rng(o.seed ?? 1);
  const d = init.dimension;
  const t: StaticTable = { ...init, vectors: Float32Array.from(init.vectors), recipe: `${init.recipe}+fit(${samples.length}x${epochs})` };
  const order = samples.map((_, i) => i);
  const p = new Float32Array(d);
  const g = new Float32Array(d);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const lr = lr0 * (1 - ep / epochs);
    for (const si of order) {
      const { ids, target } = samples[si] as FitSample;
      let total = 0;
      for (const id of ids) total += id < t.vocabSize ? (t.weights[id] as number) : 0;
      if (total <= 0) continue;
      // unnormalised pooled vector, its norm, then the gradient of ‖p/|p| − y‖² with respect to p
      p.fill(0);
      for (const id of ids) {
        if (id >= t.vocabSize) continue;
        const a = (t.weights[id] as number) / total;
        for (let j = 0; j < d; j++) p[j] = (p[j] as number) + a * (t.vectors[id * d + j] as number);
      }
      let s = 0;
      for (let j = 0; j < d; j++) s += (p[j] as number) ** 2;
      const n = Math.sqrt(s) || 1;
      let py = 0;
      for (let j = 0; j < d; j++) py += ((p[j] as number) / n) * (target[j] as number);
      for (let j = 0; j < d; j++) g[j] = (2 / n) * (((p[j] as number) / n) * py - (target[j] as number));
      for (const id of ids) {
        if (id >= t.vocabSize) continue;
        const a = (lr * (t.weights[id] as number)) / total;
        for (let j = 0; j < d; j++) t.vectors[id * d + j] = (t.vectors[id * d + j] as number) - a * (g[j] as number);
      }
    }
  }
  return t;
}

/** Mean cosine between the table's vectors and the encoder's, over samples (how close the fit is). */
export function meanCosine(t: StaticTable, samples: readonly FitSample[]): number {
  const v = new Float32Array(t.dimension);
  let sum = 0;
  for (const s of samples) {
    pool(t, s.ids, v);
    let c = 0;
    for (let j = 0; j < t.dimension; j++) c += (v[j] as number) * (s.target[j] as number);
    sum += c;
  }
  return samples.length ? sum / samples.length : 0;
}
