import { estimateTextCounter } from './counter';
import { counterForModel, tiktokenCounter } from './tiktoken';

describe('tiktokenCounter', () => {
  it('counts with OpenAI BPE: known counts for o200k and cl100k', () => {
    const o200k = tiktokenCounter('o200k_base');
    const cl100k = tiktokenCounter('cl100k_base');
    expect(o200k.name).toBe('tiktoken:o200k_base');
    expect(cl100k.name).toBe('tiktoken:cl100k_base');
    expect(o200k.count('hello world')).toBe(2);
    expect(cl100k.count('hello world')).toBe(2);
    // the OpenAI cookbook's example sentence: 6 tokens in cl100k
    expect(cl100k.count('tiktoken is great!')).toBe(6);
    expect(o200k.count('')).toBe(0);
  });

  it('caches one counter per encoding', () => {
    expect(tiktokenCounter('o200k_base')).toBe(tiktokenCounter('o200k_base'));
    expect(tiktokenCounter('o200k_base')).not.toBe(tiktokenCounter('cl100k_base'));
  });

  it('counts special-token strings in user text as ordinary text instead of throwing', () => {
    const n = tiktokenCounter('o200k_base').count('a <|endoftext|> b');
    expect(n).toBe(9); // split into ordinary pieces, not the one special token
  });
});

describe('counterForModel', () => {
  it.each([
    ['gpt-4o', 'tiktoken:o200k_base'],
    ['gpt-4o-mini-2024-07-18', 'tiktoken:o200k_base'],
    ['gpt-4.1-nano', 'tiktoken:o200k_base'],
    ['o1', 'tiktoken:o200k_base'],
    ['o3-mini', 'tiktoken:o200k_base'],
    ['o4-mini-2025-04-16', 'tiktoken:o200k_base'],
    ['openai/gpt-5', 'tiktoken:o200k_base'],
    ['chatgpt-4o-latest', 'tiktoken:o200k_base'],
    ['GPT-4-turbo', 'tiktoken:cl100k_base'],
    ['gpt-4', 'tiktoken:cl100k_base'],
    ['gpt-3.5-turbo-0125', 'tiktoken:cl100k_base'],
    ['llava-hf/llava-1.5-7b-hf', estimateTextCounter.name],
    ['Qwen/Qwen2-VL-7B-Instruct', estimateTextCounter.name],
    ['gpt-4omni', estimateTextCounter.name],
    ['ollama', estimateTextCounter.name],
  ])('%s → %s', (model, name) => {
    expect(counterForModel(model).name).toBe(name);
  });
});
