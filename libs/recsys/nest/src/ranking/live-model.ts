import { BatchScorer, deserializeModel, MODEL_INPUT_DIMS, MODEL_INPUT_LAYOUT, type TwoTowerModel } from '@frontier/recsys-domain';
import { SlabCache } from './slab';

/** Where the live version is read from (recsys-data-access `ModelVersionsRepository` fits). */
export interface LiveModelSource {
  /** The live version without its weights (what a poller compares). */
  liveSummary(tenantId: string, kind: string): Promise<{ id: string; version: number } | null>;
  live(tenantId: string, kind: string): Promise<{ id: string; version: number; weights: Uint8Array } | null>;
}

/** Why a live version cannot be served (the fallback policy serves instead). */
export function incompatibility(model: TwoTowerModel, metadata: Record<string, string | number>): string | null {
  const { userDim, itemDim, contextDim } = model.config;
  if (!Object.values(metadata).includes(MODEL_INPUT_LAYOUT)) return `its metadata does not name the input layout ${MODEL_INPUT_LAYOUT}`;
  if (userDim !== MODEL_INPUT_DIMS.userDim || itemDim !== MODEL_INPUT_DIMS.itemDim || contextDim !== MODEL_INPUT_DIMS.contextDim) {
    return `its dims ${userDim}/${itemDim}/${contextDim} are not ${MODEL_INPUT_DIMS.userDim}/${MODEL_INPUT_DIMS.itemDim}/${MODEL_INPUT_DIMS.contextDim}`;
  }
  return null;
}

/**
 * A live model version loaded for serving: the towers, the per-request folded head scorer
 * (recsys-domain `BatchScorer`) and a cache of item-tower embeddings valid while the tenant's item
 * features stay the same (their items-version).
 */
export class LiveModel {
  private readonly scorer: BatchScorer;
  private readonly itemEmb: SlabCache;
  private out = new Float32Array(256);
  /** Reused by {@link itemEmbeddings}: valid until the next call (the caller scores at once, synchronously). */
  private embBuf = new Float32Array(256 * 64);

  constructor(
    readonly versionId: string,
    readonly version: number,
    readonly model: TwoTowerModel,
    maxCachedItems = 1_000_000,
  ) {
    this.scorer = new BatchScorer(model);
    this.itemEmb = new SlabCache(model.config.embeddingDim, maxCachedItems);
  }

  get embeddingDim(): number {
    return this.model.config.embeddingDim;
  }

  static fromBlob(versionId: string, version: number, weights: Uint8Array): { model: LiveModel | null; problem: string | null } {
    const { model, metadata } = deserializeModel(weights);
    const problem = incompatibility(model, metadata);
    return { model: problem ? null : new LiveModel(versionId, version, model), problem };
  }

  embedUser(input: Float32Array): Float32Array {
    return this.model.embed('user', input, 1);
  }

  /**
   * Item-tower embeddings of `ids` (n × E), from the cache when the item features have not changed
   * since. The array is this model's scratch buffer: use it before the next call.
   */
  itemEmbeddings(ids: readonly string[], itemsVersion: number, input: (i: number) => Float32Array): Float32Array {
    const e = this.embeddingDim;
    const n = ids.length;
    if (this.embBuf.length < n * e) this.embBuf = new Float32Array(n * e * 2);
    const out = this.embBuf.subarray(0, n * e);
    const missing: number[] = [];
    for (let i = 0; i < n; i++) {
      // slot look-ups and a copy: no view or object a candidate
      const s = this.itemEmb.slot(ids[i] as string);
      if (s >= 0 && this.itemEmb.versionAt(s) === itemsVersion && this.itemEmb.tagAt(s) === '') this.itemEmb.copyRow(s, out, i * e);
      else missing.push(i);
    }
    if (missing.length) {
      const d = this.model.config.itemDim;
      const feats = new Float32Array(missing.length * d);
      missing.forEach((i, r) => feats.set(input(i), r * d));
      const emb = this.model.embed('item', feats, missing.length);
      missing.forEach((i, r) => out.set(this.itemEmb.set(ids[i], itemsVersion, emb.subarray(r * e, (r + 1) * e)), i * e));
    }
    return out;
  }

  /** Click probabilities of n candidates (a fresh array). */
  score(user: Float32Array, context: Float32Array, items: Float32Array, n: number): Float32Array {
    if (this.out.length < n) this.out = new Float32Array(n);
    return Float32Array.from(this.scorer.score(user, context, items, n, this.out).subarray(0, n));
  }
}
