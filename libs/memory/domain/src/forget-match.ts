import { tokenize } from './bm25';

/**
 * Words that name nothing a forget command could point at: pronouns, quantifiers standing for
 * "everything", talk about the conversation itself ("what I said", "my last message"), politeness
 * and contraction tails. A subject made only of these names nothing ("forget about it", "forget
 * everything", "forget I said anything").
 */
const FILLER = new Set(
  [
    // pronouns and determiners
    'i me my mine myself you your yours yourself we us our ours he him his she her hers they them their it its',
    'this that these those a an the some any all every each one ones',
    // "everything" and vague nouns
    'everything anything something nothing stuff thing things whatever lot bit part',
    // the conversation itself
    'said say says saying told tell telling mention mentioned asked ask asking question questions message messages',
    'comment comments word words remark chat chats conversation conversations talk session memory memories info information',
    'know knew known remember remembered forget forgot forgotten',
    // time words that point at the conversation ("my last message")
    'last previous earlier before ago now today yesterday',
    // politeness, hedges and function words bm25 keeps
    'please thanks thank ok okay just really ever even anymore too also still again here there then',
    'am is are was were be been being have has had do does did will would can could should may might must shall',
    'in on at to of for with from by as into about over than and or but so not no',
    // contraction tails ("I'm" → i + m, "don't" → don + t)
    'm s t d ll ve re don doesn didn isn aren wasn weren won wouldn couldn shouldn haven hasn hadn',
  ]
    .join(' ')
    .split(' '),
);

/** BM25's stem, then trailing e/s off ("smoke"/"smoking" → smok, "address"/"addresses" → addr). */
function root(stem: string): string {
  let w = stem;
  while (w.length > 3 && (w.endsWith('e') || w.endsWith('s'))) w = w.slice(0, -1);
  return w;
}

/** The content words of a text (lowercased, stemmed), fillers out, in order, repeats kept once. */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (FILLER.has(raw)) continue;
    for (const w of tokenize(raw).map(root)) if (!out.includes(w)) out.push(w);
  }
  return out;
}

/** Share of the subject's content words found in the fact (0 when the subject has none). */
export function lexicalOverlap(subject: string, fact: string): number {
  const words = contentWords(subject);
  if (!words.length) return 0;
  const inFact = new Set(contentWords(fact));
  return words.filter((w) => inFact.has(w)).length / words.length;
}

/** A live fact the index found near a forget command's subject. */
export interface ForgetCandidate {
  id: string;
  text: string;
  /** Cosine of the subject's and the fact's embeddings. */
  cosine: number;
}

export interface ForgetMatchOptions {
  /** Share of the subject's content words the fact must contain. */
  minOverlap: number;
  /** Cosine the fact must reach. */
  minCosine: number;
  /** Cosine lead the best fact needs over the next fact that also shares the words. */
  margin: number;
}

/**
 * Measured with the offline USE-lite encoder: a fact restated ("I live in Paris") scores 1.0, a
 * short subject against the fact it names 0.53–0.79 ("my ex" / "My ex is called Tom" 0.534, "my
 * birthday" / "My birthday is in May" 0.785), unrelated facts sharing a word 0.55–0.68. So the
 * words decide what is named and the cosine confirms it; two facts within 0.05 are ambiguous.
 */
export const DEFAULT_FORGET_MATCH: ForgetMatchOptions = { minOverlap: 0.6, minCosine: 0.5, margin: 0.05 };

export type ForgetDecision =
  | { action: 'delete'; /** The fact, and its verbatim copies. */ ids: string[]; cosine: number; overlap: number }
  | { action: 'none'; reason: string; /** The nearest fact considered, when any. */ nearestId: string | null };

const sameFact = (text: string) => text.trim().toLowerCase().replace(/[\s.!]+$/, '');

/**
 * Which stored fact a "forget …" subject names, if exactly one clearly: it must contain at least
 * `minOverlap` of the subject's content words AND reach `minCosine`, and lead every other fact
 * that shares the words by `margin` (verbatim copies of it count as the same fact and go with
 * it). Anything else is no deletion, with the reason.
 */
export function matchForget(subject: string, candidates: readonly ForgetCandidate[], o: ForgetMatchOptions = DEFAULT_FORGET_MATCH): ForgetDecision {
  if (!contentWords(subject).length) return { action: 'none', reason: 'the command names nothing to forget', nearestId: null };
  const nearest = [...candidates].sort((a, b) => b.cosine - a.cosine)[0];
  const named = candidates
    .map((c) => ({ ...c, overlap: lexicalOverlap(subject, c.text) }))
    .filter((c) => c.overlap >= o.minOverlap)
    .sort((a, b) => b.cosine - a.cosine || a.id.localeCompare(b.id));
  const best = named[0];
  if (!best) return { action: 'none', reason: `no stored fact contains the words of "${subject}"`, nearestId: nearest?.id ?? null };
  if (best.cosine < o.minCosine) return { action: 'none', reason: `the fact that shares the words is not close in meaning (cos ${best.cosine.toFixed(3)} < ${o.minCosine})`, nearestId: best.id };
  const copies = named.filter((c) => sameFact(c.text) === sameFact(best.text));
  const rival = named.find((c) => sameFact(c.text) !== sameFact(best.text));
  if (rival && best.cosine - rival.cosine < o.margin) {
    return { action: 'none', reason: `ambiguous: more than one fact matches "${subject}" (cos ${best.cosine.toFixed(3)} and ${rival.cosine.toFixed(3)})`, nearestId: best.id };
  }
  return { action: 'delete', ids: copies.map((c) => c.id), cosine: best.cosine, overlap: best.overlap };
}
