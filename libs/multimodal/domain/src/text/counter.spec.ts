import { CHAT_REPLY_PRIMER_TOKENS, CHAT_TOKENS_PER_MESSAGE, chatOverheadTokens, estimateTextCounter, utf8Length } from './counter';
import { SAMPLES } from './samples.spec-helper';
import { tiktokenCounter } from './tiktoken';

describe('estimateTextCounter', () => {
  it('is ⌈UTF-8 bytes / 4⌉', () => {
    expect(estimateTextCounter.count('')).toBe(0);
    expect(estimateTextCounter.count('abcd')).toBe(1);
    expect(estimateTextCounter.count('abcde')).toBe(2);
    expect(estimateTextCounter.count('é')).toBe(1); // 2 bytes
    expect(estimateTextCounter.count('多模态')).toBe(3); // 9 bytes
    expect(estimateTextCounter.name).toBe('estimate-utf8-bytes/4');
  });

  it('measures UTF-8 like TextEncoder, surrogate pairs and lone surrogates included', () => {
    const enc = new TextEncoder();
    for (const s of ['', 'a', 'é', '€', '𝄞', '🎥📷', 'a\ud800b', '\udc00', 'x\ud83c', ...Object.values(SAMPLES)]) {
      expect(utf8Length(s)).toBe(enc.encode(s).length);
    }
  });

  // The table in counter.ts, measured here: o200k and cl100k exactly, the estimate's ratio to o200k.
  const TABLE: Array<[string, number, number, number]> = [
    ['English prose', 71, 72, 99],
    ['TypeScript code', 74, 72, 70],
    ['JSON request', 65, 62, 57],
    ['Chinese prose', 56, 77, 55],
    ['Russian prose', 51, 86, 91],
    ['digits and UUIDs', 80, 80, 31],
    ['emoji', 24, 37, 16],
  ];
  it.each(TABLE)('%s: o200k %i, cl100k %i, estimate %i (the documented table)', (name, o200k, cl100k, estimate) => {
    const text = SAMPLES[name] as string;
    expect(tiktokenCounter('o200k_base').count(text)).toBe(o200k);
    expect(tiktokenCounter('cl100k_base').count(text)).toBe(cl100k);
    expect(estimateTextCounter.count(text)).toBe(estimate);
  });

  it('stays within 0.35×…1.8× of o200k on every sample', () => {
    for (const text of Object.values(SAMPLES)) {
      const ratio = estimateTextCounter.count(text) / tiktokenCounter('o200k_base').count(text);
      expect(ratio).toBeGreaterThan(0.35);
      expect(ratio).toBeLessThan(1.8);
    }
  });
});

describe('chat overhead', () => {
  it('is 3 per message plus 3 for the reply primer (OpenAI cookbook)', () => {
    expect(CHAT_TOKENS_PER_MESSAGE).toBe(3);
    expect(CHAT_REPLY_PRIMER_TOKENS).toBe(3);
    expect(chatOverheadTokens(0)).toBe(3);
    expect(chatOverheadTokens(4)).toBe(15);
  });
});
