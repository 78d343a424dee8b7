import fc from 'fast-check';
import { fuseHybrid, RRF_K, withLexical } from './math';
import type { SearchHit } from './port';

/** fuseHybrid as it was before (issue 14, fifth pass): both fused scores looked up in the map per comparison. */
function previousFuseHybrid(dense: string[], lexical: Array<{ id: string; score: number }>, k: number, cosineOf: (id: string) => number): SearchHit[] {
  const fused = new Map<string, number>();
  dense.forEach((id, r) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + r + 1)));
  const raw = new Map<string, number>();
  lexical.forEach(({ id, score }, r) => {
    fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + r + 1));
    raw.set(id, score);
  });
  const ids = [...fused.keys()].sort((a, b) => (fused.get(b) ?? 0) - (fused.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, k);
  return withLexical(ids.map((id) => ({ id, cosine: cosineOf(id) })), raw);
}

describe('fuseHybrid', () => {
  it('answers exactly as before (same hits, order, cosines and lexical shares), ties in fused rank included', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 80 }).map((i) => `m${i}`), { maxLength: 60 });
    fc.assert(
      fc.property(ids, ids, fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { minLength: 60, maxLength: 60 }), fc.integer({ min: 0, max: 90 }), (dense, lex, scores, k) => {
        const lexical = lex.map((id, i) => ({ id, score: scores[i] as number })).sort((a, b) => b.score - a.score);
        const cosineOf = (id: string) => (Number(id.slice(1)) % 17) / 17;
        expect(fuseHybrid(dense, lexical, k, cosineOf)).toEqual(previousFuseHybrid(dense, lexical, k, cosineOf));
      }),
      { numRuns: 500 },
    );
  });
});
