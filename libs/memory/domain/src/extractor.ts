import type { Candidate } from './memory';
import type { Turn } from './significance';
import { findCommands } from './significance';
import { RULES, type ClauseContext } from './extraction-rules';

/** Extracts candidate facts from a session's turns. Adapters: LLM (JSON schema) or these rules. */
export interface Extractor {
  readonly id: string;
  extract(turns: readonly Turn[]): Promise<Candidate[]>;
}

/** Chat spelling → the forms the rules expect ("im" → "I'm", "dont" → "don't", curly quotes straightened). */
export function normalizeChat(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\bi(?=\b|')/g, 'I')
    .replace(/\b(?:im|Im)\b/g, "I'm")
    .replace(/\bive\b/g, "I've")
    .replace(/\bill\b(?= (?:be|start|move|visit|go|need))/g, "I'll")
    .replace(/\b(dont|cant|wont|didnt|doesnt|isnt|arent|wasnt|havent)\b/gi, (w) => `${w.slice(0, -1)}'t`);
}

/** Contractions spelt out for matching ("I'm" → "I am"): the rules need one form only. */
export function expandContractions(clause: string): string {
  return clause
    .replace(/\bI'm\b/g, 'I am')
    .replace(/\bI've\b/g, 'I have')
    .replace(/\bI'll\b/g, 'I will')
    .replace(/\bI'd (?=like|love|rather|prefer)/g, 'I would ')
    .replace(/\b([Ww]e)'re\b/g, '$1 are')
    .replace(/\b([Ww]e)'ve\b/g, '$1 have');
}

/** Sentences (questions kept apart: they state nothing), then clauses before a new first-person subject. */
function clauses(text: string): Array<{ clause: string; question: boolean }> {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .flatMap((sentence) => {
      const question = /\?\s*$/.test(sentence) || QUESTION_START.test(sentence.trim());
      return sentence
        .split(/,?\s+(?:and|but|so|while|plus|because|though)\s+(?:now\s+|then\s+|also\s+)?(?=(?:I|I'm|I've|I'll|my|My|we|We)\b)|;\s*|,\s+(?=(?:I'm|I am|I've|I have|I live|I work|I speak|my|My)\b)/)
        .map((clause) => ({ clause: clause.trim().replace(/[\s.!?,]+$/, ''), question }));
    })
    .filter((c) => c.clause.length > 0);
}

/** A sentence that asks rather than states (also without its question mark, in chat). */
const QUESTION_START = /^(?:do|does|did|can|could|should|would|will|is|are|am|was|were|what|what's|where|when|why|how|who|which|whose|have you|has)\b/i;
/** Conditionals, wishes and imaginings state no fact about the user. */
const HYPOTHETICAL = /\b(?:if|imagine|suppose|supposing|wish|whether|unless|pretend)\b|\b(?:would|could) I\b|\bI (?:would|could|might)\b(?! (?:like|love) to\b)/i;
/** Reported or borrowed facts: "I'm asking for a friend who…", "my mom says I…". */
const REPORTED = /\b(?:asking for (?:a|my) \w+|(?:says|said|told me) (?:that )?I)\b/i;

/** One fact per clause at most, phrased as the user said it (first person, trimmed). */
export function extractByRules(turns: readonly Turn[]): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const forgetTurns = new Set(findCommands(turns).filter((c) => c.kind === 'forget').map((c) => c.turnId));
  for (const turn of turns) {
    if (turn.role !== 'user' || forgetTurns.has(turn.id)) continue;
    const ctx: ClauseContext = { lowercase: !/[A-Z]/.test(turn.text) };
    for (const { clause: raw, question } of clauses(normalizeChat(turn.text))) {
      // "remember that I'm vegan" → extract from what follows, more confidently
      const remembered = /\b(?:remember|keep in mind|note) (?:this|that)\s*[:,-]?\s*(.+)$/i.exec(raw);
      const sentence = remembered?.[1] ?? raw;
      const probe = expandContractions(sentence);
      if ((question && !remembered) || HYPOTHETICAL.test(probe) || REPORTED.test(probe)) continue;
      for (const rule of RULES) {
        const m = rule.re.exec(probe);
        if (!m || (rule.accept && !rule.accept(m, ctx))) continue;
        const text = sentence.replace(/^(?:and|but|so|well|oh|yeah|yes|also|now|then|btw|anyway),?\s+/i, '').replace(/[.!?]+$/, '');
        const key = text.toLowerCase();
        if (seen.has(key)) break;
        seen.add(key);
        out.push({
          text,
          type: rule.type,
          confidence: remembered ? Math.max(rule.confidence, 0.95) : rule.confidence,
          slot: typeof rule.slot === 'function' ? rule.slot(m) : rule.slot,
          value: (m[rule.value ?? 1] ?? m[0]).trim(),
          turnIds: [turn.id],
          ...(turn.at ? { validAt: turn.at } : {}),
        });
        break;
      }
    }
  }
  return out;
}

/** The offline default extractor: deterministic first-person fact rules. */
export const ruleBasedExtractor: Extractor = {
  id: 'rules-v2',
  extract: async (turns) => extractByRules(turns),
};

/** Keeps only candidates an LLM was confident about (design: > 0.7). */
export function confidentOnly(candidates: readonly Candidate[], threshold = 0.7): Candidate[] {
  return candidates.filter((c) => c.confidence > threshold && c.text.trim().length > 0);
}

/**
 * Why an extraction stored nothing, for the NONE event it answers with (an add never answers a
 * silent `[]`): no user turn, or user turns in which no personal fact was found.
 */
export function noFactReason(turns: readonly Turn[]): string {
  return turns.some((t) => t.role === 'user' && t.text.trim()) ? 'no personal fact found' : 'no user message: only what the user says is remembered';
}

/** Why a candidate under the confidence gate was not stored. */
export function lowConfidenceReason(c: Pick<Candidate, 'confidence'>, threshold = 0.7): string {
  return `not confident enough (${c.confidence} ≤ ${threshold})`;
}
