import { solveSpd } from '../linalg/cholesky';

/**
 * Learned linear map from content embeddings (e.g. frozen CLIP/BERT, dimension dc) to the
 * item-embedding space (E): W = argmin ‖C W − T‖² + λ‖W‖², fitted in closed form,
 * W = (CᵀC + λI)⁻¹ CᵀT, on items that have both a content and an interaction embedding.
 * A bias column is appended to C; it shares the (small) ridge λ.
 */
export interface ContentProjection {
  readonly contentDim: number;
  readonly embeddingDim: number;
  /** (contentDim + 1) × embeddingDim, last row = bias. */
  readonly weights: Float64Array;
}

export function fitContentProjection(
  content: ArrayLike<number>,
  target: ArrayLike<number>,
  n: number,
  contentDim: number,
  embeddingDim: number,
  ridge = 1e-2,
): ContentProjection {
  const d = contentDim + 1;
  const ata = new Float64Array(d * d);
  const atb = new Float64Array(d * embeddingDim);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < contentDim; j++) row[j] = content[r * contentDim + j];
    row[contentDim] = 1;
    for (let i = 0; i < d; i++) {
      const ri = row[i];
      for (let j = 0; j <= i; j++) ata[i * d + j] += ri * row[j];
      for (let e = 0; e < embeddingDim; e++) atb[i * embeddingDim + e] += ri * target[r * embeddingDim + e];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) ata[j * d + i] = ata[i * d + j];
    ata[i * d + i] += ridge;
  }
  return { contentDim, embeddingDim, weights: solveSpd(ata, d, atb, embeddingDim) };
}

export function projectContent(p: ContentProjection, content: ArrayLike<number>): Float32Array {
  const out = new Float32Array(p.embeddingDim);
  for (let e = 0; e < p.embeddingDim; e++) {
    let s = p.weights[p.contentDim * p.embeddingDim + e];
    for (let j = 0; j < p.contentDim; j++) s += content[j] * p.weights[j * p.embeddingDim + e];
    out[e] = s;
  }
  return out;
}

/**
 * A cold item's embedding moves from its projected content embedding to its learned interaction
 * embedding as impressions accrue: e = α c + (1 − α) i with α = n₀ / (n₀ + impressions)
 * (n₀ = `priorImpressions`, default 100: after 100 impressions the two weigh the same).
 */
export function blendItemEmbedding(
  contentEmbedding: Float32Array,
  interactionEmbedding: Float32Array | undefined,
  impressions: number,
  priorImpressions = 100,
): Float32Array {
  if (!interactionEmbedding) return Float32Array.from(contentEmbedding);
  const alpha = priorImpressions / (priorImpressions + Math.max(0, impressions));
  return Float32Array.from(contentEmbedding, (c, e) => alpha * c + (1 - alpha) * interactionEmbedding[e]);
}
