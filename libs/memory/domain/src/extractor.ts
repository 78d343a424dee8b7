import type { Candidate } from './memory';
import type { Turn } from './significance';
import { findCommands } from './significance';
import type { MemoryType } from './taxonomy';

/** Extracts candidate facts from a session's turns. Adapters: LLM (JSON schema) or these rules. */
export interface Extractor {
  readonly id: string;
  extract(turns: readonly Turn[]): Promise<Candidate[]>;
}

interface Rule {
  re: RegExp;
  type: MemoryType;
  confidence: number;
  /** Slot name, or a function of the match (e.g. `relationship.daughter`). */
  slot?: string | ((m: RegExpExecArray) => string);
  /** Which capture group is the value (default 1). */
  value?: number;
}

const REL = '(wife|husband|partner|girlfriend|boyfriend|daughter|son|kids?|children|mother|mom|mum|father|dad|sister|brother|grandma|grandmother|grandpa|grandfather|friend|best friend|boss|dog|cat|pet)';
const V = "([^.!?;,]{2,80}?)";

// Order matters: the first rule that matches a sentence wins.
const RULES: Rule[] = [
  { re: /\bI(?:'m| am) (?:severely |very |mildly )?allergic to ([^.!?;]{2,60})/i, type: 'health', confidence: 0.95, slot: (m) => `health.allergy.${norm(m[1] ?? '')}` },
  { re: /\bI (?:have|was diagnosed with|suffer from|live with) (diabetes|asthma|celiac disease|epilepsy|adhd|depression|anxiety|ptsd|migraines?|high blood pressure|cancer)\b/i, type: 'health', confidence: 0.9, slot: (m) => `health.condition.${norm(m[1] ?? '')}` },
  // special categories: the rules only ever see first-person statements; screenSensitive checks they are asserted
  { re: /\bI(?:'m| am| identify as| consider myself)(?: a| an)? (christian|catholic|protestant|muslim|jewish|hindu|buddhist|sikh|atheist|agnostic|mormon)\b/i, type: 'religion', confidence: 0.9, slot: 'religion.identity' },
  { re: /\bI(?:'m| am| identify as)(?: a| an)? (gay|lesbian|bisexual|straight|heterosexual|queer|asexual|pansexual|transgender|trans|non-?binary)\b/i, type: 'sexuality', confidence: 0.9, slot: 'sexuality.identity' },
  { re: /\bI (?:always )?(?:vote|voted) (?:for )?(?:the )?([A-Z][\w ]{1,40}?)(?=[.!?,;]|$)/, type: 'politics', confidence: 0.85, slot: 'politics.vote' },
  { re: /\bI(?:'m| am)(?: a| an)? (democrat|republican|conservative|socialist|communist|libertarian|labou?r supporter|tory)\b/i, type: 'politics', confidence: 0.85, slot: 'politics.affiliation' },
  { re: /\bI(?:'m| am) (?:a )?(vegetarian|vegan|pescatarian|gluten[- ]free|lactose intolerant|teetotal|sober)\b/i, type: 'preference', confidence: 0.9, slot: 'preference.diet' },
  { re: new RegExp(`\\bmy ${REL}(?:'s| is) (?:named |called )?([A-Z][\\w'-]+)`, 'i'), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${norm(m[1] ?? '')}.name`, value: 2 },
  { re: new RegExp(`\\bmy ${REL} (?:is|turned|just turned) (\\d{1,3})(?: years old)?`, 'i'), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${norm(m[1] ?? '')}.age`, value: 2 },
  { re: new RegExp(`\\bI have (?:a|an|two|three|\\d+) ${REL}\\b${V}?`, 'i'), type: 'relationship', confidence: 0.8, slot: (m) => `relationship.${norm(m[1] ?? '')}.has` },
  { re: /\bI(?:'m| am) (?:married|divorced|single|engaged|widowed|separated)\b/i, type: 'relationship', confidence: 0.9, slot: 'relationship.status', value: 0 },
  { re: /\bI (?:work|am working|'m working) (?:at|for) ([A-Z][\w&.' -]{1,60}?)(?= as\b|[.!?,;]|$)/, type: 'work', confidence: 0.85, slot: 'work.employer' },
  { re: /\bI(?:'m| am) (?:a|an) ((?:[a-z-]+ ){0,3}(?:engineer|developer|teacher|nurse|doctor|designer|student|lawyer|manager|writer|artist|chef|scientist|researcher|consultant|accountant|counselor|counsellor|painter|musician|photographer|entrepreneur|programmer|analyst|architect|pilot|firefighter|officer|therapist))\b/i, type: 'work', confidence: 0.85, slot: 'work.role' },
  { re: /\bI (?:just )?(?:moved|relocated) to ([A-Z][\w' -]{1,40}?)(?=[.!?,;]| last| this| in \d|$)/, type: 'location', confidence: 0.85, slot: 'location.home' },
  { re: /\bI live in ([A-Z][\w' -]{1,40}?)(?=[.!?,;]| with| now|$)/, type: 'location', confidence: 0.85, slot: 'location.home' },
  { re: /\bI(?:'m| am) from ([A-Z][\w' -]{1,40}?)(?=[.!?,;]|$)/, type: 'biography', confidence: 0.85, slot: 'biography.origin' },
  { re: /\bI(?:'m| am) (\d{1,3}) years old\b/i, type: 'biography', confidence: 0.9, slot: 'biography.age' },
  { re: /\bmy (?:name is|name's) ([A-Z][\w'-]+)/i, type: 'biography', confidence: 0.95, slot: 'biography.name' },
  { re: /\bmy favou?rite ([a-z ]{2,30}?) is ([^.!?;,]{2,60})/i, type: 'preference', confidence: 0.85, slot: (m) => `preference.favorite.${norm(m[1] ?? '')}`, value: 2 },
  { re: /\bI (?:really )?(?:love|adore|enjoy|like|prefer) ([^.!?;]{2,60})/i, type: 'preference', confidence: 0.75 },
  { re: /\bI (?:really )?(?:hate|dislike|can't stand|cannot stand|don't like|do not like) ([^.!?;]{2,60})/i, type: 'preference', confidence: 0.8 },
  { re: /\bI(?:'m| am) (?:going to|planning to|about to|thinking of|hoping to) ([^.!?;]{3,80})/i, type: 'plan', confidence: 0.75 },
  { re: /\bI(?:'m| am) (?:learning|studying|training for|taking up) ([^.!?;]{2,60})/i, type: 'context', confidence: 0.75 },
  { re: /\bI(?:'ve| have) (?:been|started) ([^.!?;]{3,80})/i, type: 'context', confidence: 0.72 },
  { re: /\bI (?:feel|am feeling|'m feeling) (stressed|anxious|happy|sad|exhausted|tired|overwhelmed|excited|lonely|great|burned out)\b/i, type: 'mood', confidence: 0.75, slot: 'mood.current' },
];

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Sentences, then clauses joined by "and/but/so" before a new first-person subject. */
const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .flatMap((s) => s.split(/,?\s+(?:and|but|so|while|plus)\s+(?=(?:I|I'm|I've|my|My)\b)|;\s*/))
    .map((s) => s.trim())
    .filter(Boolean);

/** One fact per sentence at most, phrased as the user said it (first person, trimmed). */
export function extractByRules(turns: readonly Turn[]): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const forgetTurns = new Set(findCommands(turns).filter((c) => c.kind === 'forget').map((c) => c.turnId));
  for (const turn of turns) {
    if (turn.role !== 'user' || forgetTurns.has(turn.id)) continue;
    for (const raw of sentences(turn.text)) {
      // "remember that I'm vegan" → extract from what follows, more confidently
      const remembered = /\b(?:remember|keep in mind|note) (?:this|that)\s*[:,-]?\s*(.+)$/i.exec(raw);
      const sentence = remembered?.[1] ?? raw;
      for (const rule of RULES) {
        const m = rule.re.exec(sentence);
        if (!m) continue;
        const text = sentence.replace(/^(?:and|but|so|well|oh|yeah|yes|also),?\s+/i, '').replace(/[.!?]+$/, '');
        const key = text.toLowerCase();
        if (seen.has(key)) break;
        seen.add(key);
        const valueGroup = rule.value ?? 1;
        out.push({
          text,
          type: rule.type,
          confidence: remembered ? Math.max(rule.confidence, 0.95) : rule.confidence,
          slot: typeof rule.slot === 'function' ? rule.slot(m) : rule.slot,
          value: (m[valueGroup] ?? m[0]).trim(),
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
  id: 'rules-v1',
  extract: async (turns) => extractByRules(turns),
};

/** Keeps only candidates an LLM was confident about (design: > 0.7). */
export function confidentOnly(candidates: readonly Candidate[], threshold = 0.7): Candidate[] {
  return candidates.filter((c) => c.confidence > threshold && c.text.trim().length > 0);
}
