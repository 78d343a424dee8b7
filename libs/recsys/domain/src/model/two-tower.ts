import { Rng } from '../random';
import { Adam, Mlp, type AdamOptions, type Param, type ParamGroup } from './mlp';

export interface TwoTowerConfig {
  readonly userDim: number;
  readonly itemDim: number;
  readonly contextDim: number;
  /** Tower output size. Default 64 (§127.2). */
  readonly embeddingDim?: number;
  /** Hidden width of each tower. Default 64. */
  readonly towerHidden?: number;
  /** Hidden widths of the head MLP on [u, i, u⊙i, context]. Default [32, 16]. */
  readonly headHidden?: readonly number[];
}

/** Interactions referencing rows of feature tables (what the event log holds). */
export interface InteractionBatch {
  readonly userIdx: Int32Array;
  readonly itemIdx: Int32Array;
  /** n × contextDim. */
  readonly context: Float32Array;
  /** 1 = click/positive, 0 = impression without it. */
  readonly label: Float32Array;
}

/** Feature tables: userFeatures is nUsers × userDim, itemFeatures nItems × itemDim (row-major). */
export interface FeatureTables {
  readonly userFeatures: Float32Array;
  readonly itemFeatures: Float32Array;
}

export interface TrainOptions {
  /** 'all' trains towers and head (the daily base retrain); 'head' only the MLP (hourly). */
  readonly groups?: 'all' | 'head';
  readonly batchSize?: number;
  readonly epochs?: number;
  readonly seed?: number;
}

export type ResolvedTwoTowerConfig = Required<TwoTowerConfig>;

/**
 * Two-tower recommender: user tower and item tower (MLPs) map features to embeddings u, i; a head
 * MLP scores [u, i, u⊙i, context] to a click logit. Parameters form two groups: "base" (towers)
 * and "head", so the head can be refreshed hourly on its own with the towers frozen.
 */
export class TwoTowerModel {
  readonly config: ResolvedTwoTowerConfig;
  readonly userTower: Mlp;
  readonly itemTower: Mlp;
  readonly head: Mlp;
  readonly optimizer: Adam;
  private zBuf = new Float32Array(0);

  constructor(config: TwoTowerConfig, seed = 1, adam: AdamOptions = { learningRate: 3e-3 }) {
    this.config = {
      embeddingDim: 64,
      towerHidden: 64,
      headHidden: [32, 16],
      ...config,
    };
    const { userDim, itemDim, contextDim, embeddingDim: e, towerHidden, headHidden } = this.config;
    this.userTower = new Mlp('user', 'base', [userDim, towerHidden, e]);
    this.itemTower = new Mlp('item', 'base', [itemDim, towerHidden, e]);
    this.head = new Mlp('head', 'head', [3 * e + contextDim, ...headHidden, 1]);
    const rng = new Rng(seed);
    this.userTower.init(rng);
    this.itemTower.init(rng);
    this.head.init(rng);
    this.optimizer = new Adam(adam);
  }

  get headInputDim(): number {
    return 3 * this.config.embeddingDim + this.config.contextDim;
  }

  params(group?: ParamGroup): Param[] {
    const all = [...this.userTower.params, ...this.itemTower.params, ...this.head.params];
    return group ? all.filter((p) => p.group === group) : all;
  }

  /** Embeddings of a block of feature rows (n × dim → n × embeddingDim, a fresh array). */
  embed(tower: 'user' | 'item', features: Float32Array, n: number): Float32Array {
    return Float32Array.from((tower === 'user' ? this.userTower : this.itemTower).forward(features, n).subarray(0, n * this.config.embeddingDim));
  }

  /** z = [u, i, u⊙i, context] for a batch. */
  private buildHeadInput(u: Float32Array, it: Float32Array, ctx: Float32Array, batch: number): Float32Array {
    const { embeddingDim: e, contextDim: c } = this.config;
    const d = this.headInputDim;
    if (this.zBuf.length < batch * d) this.zBuf = new Float32Array(batch * d);
    const z = this.zBuf;
    for (let r = 0; r < batch; r++) {
      const zo = r * d;
      const eo = r * e;
      for (let j = 0; j < e; j++) {
        const a = u[eo + j];
        const b = it[eo + j];
        z[zo + j] = a;
        z[zo + e + j] = b;
        z[zo + 2 * e + j] = a * b;
      }
      for (let j = 0; j < c; j++) z[zo + 3 * e + j] = ctx[r * c + j];
    }
    return z;
  }

  /**
   * Mean binary cross-entropy over a batch given raw features (rows aligned). With `backprop`,
   * gradients of the groups in `groups` are accumulated (towers only when 'all').
   */
  lossAndGrad(
    userFeat: Float32Array,
    itemFeat: Float32Array,
    ctx: Float32Array,
    label: Float32Array,
    batch: number,
    backprop: false | 'all' | 'head',
    precomputed?: { u: Float32Array; i: Float32Array },
  ): number {
    const e = this.config.embeddingDim;
    const u = precomputed ? precomputed.u : this.userTower.forward(userFeat, batch);
    const it = precomputed ? precomputed.i : this.itemTower.forward(itemFeat, batch);
    const z = this.buildHeadInput(u, it, ctx, batch);
    const logits = this.head.forward(z, batch);
    let loss = 0;
    const dLogit = new Float32Array(batch);
    for (let r = 0; r < batch; r++) {
      const s = logits[r];
      const y = label[r];
      loss += s > 0 ? Math.log1p(Math.exp(-s)) + (1 - y) * s : Math.log1p(Math.exp(s)) - y * s;
      dLogit[r] = (1 / (1 + Math.exp(-s)) - y) / batch;
    }
    if (backprop) {
      const dz = this.head.backward(dLogit);
      if (backprop === 'all') {
        const d = this.headInputDim;
        const du = new Float32Array(batch * e);
        const di = new Float32Array(batch * e);
        for (let r = 0; r < batch; r++) {
          for (let j = 0; j < e; j++) {
            const g = dz[r * d + 2 * e + j];
            du[r * e + j] = dz[r * d + j] + g * it[r * e + j];
            di[r * e + j] = dz[r * d + e + j] + g * u[r * e + j];
          }
        }
        this.userTower.backward(du);
        this.itemTower.backward(di);
      }
    }
    return loss / batch;
  }

  /**
   * Minibatch Adam over interactions. With groups = 'head', towers are frozen: every referenced
   * user and item is embedded once, and only the head is trained (the hourly update).
   * Returns the mean training loss of the last epoch.
   */
  train(batch: InteractionBatch, tables: FeatureTables, options: TrainOptions = {}): number {
    const groups = options.groups ?? 'all';
    const bs = options.batchSize ?? 256;
    const epochs = options.epochs ?? 1;
    const rng = new Rng(options.seed ?? 7);
    const { userDim, itemDim, contextDim, embeddingDim: e } = this.config;
    const n = batch.label.length;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const frozen = groups === 'head' ? this.frozenEmbeddings(batch, tables) : undefined;
    const uf = new Float32Array(bs * userDim);
    const itf = new Float32Array(bs * itemDim);
    const ctx = new Float32Array(bs * contextDim);
    const lab = new Float32Array(bs);
    const ue = new Float32Array(bs * e);
    const ie = new Float32Array(bs * e);
    const params = groups === 'head' ? this.params('head') : this.params();
    let epochLoss = 0;
    for (let ep = 0; ep < epochs; ep++) {
      rng.shuffle(order);
      epochLoss = 0;
      for (let s = 0; s < n; s += bs) {
        const m = Math.min(bs, n - s);
        for (let r = 0; r < m; r++) {
          const row = order[s + r];
          const uIdx = batch.userIdx[row];
          const iIdx = batch.itemIdx[row];
          if (frozen) {
            ue.set(frozen.user.subarray(frozen.userSlot[uIdx] * e, (frozen.userSlot[uIdx] + 1) * e), r * e);
            ie.set(frozen.item.subarray(frozen.itemSlot[iIdx] * e, (frozen.itemSlot[iIdx] + 1) * e), r * e);
          } else {
            uf.set(tables.userFeatures.subarray(uIdx * userDim, (uIdx + 1) * userDim), r * userDim);
            itf.set(tables.itemFeatures.subarray(iIdx * itemDim, (iIdx + 1) * itemDim), r * itemDim);
          }
          ctx.set(batch.context.subarray(row * contextDim, (row + 1) * contextDim), r * contextDim);
          lab[r] = batch.label[row];
        }
        epochLoss += m * this.lossAndGrad(uf, itf, ctx, lab, m, groups, frozen ? { u: ue, i: ie } : undefined);
        this.optimizer.step(params);
      }
      epochLoss /= n;
    }
    return epochLoss;
  }

  /** Embeds each distinct user/item of a batch once (towers frozen). */
  private frozenEmbeddings(batch: InteractionBatch, tables: FeatureTables) {
    const gather = (ids: Int32Array, table: Float32Array, dim: number, tower: 'user' | 'item') => {
      const slot = new Map<number, number>();
      for (const id of ids) if (!slot.has(id)) slot.set(id, slot.size);
      const feats = new Float32Array(slot.size * dim);
      for (const [id, s] of slot) feats.set(table.subarray(id * dim, (id + 1) * dim), s * dim);
      const lookup: Record<number, number> = {};
      for (const [id, s] of slot) lookup[id] = s;
      return { emb: this.embed(tower, feats, slot.size), lookup };
    };
    const u = gather(batch.userIdx, tables.userFeatures, this.config.userDim, 'user');
    const i = gather(batch.itemIdx, tables.itemFeatures, this.config.itemDim, 'item');
    return { user: u.emb, userSlot: u.lookup, item: i.emb, itemSlot: i.lookup };
  }
}
