/**
 * @frontier/recsys-ann: candidate retrieval over item embeddings for the recommender — an HNSW
 * snapshot (hnswlib-node) built by recsys-worker and loaded by recsys-api, the brute-force buffer of
 * items changed since that build, and the exact top-k the benchmark compares against.
 */
export { exactTopK, normalizeRow, unit, type TopK } from './vectors';
export { VectorBuffer, type BufferHit, type RetrievalItem } from './buffer';
export { ItemSnapshot, SnapshotBuilder, currentBuildId, DEFAULT_HNSW_PARAMS, type HnswParams, type SnapshotMeta } from './snapshot';
