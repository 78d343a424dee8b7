import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { estimateTextCounter, type TextCounter } from './counter';

export type TiktokenEncodingName = 'o200k_base' | 'cl100k_base';

/*
 * The rank tables are 1.1 MB (cl100k) and 2.3 MB (o200k) of JavaScript, so they load on a counter's first count, not at
 * import: a synchronous `require` of js-tiktoken's per-encoding entry (TextCounter.count is sync).
 */
const RANKS: Record<TiktokenEncodingName, () => TiktokenBPE> = {
  o200k_base: () => require('js-tiktoken/ranks/o200k_base') as TiktokenBPE,
  cl100k_base: () => require('js-tiktoken/ranks/cl100k_base') as TiktokenBPE,
};

const encoders = new Map<TiktokenEncodingName, Tiktoken>();
const counters = new Map<TiktokenEncodingName, TextCounter>();

function encoder(encoding: TiktokenEncodingName): Tiktoken {
  let enc = encoders.get(encoding);
  if (!enc) {
    enc = new Tiktoken(RANKS[encoding]());
    encoders.set(encoding, enc);
  }
  return enc;
}

/**
 * Exact counts with OpenAI's BPE (js-tiktoken, pure JS). One counter and one encoder per encoding
 * per process; the ranks load on the first count. Special-token strings in user text
 * (`<|endoftext|>`) are counted as ordinary text, never refused.
 */
export function tiktokenCounter(encoding: TiktokenEncodingName): TextCounter {
  let counter = counters.get(encoding);
  if (!counter) {
    counter = Object.freeze({
      name: `tiktoken:${encoding}`,
      count: (text: string): number => (text.length === 0 ? 0 : encoder(encoding).encode(text, [], []).length),
    });
    counters.set(encoding, counter);
  }
  return counter;
}

/**
 * The encoding OpenAI uses for a model name: gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series
 * (o1, o3, o4-mini, chatgpt-4o) → o200k_base; gpt-4 and gpt-3.5 → cl100k_base; anything else
 * (self-hosted models with their own tokenizers) → {@link estimateTextCounter}. A provider prefix
 * (`openai/gpt-4o`) is ignored.
 */
export function counterForModel(modelName: string): TextCounter {
  const name = modelName.toLowerCase().replace(/^.*\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)(\b|-|$)/.test(name)) return tiktokenCounter('o200k_base');
  if (/^(gpt-4|gpt-3\.5|gpt-35)(\b|-|$)/.test(name)) return tiktokenCounter('cl100k_base');
  return estimateTextCounter;
}
