import type { Candidate } from './memory';
import type { Turn } from './significance';
import type { MemoryType } from './taxonomy';

/**
 * Sensitive attributes (GDPR art. 9 special categories): health, politics, religion, sexuality.
 * Stored only when the user states them about themselves, in the first person and as an
 * assertion ("I have diabetes", "I'm Catholic") — never inferred ("I went to church"), never
 * about someone else ("my friend is religious"), never from a question, a hedge or reported
 * speech ("my doctor thinks I have diabetes"); never in the profile block unless the query is
 * about that topic. A tenant may allow them as extracted, or refuse them altogether.
 */
export const SENSITIVE_TOPICS = ['health', 'politics', 'religion', 'sexuality'] as const satisfies readonly MemoryType[];
export type SensitiveTopic = (typeof SENSITIVE_TOPICS)[number];

/** A tenant's rule: `allow` (as extracted), `explicit-only` (default), `never`. */
export type SensitivePolicyName = 'allow' | 'explicit-only' | 'never';

/** Words that put a text on a topic (a fact mentioning them is treated as that topic's, whatever its type). */
const LEXICON: Record<SensitiveTopic, RegExp> = {
  health: /\b(diabet\w*|asthma\w*|cancer|tumou?r|epilep\w*|adhd|depress(?:ion|ed)|anxiety|panic attacks?|ptsd|migraines?|blood pressure|hypertension|hiv|aids|allerg\w*|celiac|coeliac|crohn'?s|disease|disorder|diagnos\w*|illness|pregnan\w*|autis\w*|bipolar|schizophreni\w*|medication|antidepressants?|chemo\w*|surgery|insulin|syndrome|chronic|arthritis|ocd|lactose intolerant|intolerance|disabilit\w*|disabled|wheelchair|multiple sclerosis|dementia|eating disorder|anorexi\w*|bulimi\w*|addict\w*|alcoholi\w*|rehab)\b/i,
  politics: /\b(democrats?|democratic party|conservatives?(?=\s*(?:[.!,;]|$))|liberals?(?=\s*(?:[.!,;]|$))|labou?r supporter|republicans?|gop|tory|tories|conservative party|labou?r party|labou?r voter|liberal democrats?|lib dems?|green party|socialis[mt]s?|communis[mt]s?|libertarian\w*|left[- ]wing|right[- ]wing|far[- ]left|far[- ]right|politic\w*|vot(?:e|ed|ing) (?:for|labou?r|tory|green|democrat|republican)|maga|trump supporter|biden supporter)\b/i,
  religion: /\b(christian\w*|catholic\w*|protestant\w*|evangelical|orthodox|muslim\w*|islam\w*|jewish|judaism|jews?|hindu\w*|buddhis\w*|sikh\w*|atheis\w*|agnostic\w*|mormon\w*|jehovah'?s witness|religio\w*|church\w*|mosque|synagogue|temple|pray(?:s|ed|ing|er|ers)?|faith|bible|quran|koran|torah|ramadan|kosher|halal|sabbath|bapti[sz]ed|spiritual)\b/i,
  sexuality: /\b(gay|lesbian|bisexual|straight(?=\s*(?:[.!,;]|$))|trans(?=\s*(?:[.!,;]|$))|heterosexual|homosexual|queer|asexual|pansexual|transgender|trans (?:man|woman|person)|non-?binary|sexual orientation|sexuality|came out|coming out|lgbt\w*)\b/i,
};

/** Words naming the topic itself (a query about them may see that topic's facts). */
const TOPIC_WORDS: Record<SensitiveTopic, RegExp> = {
  health: /\b(health|medical|doctor|symptoms?|sick|ill|medicine|meds|allergic|hospital|diet)\b/i,
  politics: /\b(politic\w*|vote|voting|elections?|party|government)\b/i,
  religion: /\b(religio\w*|faith|belief|beliefs|god|worship|church)\b/i,
  sexuality: /\b(sexual\w*|orientation|partner|dating|gender)\b/i,
};

/** Health facts a question about food needs: allergies, intolerances, coeliac disease. */
const DIETARY = /\b(allerg\w*|intoleran\w*|celiac|coeliac|lactose|gluten)\b/i;
/** A question about food or eating (what to cook, eat, order, buy). */
const FOOD_QUERY = /\b(foods?|eat|eating|ate|meals?|dinner|lunch|breakfast|brunch|recipes?|cook\w*|restaurants?|snacks?|menu|ingredients?|dish(?:es)?|cuisine|bak(?:e|ing)|grocer(?:y|ies))\b/i;

/**
 * True when a health fact is dietary (an allergy, an intolerance, coeliac disease) and the query is
 * about food: the one case where a special-category fact enters the profile block for a query that
 * does not name its topic — "suggest a dinner" must know about a shellfish allergy.
 */
export function dietaryFactForQuery(factText: string, query: string): boolean {
  return DIETARY.test(factText) && FOOD_QUERY.test(query);
}

export function isSensitiveTopic(x: unknown): x is SensitiveTopic {
  return typeof x === 'string' && (SENSITIVE_TOPICS as readonly string[]).includes(x);
}

/** The sensitive topic of a fact: its type when that is special-category, else the first topic its words touch; null when none. */
export function sensitiveTopicOf(fact: Pick<Candidate, 'text' | 'type'>): SensitiveTopic | null {
  if (isSensitiveTopic(fact.type)) return fact.type;
  return SENSITIVE_TOPICS.find((t) => LEXICON[t].test(fact.text)) ?? null;
}

/** Topics a query is about (its words name the topic or one of its terms): their facts may enter the profile block. */
export function sensitiveTopicsOf(query: string): SensitiveTopic[] {
  return SENSITIVE_TOPICS.filter((t) => LEXICON[t].test(query) || TOPIC_WORDS[t].test(query));
}

// A first-person assertion: the user as the subject of a stating verb (not "I went", "I saw").
const SUBJECT = String.raw`(?:^|[,;:—–-]\s*|\b(?:and|but|so|also|actually|honestly|well|yes|yeah|because|since)\s+)`;
const ASSERT = String.raw`I(?:'m| am|'ve| have| was| got| do| identify as| consider myself| describe myself as| vote| voted| always vote| support| believe in| practi[cs]e| follow| live with| suffer from| came out as| take| need| use| am on|'m on)\b`;
const SELF_ATTRIBUTE = String.raw`my (?:religion|faith|diagnosis|condition|sexuality|sexual orientation|orientation|politics|political views|party|medication|illness|disability|blood type)\b`;
const FIRST_PERSON = new RegExp(`${SUBJECT}(?:(?:remember that|note that|fyi|for the record)\\s*,?\\s*)?(?:${ASSERT}|${SELF_ATTRIBUTE})`, 'i');
/** Hedges, reported speech, conditionals and questions: not an assertion by the user about themselves. */
const NOT_ASSERTED = /\b(if|whether|maybe|perhaps|might|may be|could be|probably|possibly|i think|i guess|i suppose|i wonder|i doubt|wonder(?:s|ed)? if|thinks?|thought|believes? (?:that )?i|says?|said|told me|tells me|claims?|suspects?|assumes?|pretend\w*|as if|imagine|what if|joking|kidding|not sure)\b/i;
const NEGATED = /\bI(?:'m| am) not\b|\bI (?:don't|do not|didn't|did not|never) (?:have|vote|believe|practi[cs]e|identify)\b/i;

const sentencesOf = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * True when `sentence` states the topic about the speaker, explicitly: a first-person assertion
 * ({@link FIRST_PERSON}) whose clause carries one of the topic's words, not a question, not
 * hedged or reported, not negated.
 */
export function isExplicitSelfStatement(sentence: string, topic: SensitiveTopic): boolean {
  const s = sentence.trim();
  if (!s || /\?\s*$/.test(s)) return false;
  const m = FIRST_PERSON.exec(s);
  if (!m) return false;
  const before = s.slice(0, m.index + m[0].length);
  if (NOT_ASSERTED.test(before) || NEGATED.test(s)) return false;
  // the topic's word must follow the first-person assertion, in the same clause
  const clause = s.slice(m.index).split(/[;,]\s*(?:and|but)?\s*(?=(?:my|his|her|their|our)\b)/i)[0] ?? '';
  return LEXICON[topic].test(clause) || new RegExp(SELF_ATTRIBUTE, 'i').test(m[0]);
}

/** True when a user turn the candidate came from states its topic explicitly (see {@link isExplicitSelfStatement}). */
export function statedExplicitly(candidate: Pick<Candidate, 'text' | 'type' | 'turnIds'>, topic: SensitiveTopic, turns: readonly Turn[]): boolean {
  const sources = turns.filter((t) => t.role === 'user' && candidate.turnIds.includes(t.id));
  const words = candidate.text.match(new RegExp(LEXICON[topic].source, 'gi'))?.map((w) => w.toLowerCase()) ?? [];
  return sources.some((t) =>
    sentencesOf(t.text).some((s) => {
      const stripped = s.replace(/^.*?\b(?:remember|keep in mind|note) (?:this|that)\s*[:,-]?\s*/i, '');
      if (!isExplicitSelfStatement(stripped, topic)) return false;
      // the fact's own topic words must be what the user stated (no "I'm Catholic" → "I am gay")
      return !words.length || words.some((w) => stripped.toLowerCase().includes(w));
    }),
  );
}

export interface SensitiveScreen {
  kept: Candidate[];
  /** Candidates dropped, with why (extraction reports them as NONE). */
  dropped: Array<{ candidate: Candidate; topic: SensitiveTopic; reason: string }>;
}

/**
 * The post-check on every extractor's output (rules or LLM): a fact on a sensitive topic is typed
 * as that topic, then kept per the tenant's policy — `allow`: kept; `never`: dropped;
 * `explicit-only`: kept only when a user turn it came from states it explicitly.
 */
export function screenSensitive(candidates: readonly Candidate[], turns: readonly Turn[], policy: SensitivePolicyName = 'explicit-only'): SensitiveScreen {
  const kept: Candidate[] = [];
  const dropped: SensitiveScreen['dropped'] = [];
  for (const c of candidates) {
    const topic = sensitiveTopicOf(c);
    if (!topic) {
      kept.push(c);
      continue;
    }
    const typed: Candidate = c.type === topic ? c : { ...c, type: topic, slot: c.slot?.startsWith(`${topic}.`) ? c.slot : undefined };
    if (typed.slot === undefined) delete typed.slot;
    if (policy === 'allow') kept.push(typed);
    else if (policy === 'never') dropped.push({ candidate: typed, topic, reason: `sensitive (${topic}): this tenant stores no ${topic} facts` });
    else if (statedExplicitly(typed, topic, turns)) kept.push(typed);
    else dropped.push({ candidate: typed, topic, reason: `sensitive (${topic}): not stated explicitly by the user about themselves` });
  }
  return { kept, dropped };
}
