import fc from 'fast-check';
import { TwoTowerModel } from '../model/index';
import { Rng } from '../random';
import { incrementalHeadUpdate, mixWithReplay, ReservoirSampler, type Interaction } from './index';

/** Chi-square statistic of inclusion counts against the uniform expectation. */
function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('reservoir replay buffer', () => {
  it('keeps min(capacity, seen) items, all from the stream, without duplicates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 300 }), fc.nat(), (cap, n, seed) => {
        const r = new ReservoirSampler<number>(cap, seed);
        for (let i = 0; i < n; i++) r.add(i);
        expect(r.size).toBe(Math.min(cap, n));
        expect(new Set(r.values()).size).toBe(r.size);
        for (const v of r.values()) expect(v >= 0 && v < n).toBe(true);
      }),
    );
  });

  it('is uniform over the stream (chi-square over 4,000 seeded runs)', () => {
    const N = 40;
    const cap = 10;
    const runs = 4000;
    const counts = new Array<number>(N).fill(0);
    for (let s = 0; s < runs; s++) {
      const r = new ReservoirSampler<number>(cap, s + 1);
      for (let i = 0; i < N; i++) r.add(i);
      for (const v of r.values()) counts[v]++;
    }
    // 39 degrees of freedom: the 99.9% quantile is 72.1
    expect(chiSquare(counts, (runs * cap) / N)).toBeLessThan(72.1);
  });

  it('merging two reservoirs over disjoint streams is uniform over the union', () => {
    const runs = 4000;
    const counts = new Array<number>(30).fill(0);
    for (let s = 0; s < runs; s++) {
      const a = new ReservoirSampler<number>(8, 2 * s + 1);
      const b = new ReservoirSampler<number>(8, 2 * s + 2);
      for (let i = 0; i < 10; i++) a.add(i); // a short stream
      for (let i = 10; i < 30; i++) b.add(i); // a longer one
      const m = a.merge(b, s + 7);
      expect(m.size).toBe(8);
      expect(m.seen).toBe(30);
      for (const v of m.values()) counts[v]++;
    }
    expect(chiSquare(counts, (runs * 8) / 30)).toBeLessThan(58.3); // 29 dof, 99.9%
  });

  it('a snapshot restored in another process goes on sampling uniformly over the whole stream', () => {
    // 25 items seen before the "restart", 15 after: every one of the 40 kept with probability 10/40
    const runs = 4000;
    const counts = new Array<number>(40).fill(0);
    for (let s = 0; s < runs; s++) {
      const before = new ReservoirSampler<number>(10, 3 * s + 1);
      for (let i = 0; i < 25; i++) before.add(i);
      const state = JSON.parse(JSON.stringify(before.snapshot())) as { items: number[]; seen: number };
      const after = ReservoirSampler.restore<number>(10, state, 3 * s + 2);
      expect(after.seen).toBe(25);
      for (let i = 25; i < 40; i++) after.add(i);
      expect(after.size).toBe(10);
      for (const v of after.values()) counts[v]++;
    }
    expect(chiSquare(counts, (runs * 10) / 40)).toBeLessThan(72.1); // 39 dof, 99.9%
  });

  it('restore refuses a state no reservoir of that capacity can be in', () => {
    expect(() => ReservoirSampler.restore(3, { items: [1, 2, 3, 4], seen: 9 })).toThrow(/exceed the capacity 3/);
    expect(() => ReservoirSampler.restore(3, { items: [1, 2], seen: 9 })).toThrow(/holds 3, not 2/);
    expect(() => ReservoirSampler.restore(3, { items: [], seen: -1 })).toThrow(/non-negative integer/);
    const r = ReservoirSampler.restore(3, { items: ['a'], seen: 1 });
    expect([r.values(), r.seen, r.snapshot()]).toEqual([['a'], 1, { items: ['a'], seen: 1 }]);
  });

  it('mixes the window with 20% replay and updates only the head', () => {
    const cfg = { userDim: 3, itemDim: 3, contextDim: 2, embeddingDim: 8, towerHidden: 8, headHidden: [8, 4] };
    const model = new TwoTowerModel(cfg, 2);
    const rng = new Rng(3);
    const tables = {
      userFeatures: Float32Array.from({ length: 10 * 3 }, () => rng.normal()),
      itemFeatures: Float32Array.from({ length: 10 * 3 }, () => rng.normal()),
    };
    const replay = new ReservoirSampler<Interaction>(500, 4);
    for (let t = 0; t < 1000; t++) replay.add({ userIdx: t % 10, itemIdx: (t * 3) % 10, context: [0, 1], label: t % 2 });
    const n = 400;
    const window = {
      userIdx: Int32Array.from({ length: n }, () => rng.nextInt(10)),
      itemIdx: Int32Array.from({ length: n }, () => rng.nextInt(10)),
      context: new Float32Array(n * 2),
      label: Float32Array.from({ length: n }, () => rng.bernoulli(0.5)),
    };
    const mixed = mixWithReplay(window, replay, 0.2);
    expect(mixed.label.length).toBe(500);
    expect((mixed.label.length - n) / mixed.label.length).toBeCloseTo(0.2, 10);
    const base = model.params('base').map((p) => Float32Array.from(p.data));
    const res = incrementalHeadUpdate(model, window, tables, replay, { batchSize: 50 });
    expect(res).toMatchObject({ windowRows: 400, replayRows: 100 });
    expect(model.params('base').map((p) => Float32Array.from(p.data))).toEqual(base);
    expect(replay.seen).toBe(1400);
  });
});
