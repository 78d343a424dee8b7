export * from './port';
export { EmbeddedVectorIndex, DEFAULT_EXACT_THRESHOLD, DEFAULT_NATIVE_SCAN_MIN, DEFAULT_HNSW } from './embedded/embedded-vector-index';
export type { EmbeddedVectorIndexOptions, EmbeddedIndexStats, VectorIndexLoader } from './embedded/embedded-vector-index';
export type { HnswParams } from './embedded/user-index';
export { QdrantVectorIndex, TENANT_FIELD, USER_FIELD, MEMORY_ID_FIELD, DEFAULT_ID_NAMESPACE } from './qdrant/qdrant-vector-index';
export type { QdrantVectorIndexOptions } from './qdrant/qdrant-vector-index';
export { bm25DocumentVector, bm25QueryVector, termId, uuidV5 } from './qdrant/sparse';
export type { SparseVector } from './qdrant/sparse';
