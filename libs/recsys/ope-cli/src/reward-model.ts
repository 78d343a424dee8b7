import { Rng } from '@frontier/recsys-domain';
import type { LoggedData } from './data';

/**
 * A cross-fitted reward model q̂(a, k) for the DM family: the mean reward of item a at position k,
 * shrunk towards that position's mean with `priorStrength` pseudo-rows. Rows are shuffled into
 * `folds` folds (seeded) and each fold is scored by the table fitted on the other folds, as OBP's
 * `fit_predict(n_folds=…)`, so no row's q̂ saw its own reward.
 */
export interface ItemPositionModel {
  readonly folds: number;
  /** Fold of each row. */
  readonly foldOf: Uint16Array;
  /** Per fold, q̂ as an `[nActions, lenList]` table (index `a * lenList + k`). */
  readonly tables: readonly Float64Array[];
  readonly priorStrength: number;
}

export function fitItemPositionModel(data: LoggedData, folds: number, seed: number, priorStrength = 10): ItemPositionModel {
  const { nActions, lenList, action, position, reward } = data;
  const n = reward.length;
  if (folds < 2 || folds > n) throw new RangeError(`folds must be in [2, ${n}], got ${folds}`);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffle(perm);
  const foldOf = new Uint16Array(n);
  for (let t = 0; t < n; t++) foldOf[perm[t]] = t % folds;
  const cells = nActions * lenList;
  // sums and counts per fold, then "all minus fold"
  const sum = Array.from({ length: folds }, () => new Float64Array(cells));
  const cnt = Array.from({ length: folds }, () => new Float64Array(cells));
  for (let i = 0; i < n; i++) {
    const c = action[i] * lenList + position[i];
    sum[foldOf[i]][c] += reward[i];
    cnt[foldOf[i]][c] += 1;
  }
  const totSum = new Float64Array(cells);
  const totCnt = new Float64Array(cells);
  for (let f = 0; f < folds; f++) {
    for (let c = 0; c < cells; c++) {
      totSum[c] += sum[f][c];
      totCnt[c] += cnt[f][c];
    }
  }
  const tables = sum.map((_, f) => {
    const s = Float64Array.from(totSum, (v, c) => v - sum[f][c]);
    const m = Float64Array.from(totCnt, (v, c) => v - cnt[f][c]);
    const posMean = new Float64Array(lenList);
    for (let k = 0; k < lenList; k++) {
      let ss = 0;
      let mm = 0;
      for (let a = 0; a < nActions; a++) {
        ss += s[a * lenList + k];
        mm += m[a * lenList + k];
      }
      posMean[k] = mm > 0 ? ss / mm : 0;
    }
    return Float64Array.from(s, (v, c) => (v + priorStrength * posMean[c % lenList]) / (m[c] + priorStrength));
  });
  return { folds, foldOf, tables, priorStrength };
}
