import type { TextEmbedder } from '@frontier/ml-ports';

/**
 * The ML embedding port as the recommender uses it: built on first use (an API that never gets an
 * item without an embedding never loads a model). Provided from `@frontier/ml-registry` (ML_EMBEDDING,
 * USE-lite 512-d by default) by RecsysModule.
 */
export abstract class ItemEmbedder {
  abstract get(): Promise<TextEmbedder>;
}
