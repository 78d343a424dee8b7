/** A conversation turn as the memory system sees it. */
export interface Turn {
  id: string;
  role: 'user' | 'assistant' | 'system';
  text: string;
  at?: Date;
}

export interface Command {
  kind: 'remember' | 'forget';
  /** What follows the command ("remember that I'm vegan" → "I'm vegan"), may be empty. */
  subject: string;
  turnId: string;
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

// `(?:this|that)\b`: the filler word only when it is a whole word ("remember Thatcher …" keeps "Thatcher").
// FORGET is tried first, so its "forget" must not be the tail of "don't forget" / "do not forget".
const REMEMBER = /\b(?:please\s+)?(?:remember|don['’]?t forget|do not forget|keep in mind|note)\s+(?:(?:this|that)\b)?\s*[:,-]?\s*(.*)$/i;
const FORGET = /\b(?:please\s+)?(?<!\bdo(?:n['’]?t|\s+not)\s+)(?:forget|stop remembering|delete what you know about|don['’]?t remember)\s+(?:(?:that|this|about)\b)?\s*[:,-]?\s*(.*)$/i;
/** Sentence ends, and line breaks: `.` and `$` stop at a line break, so a command must not span one. */
const SENTENCE_BREAK = /(?<=[.!?])\s+|\s*[\n\r\u2028\u2029]\s*/;

/** Explicit memory commands in the user's turns. */
export function findCommands(turns: readonly Turn[]): Command[] {
  const out: Command[] = [];
  for (const t of turns) {
    if (t.role !== 'user') continue;
    for (const sentence of t.text.split(SENTENCE_BREAK)) {
      const f = FORGET.exec(sentence);
      if (f) {
        out.push({ kind: 'forget', subject: (f[1] ?? '').trim().replace(/[.!]+$/, ''), turnId: t.id });
        continue;
      }
      const r = REMEMBER.exec(sentence);
      if (r) out.push({ kind: 'remember', subject: (r[1] ?? '').trim().replace(/[.!]+$/, ''), turnId: t.id });
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
