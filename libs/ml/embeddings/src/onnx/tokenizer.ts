import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelUnavailableError } from '@frontier/ml-ports';

/** The slice of transformers.js' PreTrainedTokenizer this adapter uses. */
interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  pad_token_id?: number | null;
  all_special_ids: number[];
  model_max_length: number;
}

/** A tokenizer from a model directory's `tokenizer.json` that turns a text into model ids. */
export interface DirTokenizer {
  /** Ids with the model's special tokens ([CLS] … [SEP], <s> … </s>), at most `maxTokens` long. */
  encode(text: string, maxTokens: number): number[];
  /** Id used to pad shorter rows (masked out, so its value never matters to pooling). */
  readonly padId: number;
  /** The tokenizer's own limit (`model_max_length`), Infinity when it has none. */
  readonly modelMaxLength: number;
}

function readJson(file: string, modelId: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ModelUnavailableError('embedding', modelId, `${file} is not readable JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Loads `tokenizer.json` (+ `tokenizer_config.json` when present) from `dir` with transformers.js,
 * local files only: remote model loading is switched off before anything is read.
 */
export async function loadDirTokenizer(dir: string, modelId: string): Promise<DirTokenizer> {
  const tokenizerFile = path.join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) throw new ModelUnavailableError('embedding', modelId, `no tokenizer.json in ${dir}`);
  const configFile = path.join(dir, 'tokenizer_config.json');
  let tk: HfTokenizer;
  try {
    const hf = await import('@huggingface/transformers');
    hf.env.allowRemoteModels = false;
    if (existsSync(configFile)) {
      // AutoTokenizer picks the tokenizer class (BertTokenizer, XLMRobertaTokenizer…) from the config
      tk = (await hf.AutoTokenizer.from_pretrained(path.resolve(dir), { local_files_only: true })) as unknown as HfTokenizer;
    } else {
      tk = new hf.PreTrainedTokenizer(readJson(tokenizerFile, modelId), {}) as unknown as HfTokenizer;
    }
  } catch (e) {
    if (e instanceof ModelUnavailableError) throw e;
    throw new ModelUnavailableError('embedding', modelId, `tokenizer in ${dir} failed to load: ${(e as Error).message}`, { cause: e });
  }
  const json = readJson(tokenizerFile, modelId) as { padding?: { pad_id?: number } | null };
  const padId = tk.pad_token_id ?? json.padding?.pad_id ?? 0;
  const special = new Set(tk.all_special_ids);
  return {
    padId,
    modelMaxLength: Number.isFinite(tk.model_max_length) ? tk.model_max_length : Number.POSITIVE_INFINITY,
    encode(text: string, maxTokens: number): number[] {
      const ids = tk.encode(text);
      if (ids.length <= maxTokens) return ids;
      // truncate like sentence-transformers: keep the closing special token ([SEP], </s>)
      const last = ids[ids.length - 1];
      return special.has(last) ? [...ids.slice(0, maxTokens - 1), last] : ids.slice(0, maxTokens);
    },
  };
}
