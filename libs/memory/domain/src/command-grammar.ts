import { contentWords } from './forget-match';

/** A memory command one sentence of the user's gives the assistant. */
export interface SentenceCommand {
  kind: 'remember' | 'forget';
  /** What to remember (may be empty: "Remember this!") or to forget (never empty). */
  subject: string;
}

// Sentences reach these patterns with every run of whitespace made one space (see parseCommand).
const A = `['’]`;
/** Words that may open a clause before the imperative: "ok, and please forget …", "hey, …". */
const LEAD_IN = String.raw`(?:(?:and|but|so|also|now|then|oh|ok|okay|alright|well|actually|just|hey|hi|kindly|please)\b,? ?)*`;
/** How a request to the assistant may be put; `ask` marks the question form ("could you …?"). */
const REQUEST = String.raw`(?:(?<ask>(?:can|could|would|will) you) (?:please )?|i (?:want|need) you to |i${A}?d like you to |you (?:can|may|should|could) (?:now )?)?(?:please )?(?:just )?`;
const opening = (verbs: string) => new RegExp(String.raw`^${LEAD_IN}${REQUEST}(?:${verbs})\b(?<rest>.*)$`, 'i');

/** `own`: verbs about memory only (they may take "my X"); `other`: verbs that also name things outside it. */
const FORGET = opening(String.raw`(?<own>forget|stop remembering|unlearn)|(?<other>delete|erase|remove|wipe|(?:don${A}?t|do not) remember)`);
/** `note` alone needs a marker ("note this", "note: …"): "note the time" stores nothing. */
const REMEMBER = opening(String.raw`remember|(?:don${A}?t|do not) (?:ever )?forget|keep in mind|(?:make a|take) note(?: of)?|(?<note>note)`);

/** A first-person statement: what the user told about themself ("we", "our" only after "that"). */
const FIRST_PERSON = String.raw`(?:i|i${A}m|i${A}ve|i${A}d|i${A}ll|my)\b`;
const FIRST_PERSON_PLURAL = String.raw`(?:we|we${A}re|we${A}ve|our)\b`;
/** "what you know about X", "everything I told you about X", "the fact that X", "the note about X". */
const ABOUT_WHAT_YOU_KNOW = new RegExp(
  String.raw`^(?:about )?(?:(?:everything|anything|all|what(?:ever)?) (?:that )?(?:you(?:${A}ve| have)? (?:know|learn(?:ed|t)|remember|stored|saved|noted|got)|i(?:${A}ve| have)? (?:told you|said|mentioned|shared))|(?:the|that|this) (?:fact|memory|note|info(?:rmation)?|detail)s?) (?:that|about|regarding|on|of) (?<x>.+)$`,
  'i',
);
/** "that I live in Paris", "that we moved", "about my ex", "I live in Paris", "my address". */
const FIRST_PERSON_OBJECT = new RegExp(String.raw`^(?:that (?<x>(?:${FIRST_PERSON}|${FIRST_PERSON_PLURAL}).*)|(?:about )?(?<y>${FIRST_PERSON}.*))$`, 'i');
/** The same, with "that" required (verbs that name things outside memory too: "remove my shoes" is not a command). */
const THAT_FIRST_PERSON = new RegExp(String.raw`^that (?<x>(?:${FIRST_PERSON}|${FIRST_PERSON_PLURAL}).*)$`, 'i');
/** "X from your memory" (and a trailing "from your memory" after any other object). */
const MEMORY_PLACE = String.raw`from (?:your )?(?:memory|memories|records?|notes|profile)`;
const FROM_MEMORY = new RegExp(String.raw`^(?:that |about )?(?<x>.+?) ${MEMORY_PLACE}$`, 'i');
const FROM_MEMORY_TAIL = new RegExp(String.raw` ${MEMORY_PLACE}\b.*`, 'i');
/** What "remember" is followed by when it recalls or advises ("don't forget your umbrella") instead of asking to store. */
const NOT_A_FACT = /^(?:to|when|how|what|where|who|whom|why|if|whether|the (?:time|times|day|days|moment|night)|those|these|back|me|us|you|your|yourself)\b/i;
/** A condition in the subject makes the command conditional: not a deletion now. */
const CONDITIONAL = /\b(?:if|unless|in case|as soon as|whenever)\b/i;
/** A sentence opening with a condition or a time clause ("If you …, forget …"). */
const CONDITIONAL_OPENING = /^(?:if|unless|when|whenever|once|in case|before|after|until|as soon as|even if)\b/i;
/** A clause after "… said," / "… told me," is reported speech, not said to the assistant. */
const REPORTING = /\b(?:said|says|say|told \w+|tells \w+|asked|goes|went|like|wrote|writes) ?$/i;
/** "forget I said anything (about X)", "forget that I mentioned it": taking words back, not a fact. */
const TAKING_BACK = /^(?:i|we) (?:(?:ever|even|just|once) )?(?:said|say|mentioned|asked|told|brought up|talked|spoke)\b/i;
/** Where an object ends: a comma or semicolon, or a spaced dash ("Paris-Nord" stays whole). */
const CLAUSE_END = /[,;]| [-–—] /;
/** Politeness or punctuation after an object, taken off one at a time: "… for me please!!". */
const TRAILER = / (?:please|thanks|thank you|now|anymore|for me|too)$|[ .!?]$/i;

/** A named group's text ('' for one that did not take part). */
const group = (m: RegExpExecArray, name: string): string => m.groups?.[name] ?? '';

/** Clause starts: the sentence's start and after each comma or semicolon (not after a reporting verb). */
function clauses(sentence: string): string[] {
  const out = [sentence];
  for (const m of sentence.matchAll(/[,;] ?/g)) {
    if (!REPORTING.test(sentence.slice(0, m.index))) out.push(sentence.slice(m.index + m[0].length));
  }
  return out;
}

/** The object up to the end of its clause, without trailing politeness or punctuation. */
function tidySubject(s: string): string {
  let x = s.split(CLAUSE_END)[0] as string;
  let before: string;
  do {
    before = x;
    x = x.replace(TRAILER, '');
  } while (x !== before);
  return x;
}

/** What a forget verb's object names: a first-person fact (for memory verbs) or what the assistant knows. */
function forgetObject(own: boolean, rest: string): string | null {
  const known = ABOUT_WHAT_YOU_KNOW.exec(rest)?.groups?.['x'] ?? FROM_MEMORY.exec(tidySubject(rest))?.groups?.['x'];
  const fact = own ? FIRST_PERSON_OBJECT.exec(rest)?.groups : THAT_FIRST_PERSON.exec(rest)?.groups;
  const x = known ?? fact?.['x'] ?? fact?.['y'] ?? null;
  return x !== null && TAKING_BACK.test(x) ? null : x;
}

function forgetIn(clause: string, question: boolean): SentenceCommand | null {
  const m = FORGET.exec(clause);
  if (!m || (question && !group(m, 'ask'))) return null;
  const object = forgetObject(group(m, 'own') !== '', group(m, 'rest').trim());
  if (object === null) return null;
  const subject = tidySubject(object.replace(FROM_MEMORY_TAIL, ''));
  if (CONDITIONAL.test(subject) || !contentWords(subject).length) return null;
  return { kind: 'forget', subject };
}

function rememberIn(clause: string, question: boolean): SentenceCommand | null {
  const m = REMEMBER.exec(clause);
  if (!m || (question && !group(m, 'ask'))) return null;
  const r = / ?(?:(?<filler>this|that)\b)? ?(?<mark>[:,-])? ?(?<x>.*)/i.exec(group(m, 'rest')) as RegExpExecArray;
  const subject = group(r, 'x').replace(/[.!?]+$/, '').trim();
  if (NOT_A_FACT.test(subject)) return null;
  if (group(m, 'note') && !group(r, 'filler') && !group(r, 'mark')) return null;
  if (!group(r, 'filler') && !subject) return null;
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
  const s = sentence.replace(/\s+/g, ' ').trim();
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
