import { parseCommand } from './command-grammar';

/** A conversation turn as the memory system sees it. */
export interface Turn {
  id: string;
  role: 'user' | 'assistant' | 'system';
  text: string;
  at?: Date;
  /** Who said it (LoCoMo's speaker names; the episodic tier indexes it). */
  speaker?: string;
}

export interface Command {
  kind: 'remember' | 'forget';
  /** What follows the command ("remember that I'm vegan" → "I'm vegan"); a forget's is never empty. */
  subject: string;
  turnId: string;
  /** The sentence that gave the command, as the user wrote it. */
  text: string;
}

export interface Significance {
  significant: boolean;
  tokens: number;
  commands: Command[];
  reason: 'long-session' | 'explicit-command' | 'too-short';
}

/** Rough token count (≈ GPT-style BPE on English): words × 4/3, punctuation counted. */
export function estimateTokens(text: string): number {
  const words = text.match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}]/gu);
  return Math.ceil((words?.length ?? 0) * 1.33);
}

/** Sentence ends, and line breaks: a command never spans one. */
const SENTENCE_BREAK = /(?<=[.!?])\s+|\s*[\n\r\u2028\u2029]\s*/;

/**
 * Explicit memory commands in the user's turns, one per sentence at most (see
 * {@link parseCommand}: imperatives addressed to the assistant, never everyday speech).
 */
export function findCommands(turns: readonly Turn[]): Command[] {
  const out: Command[] = [];
  for (const t of turns) {
    if (t.role !== 'user') continue;
    for (const sentence of t.text.split(SENTENCE_BREAK)) {
      const c = parseCommand(sentence);
      if (c) out.push({ ...c, turnId: t.id, text: sentence.trim() });
    }
  }
  return out;
}

/**
 * Only sessions worth the extraction cost go on: longer than `minTokens` (default 200), or with an
 * explicit "remember this" / "forget that".
 */
export function assessSignificance(turns: readonly Turn[], minTokens = 200): Significance {
  const tokens = turns.reduce((n, t) => n + estimateTokens(t.text), 0);
  const commands = findCommands(turns);
  if (commands.length) return { significant: true, tokens, commands, reason: 'explicit-command' };
  if (tokens > minTokens) return { significant: true, tokens, commands, reason: 'long-session' };
  return { significant: false, tokens, commands, reason: 'too-short' };
}

/** Why a session was skipped, in words (the NONE event's reason). */
export function notSignificantReason(s: Pick<Significance, 'tokens'>, minTokens = 200): string {
  return `not significant: ${s.tokens} tokens (≤ ${minTokens}) and no memory command`;
}
