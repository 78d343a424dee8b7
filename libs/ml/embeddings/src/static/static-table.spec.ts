import { MlInputError } from '@frontier/ml-ports';
import { decodeStaticTable, encodeStaticTable, pool, type StaticTable } from './static-table';
import { fitTable, meanCosine, tokenTable } from './fit';

const table = (vectors: number[][], weights: number[]): StaticTable => ({ teacher: 't', recipe: 'test', dimension: vectors[0]?.length ?? 0, vocabSize: vectors.length, vectors: Float32Array.from(vectors.flat()), weights: Float32Array.from(weights) });
const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

describe('static table', () => {
  it('pools the weighted mean of the token rows, L2-normalised; unknown and zero-weight ids are skipped', () => {
    const t = table([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1, 3, 0]);
    const v = pool(t, [0, 1, 2, 99], new Float32Array(3));
    // (1·[1,0,0] + 3·[0,1,0]) / 4, normalised
    expect(Array.from(v).map((x) => +x.toFixed(5))).toEqual([+(1 / Math.sqrt(10)).toFixed(5), +(3 / Math.sqrt(10)).toFixed(5), 0]);
    expect(Array.from(pool(t, [2, 99], new Float32Array(3)))).toEqual([0, 0, 0]);
    expect(() => pool(t, [0], new Float32Array(2))).toThrow(MlInputError);
  });

  it('round-trips through its int8 file format within quantisation error', () => {
    const rows = Array.from({ length: 50 }, (_, r) => Array.from({ length: 16 }, (_, j) => Math.sin(r * 7 + j) * (r + 1)));
    const t = table(rows, rows.map((_, r) => r / 50));
    const back = decodeStaticTable(encodeStaticTable(t));
    expect([back.teacher, back.recipe, back.dimension, back.vocabSize]).toEqual(['t', 'test', 16, 50]);
    expect(Array.from(back.weights)).toEqual(Array.from(t.weights));
    for (let r = 0; r < 50; r++) {
      const a = t.vectors.subarray(r * 16, r * 16 + 16);
      const b = back.vectors.subarray(r * 16, r * 16 + 16);
      let dot = 0;
      for (let j = 0; j < 16; j++) dot += (a[j] as number) * (b[j] as number);
      expect(dot / (norm(a) * norm(b))).toBeGreaterThan(0.9999);
    }
    expect(() => decodeStaticTable(Buffer.from('not gzip'))).toThrow(/not a gzip static table/);
  });

  it('centres and SIF-weights token rows, and the fit moves pooled vectors toward their targets (seeded: repeatable)', () => {
    // 4 tokens; rows share a common component the centring removes
    const t0 = tokenTable({ teacher: 't', dimension: 3, tokenVectors: Float32Array.from([9, 9, 9, 5, 1, 0, 5, 0, 1, 5, 1, 1]), logProbs: [0, -1, -2, -3], firstPiece: 1, sifA: 0.1 });
    expect(t0.weights[0]).toBe(0);
    expect(t0.weights[3] as number).toBeGreaterThan(t0.weights[1] as number); // rarer tokens weigh more
    const target = (x: number[]) => Float32Array.from(x.map((v) => v / Math.hypot(...x)));
    const samples = [
      { ids: [1, 2], target: target([0, 1, 0]) },
      { ids: [2, 3], target: target([0, 0, 1]) },
      { ids: [1], target: target([0, 1, 1]) },
    ];
    const before = meanCosine(t0, samples);
    const fitted = fitTable(t0, samples, { epochs: 30, lr: 1, seed: 3 });
    expect(meanCosine(fitted, samples)).toBeGreaterThan(before + 0.1);
    expect(Array.from(fitTable(t0, samples, { epochs: 30, lr: 1, seed: 3 }).vectors)).toEqual(Array.from(fitted.vectors));
    expect(Array.from(t0.vectors)).toEqual(Array.from(tokenTable({ teacher: 't', dimension: 3, tokenVectors: Float32Array.from([9, 9, 9, 5, 1, 0, 5, 0, 1, 5, 1, 1]), logProbs: [0, -1, -2, -3], firstPiece: 1, sifA: 0.1 }).vectors)); // the fit copies
  });
});
