import { MlInputError, ModelUnavailableError, type TextEmbedder } from '@frontier/ml-ports';
import { withMicroBatching } from './batching';
import { withEmbeddingCache } from './cache/embedding-cache';
import { createUseStaticEmbedder } from './static/static-embedder';
import { USE_MODEL_ID } from './use/use-model';

/**
 * How search queries are embedded (documents always go through the configured model):
 * - `static`: the static table distilled from the document model (USE-lite only): microseconds
 *   per query on the request thread, vectors in the same space as the documents';
 * - `model`: the document model itself, with concurrent queries micro-batched into one model
 *   call and an LRU of recent query vectors (keyed by model id + SHA-256 of the text);
 * - `direct`: the document model, one call per query (the behaviour before issue 14; a baseline).
 */
export type QueryEmbeddingMode = 'static' | 'model' | 'direct';
export const QUERY_EMBEDDING_MODES: readonly QueryEmbeddingMode[] = ['static', 'model', 'direct'];

export interface QueryEmbedderOptions {
  /** Default: `static` when a table exists for the document model, else `model`. */
  mode?: QueryEmbeddingMode;
  /** `model` mode: query vectors kept in the LRU. Default 10,000. */
  cacheEntries?: number;
  /** `model` mode: most queries in one model call. Default 32. */
  maxBatch?: number;
  /** `model` mode: model calls in flight at once (the model's worker threads). Default 1. */
  lanes?: number;
  /** `static` mode: another table file (tests). */
  tableFile?: string;
}

/** Whether a static table ships for this document model. */
export function hasStaticTable(documentModelId: string): boolean {
  return documentModelId === USE_MODEL_ID;
}

/** The default mode for a document model: `static` where a table ships for it. */
export function defaultQueryEmbeddingMode(documentModelId: string): QueryEmbeddingMode {
  return hasStaticTable(documentModelId) ? 'static' : 'model';
}

/** The query-side embedder for `documents` (see {@link QueryEmbeddingMode}). */
export async function createQueryEmbedder(documents: TextEmbedder, o: QueryEmbedderOptions = {}): Promise<TextEmbedder> {
  const mode = o.mode ?? defaultQueryEmbeddingMode(documents.modelId);
  if (!QUERY_EMBEDDING_MODES.includes(mode)) throw new MlInputError('invalid_argument', 'options.mode', `must be one of ${QUERY_EMBEDDING_MODES.join(', ')}`);
  if (mode === 'static') {
    if (!hasStaticTable(documents.modelId)) throw new ModelUnavailableError('embedding', documents.modelId, `no static table is distilled from ${documents.modelId}; embed queries with the model (query mode "model")`);
    const s = await createUseStaticEmbedder(o.tableFile ? { tableFile: o.tableFile } : {});
    if (s.dimension !== documents.dimension) throw new ModelUnavailableError('embedding', s.modelId, `static table is ${s.dimension}-d, the document model ${documents.dimension}-d`);
    return s;
  }
  if (mode === 'direct') return documents;
  return withEmbeddingCache(withMicroBatching(documents, { maxBatch: o.maxBatch ?? 32, lanes: o.lanes ?? 1 }), { maxEntries: o.cacheEntries ?? 10_000 });
}
