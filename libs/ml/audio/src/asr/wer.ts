/**
 * Word error rate: (substitutions + deletions + insertions) / reference words, by Levenshtein
 * alignment over words after normalisation (lower case, punctuation dropped, apostrophes kept).
 */
export interface WerResult {
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
}

export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

export function wordErrorRate(reference: string, hypothesis: string): WerResult {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  const n = ref.length;
  const m = hyp.length;
  // cost[i][j] with (subs, dels, ins) kept along the cheapest path
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: m + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= n; r++) {
    const cur: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let h = 1; h <= m; h++) {
      const same = ref[r - 1] === hyp[h - 1];
      const diag = prev[h - 1];
      const up = prev[h];
      const left = cur[h - 1];
      const sub = { cost: diag.cost + (same ? 0 : 1), s: diag.s + (same ? 0 : 1), d: diag.d, i: diag.i };
      const del = { cost: up.cost + 1, s: up.s, d: up.d + 1, i: up.i };
      const ins = { cost: left.cost + 1, s: left.s, d: left.d, i: left.i + 1 };
      cur.push(sub.cost <= del.cost && sub.cost <= ins.cost ? sub : del.cost <= ins.cost ? del : ins);
    }
    prev = cur;
  }
  const last = prev[m];
  return {
    // an empty reference has no rate: 0 when the hypothesis is empty too, else 1 (all wrong)
    wer: n === 0 ? (m === 0 ? 0 : 1) : last.cost / n,
    substitutions: last.s,
    deletions: last.d,
    insertions: last.i,
    referenceWords: n,
  };
}
