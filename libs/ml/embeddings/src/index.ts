export { createUseEmbedder, type UseEmbedderOptions } from './use/use-embedder';
export { USE_DIMENSION, USE_MODEL_ID } from './use/use-model';
export { createOnnxDirEmbedder, type OnnxDirEmbedderOptions } from './onnx/onnx-dir-embedder';
export type { Pooling } from './onnx/pooling';
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './openai/openai-embedder';
export { withEmbeddingCache, embeddingCacheKey, type EmbeddingCacheOptions, type EmbeddingCacheStats, type CachedTextEmbedder } from './cache/embedding-cache';
// cosine similarity: `cosine` from @frontier/platform-util (the workspace's one)
export { validateTexts, l2normalize, DEFAULT_MAX_CHARS } from './validate';
// a model directory's tokenizer.json through transformers.js (local files only): ids, pad id, model_max_length
export { loadDirTokenizer, type DirTokenizer } from './onnx/tokenizer';
