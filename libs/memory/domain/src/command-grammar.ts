import { contentWords } from './forget-match';

/** A memory command one sentence of the user's gives the assistant. */
export interface SentenceCommand {
  kind: 'remember' | 'forget';
  /** What to remember (may be empty: "Remember this!") or to forget (never empty). */
  subject: string;
}

const A = `['’]`;
/** Words that may open a clause before the imperative: "ok, and please forget …", "hey, …". */
const LEAD_IN = String.raw`(?:(?:and|but|so|also|now|then|oh|ok|okay|alright|well|actually|just|hey|hi|kindly|please)\b[\s,]*)*`;
/** How a request to the assistant may be put; `ask` marks the question form ("could you …?"). */
const REQUEST = String.raw`(?:(?<ask>(?:can|could|would|will)\s+you)\s+(?:please\s+)?|i\s+(?:want|need)\s+you\s+to\s+|i${A}?d\s+like\s+you\s+to\s+|you\s+(?:can|may|should|could)\s+(?:now\s+)?)?(?:please\s+)?(?:just\s+)?`;
const opening = (verb: string) => new RegExp(String.raw`^${LEAD_IN}${REQUEST}(?<verb>${verb})\b(?<rest>.*)$`, 'i');

const FORGET = opening(String.raw`forget|stop\s+remembering|delete|erase|remove|wipe|unlearn|(?:don${A}?t|do\s+not)\s+remember`);
const REMEMBER = opening(String.raw`remember|(?:don${A}?t|do\s+not)\s+(?:ever\s+)?forget|keep\s+in\s+mind|(?:make\s+a|take)\s+note(?:\s+of)?|note`);

/** A first-person statement: what the user told about themself ("we", "our" only after "that"). */
const FIRST_PERSON = String.raw`(?:i|i${A}m|i${A}ve|i${A}d|i${A}ll|my)\b`;
const FIRST_PERSON_PLURAL = String.raw`(?:we|we${A}re|we${A}ve|our)\b`;
/** "what you know about X", "everything I told you about X", "the fact that X", "the note about X". */
const ABOUT_WHAT_YOU_KNOW = new RegExp(
  String.raw`^(?:about\s+)?(?:(?:everything|anything|all|what(?:ever)?)\s+(?:that\s+)?(?:you(?:${A}ve|\s+have)?\s+(?:know|learn(?:ed|t)|remember|stored|saved|noted|got)|i(?:${A}ve|\s+have)?\s+(?:told\s+you|said|mentioned|shared))|(?:the|that|this)\s+(?:fact|memory|note|info(?:rmation)?|detail)s?)\s+(?:that|about|regarding|on|of)\s+(?<x>.+)$`,
  'i',
);
/** "that I live in Paris", "that we moved", "about my ex", "I live in Paris", "my address". */
const FIRST_PERSON_OBJECT = new RegExp(String.raw`^(?:that\s+(?<x>(?:${FIRST_PERSON}|${FIRST_PERSON_PLURAL}).*)|(?:about\s+)?(?<y>${FIRST_PERSON}.*))$`, 'i');
/** The same, with "that" required (verbs that name things outside memory too: "remove my shoes" is not a command). */
const THAT_FIRST_PERSON = new RegExp(String.raw`^that\s+(?<x>(?:${FIRST_PERSON}|${FIRST_PERSON_PLURAL}).*)$`, 'i');
/** "X from your memory". */
const FROM_MEMORY = new RegExp(String.raw`^(?<x>.+?)\s+from\s+(?:your\s+)?(?:memory|memories|records?|notes|profile)$`, 'i');
/** What "remember" is followed by when it recalls or advises ("don't forget your umbrella") instead of asking to store. */
const NOT_A_FACT = /^(?:to|when|how|what|where|who|whom|why|if|whether|the\s+(?:time|times|day|days|moment|night)|those|these|back|me|us|you|you['’]re|your|yourself)\b/i;
/** A condition in the subject makes the command conditional: not a deletion now. */
const CONDITIONAL = /\b(?:if|unless|in\s+case|as\s+soon\s+as|whenever)\b/i;
/** A sentence opening with a condition or a time clause ("If you …, forget …"). */
const CONDITIONAL_OPENING = /^(?:if|unless|when|whenever|once|in\s+case|before|after|until|as\s+soon\s+as|even\s+if)\b/i;

/** A clause after "… said," / "… told me," is reported speech, not said to the assistant. */
const REPORTING = /\b(?:said|says|say|told\s+\w+|tells\s+\w+|asked|goes|went|like|wrote|writes)\s*$/i;

/** Clause starts: the sentence's start and after each comma or semicolon (not after a reporting verb). */
function clauses(sentence: string): string[] {
  const out = [sentence];
  for (const m of sentence.matchAll(/[,;]\s*/g)) {
    const at = m.index ?? 0;
    if (!REPORTING.test(sentence.slice(0, at))) out.push(sentence.slice(at + m[0].length));
  }
  return out;
}

/** The subject up to the end of its clause, without trailing politeness or punctuation. */
function tidySubject(s: string): string {
  let x = s.split(/\s*[,;]\s*|\s+[-–—]\s+/)[0] ?? '';
  x = x.replace(/[\s.!?]+$/, '');
  for (let prev = ''; prev !== x; ) {
    prev = x;
    x = x.replace(/\s+(?:please|thanks|thank\s+you|now|anymore|for\s+me|too)$/i, '').replace(/[\s.!?]+$/, '');
  }
  return x.trim();
}

/** "forget I said anything (about X)", "forget that I mentioned it": taking words back, not a fact. */
const TAKING_BACK = /^(?:i|we)\s+(?:(?:ever|even|just|once)\s+)?(?:said|say|mentioned|asked|told|brought\s+up|talked|spoke)\b/i;

/** What a forget verb's object names, by verb: "forget" takes a first-person fact or what the assistant knows. */
function forgetObject(verb: string, rest: string): string | null {
  const x = namedObject(verb, rest.trim());
  return x !== null && TAKING_BACK.test(x) ? null : x;
}

function namedObject(verb: string, r: string): string | null {
  const known = ABOUT_WHAT_YOU_KNOW.exec(r)?.groups?.['x'] ?? FROM_MEMORY.exec(tidySubject(r))?.groups?.['x'];
  // "don't remember that I …" only with a first-person that-clause ("don't remember that guy's name" is not)
  if (/^(?:don|do)/i.test(verb)) return THAT_FIRST_PERSON.exec(r)?.groups?.['x'] ?? null;
  // delete / erase / remove / wipe name things outside memory too: only "that I …" or what the assistant knows
  if (!/^(?:forget|stop|unlearn)/i.test(verb)) return known ?? THAT_FIRST_PERSON.exec(r)?.groups?.['x'] ?? null;
  const own = FIRST_PERSON_OBJECT.exec(r)?.groups;
  return known ?? own?.['x'] ?? own?.['y'] ?? null;
}

function forgetIn(clause: string, question: boolean): SentenceCommand | null {
  const m = FORGET.exec(clause);
  if (!m?.groups || (question && !m.groups['ask'])) return null;
  const object = forgetObject(m.groups['verb'] ?? '', m.groups['rest'] ?? '');
  if (object === null) return null;
  const subject = tidySubject(object.replace(/\s+from\s+(?:your\s+)?(?:memory|memories)\b.*$/i, ''));
  if (CONDITIONAL.test(subject) || !contentWords(subject).length) return null;
  return { kind: 'forget', subject };
}

function rememberIn(clause: string, question: boolean): SentenceCommand | null {
  const m = REMEMBER.exec(clause);
  if (!m?.groups || (question && !m.groups['ask'])) return null;
  const r = /^\s*(?:(?<filler>this|that)\b)?\s*(?<mark>[:,-])?\s*(?<x>.*)$/i.exec(m.groups['rest'] ?? '');
  const filler = r?.groups?.['filler'];
  const subject = (r?.groups?.['x'] ?? '').trim().replace(/[.!?]+$/, '').trim();
  if (NOT_A_FACT.test(subject)) return null;
  // "note" needs its marker ("note this", "note: …"); every verb needs something to store
  if (/^note$/i.test(m.groups['verb'] ?? '') && !filler && !r?.groups?.['mark']) return null;
  if (!filler && !subject) return null;
  return { kind: 'remember', subject };
}

/**
 * The memory command a sentence gives the assistant, if any. A command is an imperative (or a
 * "could you …" request) at the start of a clause — "forget that I live in Paris", "please forget
 * my address", "delete what you know about my ex", "stop remembering X", "remember that …" — never
 * a statement ("I don't remember what it's called", "I forgot my keys", "I'll never forget it"),
 * advice ("don't forget to sleep", "remember to rest"), a recollection ("remember when we …?"),
 * reported speech or a conditional. A forget must name a first-person fact or say it is about
 * what the assistant knows, with at least one content word ("forget about it" names nothing).
 * A forget anywhere in the sentence wins over a remember.
 */
export function parseCommand(sentence: string): SentenceCommand | null {
  const s = sentence.trim();
  if (!s || CONDITIONAL_OPENING.test(s)) return null;
  const question = s.endsWith('?');
  const parts = clauses(s);
  for (const c of parts) {
    const f = forgetIn(c, question);
    if (f) return f;
  }
  for (const c of parts) {
    const r = rememberIn(c, question);
    if (r) return r;
  }
  return null;
}
