import { Rng } from '../random';
import { Adam, BatchScorer, deserializeModel, serializeModel, TwoTowerModel, type FeatureTables, type InteractionBatch } from './index';

const cfg = { userDim: 5, itemDim: 4, contextDim: 3, embeddingDim: 8, towerHidden: 6, headHidden: [7, 5] };

function randomBatch(n: number, seed: number) {
  const rng = new Rng(seed);
  const f = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
  return {
    u: f(n * cfg.userDim),
    i: f(n * cfg.itemDim),
    c: f(n * cfg.contextDim),
    y: Float32Array.from({ length: n }, () => rng.bernoulli(0.4)),
  };
}

describe('two-tower model', () => {
  it('analytic gradients match central differences for every tensor (towers and head)', () => {
    const model = new TwoTowerModel(cfg, 3);
    const n = 6;
    const b = randomBatch(n, 4);
    const loss = () => model.lossAndGrad(b.u, b.i, b.c, b.y, n, false);
    for (const p of model.params()) p.grad.fill(0);
    model.lossAndGrad(b.u, b.i, b.c, b.y, n, 'all');
    const l0 = loss();
    let checked = 0;
    let kinks = 0;
    for (const p of model.params()) {
      for (let t = 0; t < p.data.length; t++) {
        const orig = p.data[t];
        const h = 1e-3;
        p.data[t] = orig + h;
        const lp = loss();
        p.data[t] = orig - h;
        const lm = loss();
        p.data[t] = orig;
        // a ReLU switching inside [x − h, x + h] shows as a large second difference: skip those
        if (Math.abs(lp - 2 * l0 + lm) > 2e-5) {
          kinks++;
          continue;
        }
        const numeric = (lp - lm) / (2 * h);
        expect(Math.abs(numeric - p.grad[t])).toBeLessThan(1e-4 + 1e-2 * Math.abs(p.grad[t]));
        checked++;
      }
    }
    expect(kinks).toBeLessThan(0.02 * (checked + kinks));
  });

  it('head-only training leaves the towers untouched; full training moves them', () => {
    const model = new TwoTowerModel(cfg, 1);
    const rng = new Rng(2);
    const tables: FeatureTables = {
      userFeatures: Float32Array.from({ length: 20 * cfg.userDim }, () => rng.normal()),
      itemFeatures: Float32Array.from({ length: 15 * cfg.itemDim }, () => rng.normal()),
    };
    const n = 300;
    const batch: InteractionBatch = {
      userIdx: Int32Array.from({ length: n }, () => rng.nextInt(20)),
      itemIdx: Int32Array.from({ length: n }, () => rng.nextInt(15)),
      context: Float32Array.from({ length: n * cfg.contextDim }, () => rng.normal()),
      label: Float32Array.from({ length: n }, () => rng.bernoulli(0.3)),
    };
    const snapshot = (g: 'base' | 'head') => model.params(g).map((p) => Float32Array.from(p.data));
    const base0 = snapshot('base');
    const head0 = snapshot('head');
    model.train(batch, tables, { groups: 'head', batchSize: 32 });
    expect(snapshot('base')).toEqual(base0);
    expect(snapshot('head')).not.toEqual(head0);
    model.train(batch, tables, { groups: 'all', batchSize: 32 });
    expect(snapshot('base')).not.toEqual(base0);
  });

  it('learns a user×item preference (training loss falls well below the base rate entropy)', () => {
    const rng = new Rng(9);
    const nu = 30;
    const ni = 20;
    const tables: FeatureTables = {
      userFeatures: Float32Array.from({ length: nu * cfg.userDim }, () => rng.normal()),
      itemFeatures: Float32Array.from({ length: ni * cfg.itemDim }, () => rng.normal()),
    };
    const n = 3000;
    const userIdx = Int32Array.from({ length: n }, () => rng.nextInt(nu));
    const itemIdx = Int32Array.from({ length: n }, () => rng.nextInt(ni));
    const label = Float32Array.from({ length: n }, (_, r) => {
      const u = tables.userFeatures[userIdx[r] * cfg.userDim];
      const i = tables.itemFeatures[itemIdx[r] * cfg.itemDim];
      return u * i > 0 ? 1 : 0;
    });
    const model = new TwoTowerModel(cfg, 4, { learningRate: 1e-2 });
    const batch = { userIdx, itemIdx, context: new Float32Array(n * cfg.contextDim), label };
    const first = model.train(batch, tables, { epochs: 1, batchSize: 64 });
    const last = model.train(batch, tables, { epochs: 15, batchSize: 64 });
    expect(last).toBeLessThan(first);
    expect(last).toBeLessThan(0.35); // ln 2 ≈ 0.69 for a coin
  });

  it('batched scoring equals the plain forward pass', () => {
    const model = new TwoTowerModel({ userDim: 5, itemDim: 4, contextDim: 3 }, 8); // default 64-d sizes
    const n = 50;
    const b = randomBatch(n, 6);
    const u1 = model.embed('user', b.u, 1);
    const items = model.embed('item', b.i, n);
    const ctx = b.c.subarray(0, 3);
    const scores = new BatchScorer(model).score(u1, ctx, items, n, new Float32Array(n));
    // reference: repeat the user and context for every candidate and run the head as trained
    const uRep = new Float32Array(n * 5);
    const cRep = new Float32Array(n * 3);
    for (let r = 0; r < n; r++) {
      uRep.set(b.u.subarray(0, 5), r * 5);
      cRep.set(ctx, r * 3);
    }
    const z = new Float32Array(n * model.headInputDim);
    const e = 64;
    const uEmb = model.embed('user', uRep, n);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < e; j++) {
        z[r * model.headInputDim + j] = uEmb[r * e + j];
        z[r * model.headInputDim + e + j] = items[r * e + j];
        z[r * model.headInputDim + 2 * e + j] = uEmb[r * e + j] * items[r * e + j];
      }
      z.set(cRep.subarray(r * 3, r * 3 + 3), r * model.headInputDim + 3 * e);
    }
    const logits = model.head.forward(z, n);
    for (let r = 0; r < n; r++) expect(scores[r]).toBeCloseTo(1 / (1 + Math.exp(-logits[r])), 5);
  });

  it('serialises to a versioned blob and back bit-exactly; rejects corrupt blobs', () => {
    const model = new TwoTowerModel(cfg, 12);
    const blob = serializeModel(model, { trainedAt: '2025-01-01T00:00:00Z', rows: 123 });
    const { model: copy, metadata } = deserializeModel(blob);
    expect(metadata).toEqual({ trainedAt: '2025-01-01T00:00:00Z', rows: 123 });
    expect(copy.config).toEqual(model.config);
    copy.params().forEach((p, t) => expect(p.data).toEqual(model.params()[t].data));
    const bad = Uint8Array.from(blob);
    bad[0] ^= 0xff;
    expect(() => deserializeModel(bad)).toThrow(/magic/);
    const future = Uint8Array.from(blob);
    future[4] = 99;
    expect(() => deserializeModel(future)).toThrow(/version/);
    expect(() => deserializeModel(blob.subarray(0, blob.length - 8))).toThrow(/truncated/);
  });

  it('Adam minimises a quadratic', () => {
    const p = { name: 'x', group: 'head' as const, data: Float32Array.of(5, -3), grad: new Float32Array(2) };
    const adam = new Adam({ learningRate: 0.1 });
    for (let t = 0; t < 500; t++) {
      p.grad[0] = 2 * (p.data[0] - 1);
      p.grad[1] = 2 * (p.data[1] + 2);
      adam.step([p]);
    }
    expect(p.data[0]).toBeCloseTo(1, 2);
    expect(p.data[1]).toBeCloseTo(-2, 2);
  });
});
