/**
 * Deterministic "generation" for the loopback LLM test double: the reply is a function of the
 * prompt (FNV-1a hash → the workspace's seeded `Rng` → words), so a streamed and a non-streamed
 * call with the same messages produce the same text. Not a language model; tests and the demo only.
 */
import { Rng } from '@frontier/platform-util';

/** A message as received: content is text, OpenAI content parts, or null (an assistant turn with tool calls). */
export interface LoopbackMessage {
  role: string;
  content: string | Array<{ type: string; text?: string }> | null;
}

/** What the loopback server counts for one image part (OpenAI's low-detail figure). */
export const LOOPBACK_IMAGE_TOKENS = 85;

function contentTokens(content: LoopbackMessage['content']): number {
  if (content === null) return 0;
  if (typeof content === 'string') return content.match(/\S+/g)?.length ?? 0;
  return content.reduce((n, p) => n + (p.type === 'text' ? (p.text?.match(/\S+/g)?.length ?? 0) : LOOPBACK_IMAGE_TOKENS), 0);
}

const WORDS = [
  'the', 'a', 'model', 'answer', 'is', 'here', 'memory', 'recalls', 'your', 'last', 'note', 'about',
  'coffee', 'and', 'trains', 'today', 'we', 'found', 'three', 'items', 'that', 'match', 'this', 'query',
  'quickly', 'gently', 'stream', 'token', 'of', 'text', 'ready', 'now',
];

/** FNV-1a, 32-bit, over UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Prompt tokens as the loopback server counts them: 4 per message plus one per whitespace-separated word, 85 per image part. */
export function countLoopbackPromptTokens(messages: readonly LoopbackMessage[]): number {
  return messages.reduce((n, m) => n + 4 + contentTokens(m.content), 0);
}

/** The tokens of a generated reply: `length` words (hash-derived 8..24 when not given). */
export function generatedTokens(messages: readonly LoopbackMessage[], length?: number): string[] {
  const rng = new Rng(fnv1a(JSON.stringify(messages.map((m) => [m.role, m.content]))));
  const n = length ?? 8 + rng.nextInt(17);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const word = WORDS[rng.nextInt(WORDS.length)];
    out.push(i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : ` ${word}`);
  }
  if (n > 0) out[n - 1] += '.';
  return out;
}

/** Splits a scripted reply into tokens of up to 4 non-space characters with their leading whitespace; they concatenate back to the text. */
export function tokenizeScripted(text: string): string[] {
  return text.match(/\s*\S{1,4}|\s+/g) ?? [];
}
