export { createUseEmbedder, type UseEmbedderOptions } from './use/use-embedder';
export { USE_DIMENSION, USE_MODEL_ID } from './use/use-model';
export { createOnnxDirEmbedder, type OnnxDirEmbedderOptions } from './onnx/onnx-dir-embedder';
export type { Pooling } from './onnx/pooling';
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './openai/openai-embedder';
export { withEmbeddingCache, embeddingCacheKey, type EmbeddingCacheOptions, type EmbeddingCacheStats, type CachedTextEmbedder } from './cache/embedding-cache';
// cosine similarity: `cosine` from @frontier/platform-util (the workspace's one)
export { validateTexts, l2normalize, DEFAULT_MAX_CHARS } from './validate';
export { chunk, mapLimit, withMicroBatching, type MicroBatchingOptions, type TextEmbedderLike } from './batching';
// queries (issue 14): the static table distilled from USE-lite, or the model micro-batched and cached
export { createQueryEmbedder, defaultQueryEmbeddingMode, hasStaticTable, QUERY_EMBEDDING_MODES, type QueryEmbeddingMode, type QueryEmbedderOptions } from './query-embedder';
export { createStaticEmbedder, createUseStaticEmbedder, USE_STATIC_TABLE_FILE, type StaticEmbedderOptions, type StaticTextEmbedder } from './static/static-embedder';
export { encodeStaticTable, decodeStaticTable, readStaticTable, pool as poolStaticVector, type StaticTable } from './static/static-table';
export { tokenTable, fitTable, meanCosine, type FitSample, type FitOptions, type TokenTableInput } from './static/fit';
export { UnigramTokenizer, type VocabEntry } from './static/unigram-tokenizer';
// a model directory's tokenizer.json through transformers.js (local files only): ids, pad id, model_max_length
export { loadDirTokenizer, type DirTokenizer } from './onnx/tokenizer';
