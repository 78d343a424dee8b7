import type { Memory } from './memory';
import { dietaryFactForQuery } from './sensitive';
import { DEFAULT_TYPE_POLICIES, MEMORY_TYPES, type MemoryType, type TypePolicy } from './taxonomy';

/** Turns a stored fact ("I'm allergic to peanuts", "User works at Acme") into "you …" phrasing. */
export function toSecondPerson(fact: string): string {
  let s = fact.trim().replace(/[.!]+$/, '');
  s = s.replace(/^(the )?user('s)?\b/i, (_m, _the: string | undefined, poss: string | undefined) => (poss ? 'your' : 'you'));
  const swaps: Array<[RegExp, string]> = [
    [/\bI am\b/g, 'you are'],
    [/\bI'm\b/g, "you're"],
    [/\bI was\b/g, 'you were'],
    [/\bI've\b/g, "you've"],
    [/\bI'd\b/g, "you'd"],
    [/\bI'll\b/g, "you'll"],
    [/\bI\b/g, 'you'],
    [/\b[Mm]y\b/g, 'your'],
    [/\b[Mm]ine\b/g, 'yours'],
    [/\b[Mm]yself\b/g, 'yourself'],
    [/\b[Mm]e\b/g, 'you'],
    [/\bwe\b/gi, 'you'],
    [/\bour\b/gi, 'your'],
  ];
  // "our last chat" is the user's and the assistant's: keep it
  s = s.replace(/\bour (last |previous )?(chat|conversation|talk|session)s?\b/gi, (m) => m.replace(/^our/i, '\uE000'));
  for (const [re, to] of swaps) s = s.replace(re, to);
  s = s.replace(/\uE000/g, 'our');
  // a sentence-initial function word reads wrong after "I believe you mentioned that …"
  s = s.replace(/^(Since|When|After|Before|Lately|Recently|Yesterday|Today|Now|Also|And|But|So|Well|Actually|Honestly|Last|This|Next)\b/, (w) => w.toLowerCase());
  // "you is/has/works" after a third-person subject swap
  s = s.replace(/^you (is|was|has|does) /, (_m, v: string) => `you ${{ is: 'are', was: 'were', has: 'have', does: 'do' }[v]} `);
  s = s.replace(/^you (\w+?)s /, (m, stem: string) => (/(ss|us|is)$/.test(stem + 's') ? m : `you ${stem} `));
  return s;
}

export interface ProfileOptions {
  /** How many facts (design: 3–5). */
  max?: number;
  /** Include special-category (health…) facts; off unless the query is about them. */
  includeSpecialCategory?: boolean;
  /** Special-category types the query is about (`sensitiveTopicsOf(query)`): their facts may be included. */
  includeTopics?: readonly string[];
  /** The query: a dietary health fact (allergy, intolerance) is included when it is about food ({@link dietaryFactForQuery}). */
  query?: string;
  policies?: Record<MemoryType, TypePolicy>;
}

/**
 * The `[User profile]` block for the system prompt: the biography (always) and the top scored
 * facts, each phrased as a belief ("I believe you mentioned …"), never as certain truth.
 */
export function formatProfileBlock(facts: ReadonlyArray<Pick<Memory, 'text' | 'type'>>, biography?: string, o: ProfileOptions = {}): string {
  const policies = o.policies ?? DEFAULT_TYPE_POLICIES;
  const q = o.query;
  const chosen = facts
    .filter(
      (f) =>
        o.includeSpecialCategory ||
        policies[f.type].sensitivity !== 'special-category' ||
        (o.includeTopics ?? []).includes(f.type) ||
        (q !== undefined && f.type === 'health' && dietaryFactForQuery(f.text, q)),
    )
    .slice(0, o.max ?? 5);
  const lines = ['[User profile]'];
  if (biography?.trim()) lines.push(biography.trim());
  for (const f of chosen) lines.push(`- I believe you mentioned that ${toSecondPerson(f.text)}.`);
  if (lines.length === 1) lines.push('- (nothing remembered yet)');
  return lines.join('\n');
}

export interface KnowledgeSection {
  type: MemoryType;
  label: string;
  sensitivity: TypePolicy['sensitivity'];
  facts: Array<{ id: string; text: string; confidence: number; since: Date; sessionId: string }>;
}

/**
 * "What do you know about me?": every live fact grouped by type in a stable order, newest first,
 * with provenance so the user can correct or delete each one.
 */
export function whatDoYouKnow(memories: ReadonlyArray<Pick<Memory, 'id' | 'text' | 'type' | 'confidence' | 'validAt' | 'provenance'>>, policies = DEFAULT_TYPE_POLICIES): KnowledgeSection[] {
  const sections: KnowledgeSection[] = [];
  for (const type of MEMORY_TYPES) {
    const facts = memories
      .filter((m) => m.type === type)
      .sort((a, b) => b.validAt.getTime() - a.validAt.getTime())
      .map((m) => ({ id: m.id, text: toSecondPerson(m.text), confidence: m.confidence, since: m.validAt, sessionId: m.provenance.sessionId }));
    if (facts.length) sections.push({ type, label: policies[type].label, sensitivity: policies[type].sensitivity, facts });
  }
  return sections;
}

/** Deterministic offline biography: the grouped facts as short paragraphs, within ~maxTokens. */
export function deterministicBiography(memories: ReadonlyArray<Pick<Memory, 'id' | 'text' | 'type' | 'confidence' | 'validAt' | 'provenance'>>, maxTokens = 1000): string {
  const parts: string[] = [];
  let budget = maxTokens * 4; // ~4 characters per token
  for (const s of whatDoYouKnow(memories)) {
    if (s.sensitivity === 'special-category') continue;
    const para = `${s.label}: ${s.facts.map((f) => f.text).join('; ')}.`;
    if (para.length > budget) {
      if (budget > 40) parts.push(para.slice(0, budget - 1).replace(/;[^;]*$/, '') + '.');
      break;
    }
    parts.push(para);
    budget -= para.length;
  }
  return parts.join('\n');
}
