/**
 * Gradient-boosted regression trees over the learned re-ranker's logit (issue 14, fifth pass; an experiment, not shipped): the
 * fitting side of locomo-trees-model.ts. Logistic loss, Newton leaf values, histogram splits
 * on quantile bins of the training rows, fixed depth, shrinkage; the logistic model's logit is the
 * starting margin, so the trees only learn a correction.
 */
import { parseCandidate, queryCues, RERANK_FEATURES, rerankLogit, splitEpisodeText, sigmoid, type RerankModel } from '@frontier/memory-domain';
import { contextFeatures, type RegressionTree, type TreeEnsemble } from './locomo-trees-model';
import type { CandidateRow, QuestionRows } from './locomo-rerank';

export interface TreeFitOptions {
  trees: number;
  depth: number;
  rate: number;
  /** L2 on leaf values (Newton denominator). */
  lambda: number;
  /** Least hessian mass in a child. */
  minHessian: number;
  /** Quantile bins per feature. */
  bins?: number;
  /** Feature indexes the trees may split on (default all). */
  features?: readonly number[];
}

/** Full feature rows (13 re-ranker features + pool context under `m`) of every question. */
export function treeRows(qs: readonly QuestionRows[], m: RerankModel): number[][][] {
  return qs.map((q) => {
    const ctx = contextFeatures(
      q.rows.map((r) => {
        const sp = r.episode ? splitEpisodeText(r.text).speaker : undefined;
        const p = parseCandidate(r.text, r.episode);
        return { logit: rerankLogit(r.x, m), session: r.memory.provenance.sessionId, ...(sp !== undefined ? { speaker: sp } : {}), words: r.words, episode: r.episode, tf: p.tf, length: p.length };
      }),
      new Set(queryCues(q.question.question).terms),
    );
    const qq = q.question.question;
    const qf = [/\b(would|might|likely|could)\b/i.test(qq) ? 1 : 0, /^\s*(what|which)\b/i.test(qq) ? 1 : 0, /^\s*(who|where)\b/i.test(qq) ? 1 : 0, /\bhow many\b/i.test(qq) ? 1 : 0, /\bboth\b|\band\b.*\b(both|share|common)\b/i.test(qq) ? 1 : 0, queryCues(qq).terms.length];
    return q.rows.map((r, i) => [...r.x, ...(ctx[i] as number[]), ...qf, /\b(I|I'm|I've|I just|we|We|my|My)\b/.test(r.text.replace(/^\[[^\]]*\]\s*[^:]{1,40}:\s/, '')) ? 1 : 0]);
  });
}

/** Fits the ensemble on the questions' rows (`x[q][i]`: full rows; margin starts at the logit, the column after the re-ranker's features). */
export function fitTrees(qs: readonly QuestionRows[], x: readonly (readonly (readonly number[])[])[], o: TreeFitOptions): TreeEnsemble {
  const rows: Array<readonly number[]> = [];
  const y: number[] = [];
  qs.forEach((q, qi) => q.rows.forEach((r: CandidateRow, i) => {
    rows.push((x[qi] as number[][])[i] as number[]);
    y.push(r.positive ? 1 : 0);
  }));
  const N = rows.length;
  const F = rows[0]?.length ?? 0;
  const feats = o.features ?? Array.from({ length: F }, (_, k) => k);
  const nb = o.bins ?? 32;
  // quantile cut points per feature; bin b holds values ≤ cuts[b] (last bin: above every cut)
  const cuts: number[][] = [];
  const bin: Uint8Array[] = [];
  for (let f = 0; f < F; f++) {
    const vals = rows.map((r) => r[f] as number).sort((a, b) => a - b);
    const c: number[] = [];
    for (let k = 1; k < nb; k++) {
      const v = vals[Math.floor((k * (N - 1)) / nb)] as number;
      if (!c.length || v > (c[c.length - 1] as number)) c.push(v);
    }
    cuts.push(c);
    const b = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      const v = (rows[i] as number[])[f] as number;
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= (c[mid] as number)) hi = mid;
        else lo = mid + 1;
      }
      b[i] = lo;
    }
    bin.push(b);
  }
  const margin = Float64Array.from(rows, (r) => r[RERANK_FEATURES.length] as number);
  const g = new Float64Array(N);
  const h = new Float64Array(N);
  const node = new Int32Array(N);
  const trees: RegressionTree[] = [];
  const internal = (1 << o.depth) - 1;
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < N; i++) {
      const p = sigmoid(margin[i] as number);
      g[i] = p - (y[i] as number);
      h[i] = p * (1 - p);
    }
    node.fill(0);
    const feature = new Array<number>(internal).fill(0);
    const threshold = new Array<number>(internal).fill(Infinity);
    for (let level = 0; level < o.depth; level++) {
      const first = (1 << level) - 1;
      const width = 1 << level;
      // histograms [node][feature][bin] of g and h
      const G = new Float64Array(width * F * nb);
      const H = new Float64Array(width * F * nb);
      for (let i = 0; i < N; i++) {
        const nd = (node[i] as number) - first;
        const gi = g[i] as number;
        const hi = h[i] as number;
        const base = nd * F * nb;
        for (const f of feats) {
          const k = base + f * nb + ((bin[f] as Uint8Array)[i] as number);
          G[k] = (G[k] as number) + gi;
          H[k] = (H[k] as number) + hi;
        }
      }
      for (let w = 0; w < width; w++) {
        let best = 0;
        let bf = 0;
        let bt = Infinity;
        for (const f of feats) {
          const base = w * F * nb + f * nb;
          let gt = 0;
          let ht = 0;
          for (let b = 0; b < nb; b++) {
            gt += G[base + b] as number;
            ht += H[base + b] as number;
          }
          const parent = (gt * gt) / (ht + o.lambda);
          let gl = 0;
          let hl = 0;
          const c = cuts[f] as number[];
          for (let b = 0; b < c.length; b++) {
            gl += G[base + b] as number;
            hl += H[base + b] as number;
            const gr = gt - gl;
            const hr = ht - hl;
            if (hl < o.minHessian || hr < o.minHessian) continue;
            const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent;
            if (gain > best) {
              best = gain;
              bf = f;
              bt = c[b] as number;
            }
          }
        }
        feature[first + w] = bf;
        threshold[first + w] = bt;
      }
      for (let i = 0; i < N; i++) {
        const n = node[i] as number;
        node[i] = ((rows[i] as number[])[feature[n] as number] as number) <= (threshold[n] as number) ? 2 * n + 1 : 2 * n + 2;
      }
    }
    const leaves = 1 << o.depth;
    const LG = new Float64Array(leaves);
    const LH = new Float64Array(leaves);
    for (let i = 0; i < N; i++) {
      const l = (node[i] as number) - internal;
      LG[l] = (LG[l] as number) + (g[i] as number);
      LH[l] = (LH[l] as number) + (h[i] as number);
    }
    const leaf = Array.from(LG, (gs, l) => (-o.rate * gs) / ((LH[l] as number) + o.lambda));
    for (let i = 0; i < N; i++) margin[i] = (margin[i] as number) + (leaf[(node[i] as number) - internal] as number);
    trees.push({ feature, threshold, leaf });
  }
  return { depth: o.depth, trees };
}
