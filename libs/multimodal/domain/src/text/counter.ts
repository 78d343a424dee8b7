/**
 * The port every text count goes through: js-tiktoken's BPE encodings here, a tokenizer.json
 * loader (outside the domain) for self-hosted models, or {@link estimateTextCounter}.
 */
export interface TextCounter {
  readonly name: string;
  /** Tokens of `text` alone (no chat-format overhead). */
  count(text: string): number;
}

/**
 * Chat-format overhead as OpenAI counts it for gpt-3.5/4/4o ("How to count tokens with
 * tiktoken"): every message costs 3 tokens beyond its content (`<|start|>role … <|end|>`), and
 * every reply is primed with 3 more (`<|start|>assistant<|message|>`). The planner applies both
 * to every profile: other chat templates cost about the same per message.
 */
export const CHAT_TOKENS_PER_MESSAGE = 3;
export const CHAT_REPLY_PRIMER_TOKENS = 3;

/** Chat overhead of `messages` messages plus the reply primer. */
export function chatOverheadTokens(messages: number): number {
  return messages * CHAT_TOKENS_PER_MESSAGE + CHAT_REPLY_PRIMER_TOKENS;
}

/** UTF-8 length of `text` in bytes, without allocating (a lone surrogate counts 3, as TextEncoder writes U+FFFD). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export const ESTIMATE_BYTES_PER_TOKEN = 4;

/**
 * The documented fallback when no tokenizer is configured: ⌈UTF-8 bytes / 4⌉ per text (the chat
 * overhead is added by the planner, {@link CHAT_TOKENS_PER_MESSAGE}). Measured against o200k_base
 * on the samples in `counter.spec.ts` (estimate / o200k):
 *
 * | sample | o200k | cl100k | estimate | estimate / o200k |
 * |---|---:|---:|---:|---:|
 * | English prose | 71 | 72 | 99 | 1.39 |
 * | TypeScript code | 74 | 72 | 70 | 0.95 |
 * | JSON request | 65 | 62 | 57 | 0.88 |
 * | Chinese prose | 56 | 77 | 55 | 0.98 |
 * | Russian prose | 51 | 86 | 91 | 1.78 |
 * | digits and UUIDs | 80 | 80 | 31 | 0.39 |
 * | emoji | 24 | 37 | 16 | 0.67 |
 *
 * It over-counts English and Cyrillic prose (safe for a budget: the planner degrades a little
 * early), is close on code, JSON and CJK, and under-counts digit-heavy text (o200k splits numbers
 * into ≤ 3-digit groups and hex IDs into short pieces) and emoji by up to 60 %: configure a real
 * tokenizer (counterForModel, or a tokenizer.json counter) wherever such traffic matters.
 */
export const estimateTextCounter: TextCounter = Object.freeze({
  name: 'estimate-utf8-bytes/4',
  count: (text: string): number => Math.ceil(utf8Length(text) / ESTIMATE_BYTES_PER_TOKEN),
});
