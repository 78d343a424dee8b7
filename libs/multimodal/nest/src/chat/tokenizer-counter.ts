import { basename, resolve } from 'node:path';
import { loadDirTokenizer } from '@frontier/ml-embeddings';
import type { TextCounter } from '@frontier/multimodal-domain';

/**
 * Text tokens with the served model's own tokenizer: `tokenizer.json` (+ `tokenizer_config.json`)
 * from a model directory, loaded with @huggingface/transformers from local files only
 * (`GATEWAY_TOKENIZER_DIR`). The special tokens the tokenizer wraps every text in are not counted
 * (the chat template's overhead is counted apart, per message).
 */
export async function loadTokenizerCounter(dir: string): Promise<TextCounter> {
  const tk = await loadDirTokenizer(dir, `tokenizer:${basename(resolve(dir))}`);
  const wrap = tk.encode('', Number.POSITIVE_INFINITY).length;
  return {
    name: `tokenizer.json:${basename(resolve(dir))}`,
    count: (text: string) => (text === '' ? 0 : Math.max(0, tk.encode(text, Number.POSITIVE_INFINITY).length - wrap)),
  };
}
