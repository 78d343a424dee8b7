import { BUSINESSES, CONDITIONS, FAMILY, LANGUAGES, MOODS, NAMES_WITH_ADJECTIVE_ENDINGS, NATIONALITIES, NOT_NAMES, PEOPLE, PETS, PLURAL_FAMILY, PLURAL_RELATIVES, ROLES } from './extraction-lexicon';
import type { MemoryType } from './taxonomy';

/** What a rule sees beside its match: whether the turn is all lower case (chat style: names lose their capitals). */
export interface ClauseContext {
  lowercase: boolean;
}

export interface Rule {
  /** Case-insensitive; matched against one clause with apostrophes straightened. */
  re: RegExp;
  type: MemoryType;
  confidence: number;
  /** Slot name, or a function of the match (e.g. `relationship.daughter.name`). */
  slot?: string | ((m: RegExpExecArray) => string);
  /** Which capture group is the value (default 1; 0 = the whole match). */
  value?: number;
  /** Extra check on the match (a name must look like one). */
  accept?: (m: RegExpExecArray, ctx: ClauseContext) => boolean;
}

export function slugify(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const I_AM = "I(?:'m| am)";
const I_HAVE = "I(?:'ve| have)";
/** A value: up to the end of the clause, no sentence punctuation. */
const V = "([^.!?;]{2,80}?)";
const END = '\\s*$';
/** Trailing time phrases cut from a value ("… next spring", "… last year"). */
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*';
const SEASON = '(?:spring|summer|fall|autumn|winter)';
/** Trailing time phrases cut from a value ("… next spring", "… last year", "… in 2019"); "in Manchester" stays. */
const WHEN = `(?:\\s+(?:(?:last|next|this|every|since|for|now|today|tomorrow|yesterday|anymore|again|these days|right now|lately|btw|by the way)\\b|in (?:\\d|the (?:${SEASON}|morning|evening|past)|${MONTH}\\b|${SEASON}\\b|a (?:few|couple|while)|(?:two|three|four|five|six|ten) )|on (?:\\d|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|the \\d|${MONTH}\\b|weekends)|by (?:\\d|the end|next|then)).*)?`;
const NAME = "([A-Za-z][\\w'-]+)";

const re = (source: string) => new RegExp(source, 'i');
/** An -ing / -ed / -ly word is a verb or an adjective ("walking", "exhausted", "lonely") unless written as a name (Emily, Ted, Sterling). */
const NOT_A_NAME_ENDING = /(?:ing|ed|ly)$/i;
/** A proper name: capitalised as written (Title case even with an -ed/-ly/-ing ending), or any non-word in all-lower-case chat. */
const isName = (s: string | undefined, ctx: ClauseContext) =>
  !!s &&
  !NOT_NAMES.has(s.toLowerCase()) &&
  (ctx.lowercase ? !NOT_A_NAME_ENDING.test(s) || NAMES_WITH_ADJECTIVE_ENDINGS.has(s) : /^[A-Z]/.test(s) && (/^[A-Z][a-z]/.test(s) || !NOT_A_NAME_ENDING.test(s)));
const nameAt = (group: number) => (m: RegExpExecArray, ctx: ClauseContext) => isName(m[group], ctx);

/** Order matters: the first rule that matches a clause wins. */
export const RULES: readonly Rule[] = [
  // ---- health (special category: sensitive.ts screens it after extraction)
  { re: re(`\\b${I_AM} (?:severely |very |mildly |deathly |highly |also )?allergic to ${V}${WHEN}${END}`), type: 'health', confidence: 0.95, slot: (m) => `health.allergy.${slugify(m[1] ?? '')}` },
  { re: re(`\\bI (?:have|'ve got|have got) (?:an? |a severe |a mild )?([\\w -]{2,30}?) allergy\\b`), type: 'health', confidence: 0.9, slot: (m) => `health.allergy.${slugify(m[1] ?? '')}` },
  { re: re(`\\bI (?:have|'ve got|have got|was diagnosed with|got diagnosed with|suffer from|live with|am living with|struggle with|take (?:medication|meds|pills|insulin) for|am being treated for|'m being treated for) ((?:chronic |severe |mild |bad )?(?:${CONDITIONS}))\\b`), type: 'health', confidence: 0.9, slot: (m) => `health.condition.${slugify(m[1] ?? '')}` },
  { re: re(`\\b${I_AM} (?:currently )?(pregnant|diabetic|asthmatic|epileptic|deaf(?: in one ear)?|blind(?: in one eye)?|hard of hearing|in a wheelchair|immunocompromised|in remission|recovering from [^.!?;,]{3,40})`), type: 'health', confidence: 0.85, slot: (m) => `health.condition.${slugify((m[1] ?? '').split(' ')[0] ?? '')}` },
  { re: re(`\\bI (?:broke|tore|sprained|fractured|injured|dislocated|hurt) my ([\\w ]{2,30}?)${WHEN}${END}`), type: 'health', confidence: 0.8, value: 0, slot: (m) => `health.injury.${slugify(m[1] ?? '')}` },
  { re: re(`\\bI (?:had|just had|'m having|am having) (surgery|an operation|a heart attack|a stroke|a miscarriage|chemo|chemotherapy)\\b`), type: 'health', confidence: 0.85 },
  // ---- special categories: the rules only ever see first-person statements; screenSensitive checks they are asserted
  { re: re(`\\bI(?:'m| am| identify as| consider myself)(?: a| an)? (christian|catholic|protestant|muslim|jewish|hindu|buddhist|sikh|atheist|agnostic|mormon)\\b`), type: 'religion', confidence: 0.9, slot: 'religion.identity' },
  { re: re(`\\bI(?:'m| am| identify as)(?: a| an)? (gay|lesbian|bisexual|straight|heterosexual|queer|asexual|pansexual|transgender|trans|non-?binary)\\b`), type: 'sexuality', confidence: 0.9, slot: 'sexuality.identity' },
  { re: /\bI (?:always )?(?:vote|voted) (?:for )?(?:the )?([A-Z][\w ]{1,40}?)(?=[.!?,;]|$)/, type: 'politics', confidence: 0.85, slot: 'politics.vote' },
  { re: re(`\\b${I_AM}(?: a| an)? (democrat|republican|conservative|socialist|communist|libertarian|labou?r supporter|tory)\\b`), type: 'politics', confidence: 0.85, slot: 'politics.affiliation' },
  // ---- diet
  { re: re(`\\b${I_AM} (?:a |strictly |mostly |fully )?(vegetarian|vegan|pescatarian|gluten[- ]free|lactose intolerant|dairy[- ]free|teetotal|sober|kosher|halal)\\b`), type: 'preference', confidence: 0.9, slot: 'preference.diet' },
  { re: re(`\\bI (?:don't|do not|never|can't|cannot) (?:eat|drink) ${V}${WHEN}${END}`), type: 'preference', confidence: 0.8, slot: (m) => `preference.avoid.${slugify(m[1] ?? '')}` },
  { re: re(`\\b${I_AM} on an? ([\\w -]{2,25}?) diet\\b`), type: 'preference', confidence: 0.8, slot: 'preference.diet' },
  { re: re(`\\b${I_AM} (?:trying|going) to (?:eat|drink) (less|more|no) ${V}${WHEN}${END}`), type: 'preference', confidence: 0.75, value: 0 },
  // ---- names
  { re: re(`\\bmy (?:name is|name's|first name is) ${NAME}`), type: 'biography', confidence: 0.95, slot: 'biography.name', accept: nameAt(1) },
  { re: re(`\\b(?:call me|people call me|everyone calls me|everybody calls me|folks call me|friends call me|they call me|the name's|the name is|I go by|${I_AM} called) ${NAME}`), type: 'biography', confidence: 0.9, slot: 'biography.name', accept: nameAt(1) },
  // ---- nationality and origin (before names: "I'm Canadian" is not a name)
  { re: re(`\\b${I_AM} (?:originally )?(${NATIONALITIES})\\b`), type: 'biography', confidence: 0.85, slot: 'biography.nationality' },
  { re: re(`^(?:(?:hi|hello|hey|hiya|yo)(?: there)?[,!. ]*)?${I_AM} ${NAME}(?:[,!.]|\\s*$|\\s+(?:by the way|btw|here|and|from)\\b)`), type: 'biography', confidence: 0.85, slot: 'biography.name', accept: nameAt(1) },
  { re: re(`\\b${I_AM} (?:originally |also )?from ${V}${WHEN}${END}`), type: 'biography', confidence: 0.85, slot: 'biography.origin' },
  { re: re(`\\bI was born (?:and raised )?(?:in|on) ([^.!?;]{2,60}?)${END}`), type: 'biography', confidence: 0.85, slot: (m) => (/\d/.test(m[1] ?? '') ? 'biography.birth' : 'biography.origin') },
  { re: re(`\\bI grew up (?:[^.!?;]{0,30}? )?in ${V}${WHEN}${END}`), type: 'biography', confidence: 0.8, slot: 'biography.origin' },
  { re: re(`\\bmy home ?town is ${V}${END}`), type: 'biography', confidence: 0.85, slot: 'biography.origin' },
  // ---- languages
  { re: re(`\\b(?:I speak|I can speak|I know|I understand|${I_AM} (?:fluent|bilingual|trilingual|conversational|native) in|I grew up speaking)(?: fluent| some| a little| a bit of| basic| decent| good| native)? ((?:${LANGUAGES})(?:(?:,| and| or) (?:${LANGUAGES}))*)\\b`), type: 'biography', confidence: 0.85, slot: (m) => `biography.language.${slugify(m[1] ?? '')}` },
  { re: re(`\\bI speak (\\w+ languages)`), type: 'biography', confidence: 0.8, slot: 'biography.languages' },
  { re: re(`\\bmy (?:native|first|mother) (?:language|tongue) is (${LANGUAGES})\\b`), type: 'biography', confidence: 0.9, slot: 'biography.language.native' },
  { re: re(`\\b(${LANGUAGES}) is my (?:native|first|mother) (?:language|tongue)`), type: 'biography', confidence: 0.9, slot: 'biography.language.native' },
  // ---- age, birthday, body
  { re: re(`\\b${I_AM} (\\d{1,3})(?: years old| yrs old| y/?o| years of age)?(?! ?(?:feet|foot|ft|inches|cm|kg|lbs?|pounds|minutes|hours|days|weeks|months|%|percent|k\\b))\\b`), type: 'biography', confidence: 0.9, slot: 'biography.age' },
  { re: re(`\\bI (?:just )?turned (\\d{1,3})\\b`), type: 'biography', confidence: 0.9, slot: 'biography.age' },
  { re: re(`\\bI(?:'ll| will) be (\\d{1,3})\\b`), type: 'biography', confidence: 0.8, slot: 'biography.age' },
  { re: re(`\\b${I_AM} in my (?:early |mid |late |mid-)?(twenties|thirties|forties|fifties|sixties|seventies|eighties|[2-9]0s)\\b`), type: 'biography', confidence: 0.8, slot: 'biography.age' },
  { re: re(`\\bmy birthday is (?:on |in )?(?:the )?${V}${END}`), type: 'biography', confidence: 0.9, slot: 'biography.birthday' },
  { re: re(`\\b${I_AM} (\\d[\\d'"., ]*(?:feet|foot|ft|cm|m)\\b(?: \\d+(?: inches)?)?(?: tall)?)`), type: 'biography', confidence: 0.8, slot: 'biography.height' },
  { re: re(`\\b${I_AM} (?:an? )?(left-handed|right-handed|ambidextrous|colou?r ?blind|introvert(?:ed)?|extrovert(?:ed)?|ambivert|only child|twin|adopted)\\b`), type: 'biography', confidence: 0.8, slot: (m) => `biography.trait.${slugify(m[1] ?? '')}` },
  { re: re(`\\b${I_AM} (?:a|an) (morning person|night owl|early bird|early riser|cat person|dog person|homebody)\\b`), type: 'preference', confidence: 0.8, slot: (m) => `preference.${slugify(m[1] ?? '')}` },
  // ---- relationships and pets
  { re: re(`\\bmy (${PEOPLE})(?:'s name is|'s| is) (?:named |called )?${NAME}`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${slugify(m[1] ?? '')}.name`, value: 2, accept: nameAt(2) },
  { re: re(`\\bmy (${PEOPLE}) (?:is|was) (?:named|called) ${NAME}`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${slugify(m[1] ?? '')}.name`, value: 2, accept: nameAt(2) },
  { re: re(`\\bmy (${PETS})(?:'s name is|'s called| is (?:named|called)|'s| is) ${NAME}`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${slugify(m[1] ?? '')}.name`, value: 2, accept: nameAt(2) },
  { re: re(`\\bmy (${FAMILY}) (?:is|turned|just turned|will be|will turn|'s) (\\d{1,3})(?: years old)?\\b`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${slugify(m[1] ?? '')}.age`, value: 2 },
  { re: re(`\\bmy (${FAMILY}) are (\\d{1,2}(?:(?:,| and) \\d{1,2})*)\\b`), type: 'relationship', confidence: 0.8, slot: (m) => `relationship.${slugify(m[1] ?? '')}.age`, value: 2 },
  { re: re(`\\bmy (${FAMILY}) (?:is|works as) (?:a|an) ((?:[\\w-]+ ){0,2}(?:${ROLES}))\\b`), type: 'relationship', confidence: 0.8, slot: (m) => `relationship.${slugify(m[1] ?? '')}.job`, value: 2 },
  { re: re(`\\bmy (${FAMILY}) (?:lives?|live) in ${V}${WHEN}${END}`), type: 'relationship', confidence: 0.8, slot: (m) => `relationship.${slugify(m[1] ?? '')}.home`, value: 2 },
  { re: re(`\\bmy (${FAMILY}) (passed away|died)\\b`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${slugify(m[1] ?? '')}.deceased`, value: 2 },
  { re: re(`\\bmy (${FAMILY})'s birthday is (?:on |in )?${V}${END}`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.${slugify(m[1] ?? '')}.birthday`, value: 2 },
  { re: re(`\\b(?:our|my) (?:wedding )?anniversary is (?:on |in )?${V}${END}`), type: 'relationship', confidence: 0.85, slot: 'relationship.anniversary' },
  { re: re(`\\b(?:I|we) (?:just |recently |finally )?(?:adopted|got|have|own|'ve got|have got|rescued|bought|brought home|got ourselves) (?:a |an |two |three |four |\\d+ |some |our |my )?(?:new |little |baby |rescue |young |old )?((?:[\\w-]+ ){0,2}?(?:${PETS})\\b(?:\\s+(?:named|called)\\s+[\\w'-]+)?)`), type: 'relationship', confidence: 0.85, slot: (m) => `relationship.pet.${slugify(/(?:named|called)\s+([\w'-]+)$/i.exec(m[1] ?? '')?.[1] ?? m[1] ?? '')}` },
  { re: re(`\\bI have (?:a|an|one|two|three|four|five|\\d+) (?:older |younger |little |big |twin |baby |new |step-?)?((?:${PEOPLE})(?:\\s+(?:named|called)\\s+[\\w'-]+)?)\\b`), type: 'relationship', confidence: 0.8, slot: (m) => `relationship.${slugify((m[1] ?? '').split(/\s+(?:named|called)\s+/i)[0] ?? '')}.has` },
  { re: re(`\\b(?:I have|I've got|I have got|we have) ((?:two|three|four|five|six|seven|eight|nine|ten|\\d{1,2}|a few|several|twin) (?:older |younger |little |big |twin |grown-up |grown |adult )*((?:step-?)?(?:${PLURAL_FAMILY})))\\b`), type: 'relationship', confidence: 0.8, slot: (m) => `relationship.${PLURAL_RELATIVES[(m[2] ?? '').toLowerCase().replace('step-', 'step')] ?? slugify(m[2] ?? '')}.count` },
  { re: re(`\\b${I_AM} (?:happily |recently |newly |now |still )?(married|divorced|single|engaged|widowed|separated)\\b`), type: 'relationship', confidence: 0.9, slot: 'relationship.status' },
  { re: re(`\\b(?:${I_HAVE} been|I (?:just |recently )?got) (married|divorced|engaged|separated)\\b`), type: 'relationship', confidence: 0.85, slot: 'relationship.status' },
  { re: re(`\\b${I_AM} an? ((?:single |proud |new |first-time |young |working )?(?:mother|mom|mum|father|dad|parent|grandmother|grandfather|grandma|grandpa)(?: of \\w+)?)\\b`), type: 'relationship', confidence: 0.85, slot: 'relationship.parent', accept: (m) => !/stay-at-home/i.test(m.input) },
  // ---- places (where the user lives now)
  { re: re(`\\b(?:I|we) (?:just |recently )?(?:moved|relocated) to ${V}${WHEN}${END}`), type: 'location', confidence: 0.85, slot: 'location.home' },
  { re: re(`\\b(?:${I_AM}|we're|we are) (?:moving|relocating) to ${V}${WHEN}${END}`), type: 'location', confidence: 0.8, slot: 'location.home' },
  { re: re(`\\b(?:I|we) (?:currently |still |now )?live (?:in )?((?:with |near |on |at )?[^.!?;]{2,80}?)${WHEN}${END}`), type: 'location', confidence: 0.85, slot: 'location.home' },
  { re: re(`\\b(?:${I_AM}|we're|we are) (?:currently |now )?(?:living|based|located|staying|settled) (?:in|near|at) ${V}${WHEN}${END}`), type: 'location', confidence: 0.85, slot: 'location.home' },
  { re: re(`\\b${I_HAVE} (?:been )?(?:lived|living) in ${V}${WHEN}${END}`), type: 'location', confidence: 0.8, slot: 'location.home' },
  { re: re(`\\bhome (?:for me )?is ${V}${END}`), type: 'location', confidence: 0.75, slot: 'location.home' },
  // ---- work
  { re: re(`\\bI ([^.!?;]{3,40}?) for a living\\b`), type: 'work', confidence: 0.85, slot: 'work.role' },
  { re: re(`\\bI (?:work|am working|'m working|${I_HAVE} worked|${I_HAVE} been working) as (?:a |an )?${V}${WHEN}${END}`), type: 'work', confidence: 0.85, slot: 'work.role' },
  { re: re(`\\bI (?:just )?(?:got hired|was hired|started|began|landed a job|got a job|got a new job|started a new job|start a new job|started working|started a job) as (?:a |an )?${V}${WHEN}${END}`), type: 'work', confidence: 0.85, slot: 'work.role' },
  { re: re(`\\bI (?:work|am working|'m working|${I_HAVE} worked|${I_HAVE} been working|got a job|got a new job|just got a job|started working|started a new job)(?: [a-z ]{0,20}?)? (?:at|for) ([^.!?;,]{2,60}?)(?= as\\b|${WHEN}${END})`), type: 'work', confidence: 0.85, slot: 'work.employer' },
  { re: re(`\\bI (?:started|began) working (?:here|there) (?:in|since) (\\d{4}|[^.!?;,]{2,30})`), type: 'work', confidence: 0.75, slot: 'work.since' },
  { re: re(`\\b${I_AM} employed (?:at|by) ${V}${WHEN}${END}`), type: 'work', confidence: 0.85, slot: 'work.employer' },
  { re: re(`\\b(?:I work|my job is|I have a job|${I_AM} (?:working )?) in (marketing|sales|finance|tech|it|construction|healthcare|retail|education|insurance|real estate|hospitality|law enforcement|hr|human resources|accounting|banking|consulting|advertising|logistics|manufacturing|government|the [\\w ]{2,25} industry)\\b`), type: 'work', confidence: 0.8, slot: 'work.field' },
  { re: re(`\\bI (?:run|own|manage|started|opened) (?:my own |our own |a |an |the )?((?:[\\w'-]+ ){0,2}(?:${BUSINESSES}))\\b`), type: 'work', confidence: 0.8, slot: 'work.business' },
  { re: re(`\\bI teach ${V}${WHEN}${END}`), type: 'work', confidence: 0.8, slot: 'work.role' },
  { re: re(`\\b(?:${I_AM}|${I_HAVE} been)(?: currently| now| still| also)? (?:a|an) ((?:[\\w-]+ ){0,3}(?:${ROLES}))\\b`), type: 'work', confidence: 0.85, slot: 'work.role' },
  { re: re(`\\b${I_AM} (?:now |currently )?(retired|self-employed|unemployed|between jobs|on maternity leave|on paternity leave|a freelancer|freelancing)\\b`), type: 'work', confidence: 0.85, slot: 'work.status' },
  // ---- education
  { re: re(`\\bI (?:have|'ve got|hold|earned|got) (?:a |an |my )?(?:degree|bachelor'?s|master'?s|masters|phd|doctorate|diploma|ba|bsc|bs|ma|msc|ms|mba)(?: degree)? in ${V}${END}`), type: 'biography', confidence: 0.85, slot: 'biography.education' },
  { re: re(`\\bI (?:studied|majored in|graduated in|graduated from|went to college at|went to university at|did my degree in) ${V}${END}`), type: 'biography', confidence: 0.8, slot: 'biography.education' },
  { re: re(`\\b${I_AM} (?:doing|pursuing|working on|finishing) (?:a |an |my )?((?:phd|master'?s|masters|degree|mba|bachelor'?s|doctorate|internship|residency|apprenticeship|thesis)[^.!?;]{0,50}?)${END}`), type: 'context', confidence: 0.8 },
  { re: re(`\\b${I_AM} in my (\\w+ year (?:of|at) [^.!?;]{2,40}?)${END}`), type: 'context', confidence: 0.8 },
  // ---- preferences (dislikes before likes)
  { re: re(`\\b${I_AM} not (?:a |really a |much of a )?(?:big |huge )?(?:fan of|into|keen on) ${V}${END}`), type: 'preference', confidence: 0.8 },
  { re: re(`\\bI (?:really |absolutely |just |kind of |kinda )?(?:hate|dislike|detest|loathe|can't stand|cannot stand|can't bear)(?: it when)? ${V}${END}`), type: 'preference', confidence: 0.8 },
  { re: re(`\\bI (?:really )?(?:don't|do not)(?: really| much)? (?:like|enjoy|love|care for) ${V}${END}`), type: 'preference', confidence: 0.8 },
  { re: re(`\\b${I_HAVE} never (?:liked|enjoyed|been a fan of) ${V}${END}`), type: 'preference', confidence: 0.8 },
  { re: re(`^${V} makes me (?:sick|ill|nauseous|jittery|sneeze|itch|bloated)\\b`), type: 'preference', confidence: 0.72 },
  { re: re(`\\bmy (?:all-time )?favou?rite ([a-z -]{2,30}?) (?:is|are|has to be) ([^.!?;,]{2,60})`), type: 'preference', confidence: 0.85, slot: (m) => `preference.favorite.${slugify(m[1] ?? '')}`, value: 2 },
  { re: re(`^${V} (?:is|are) my (?:all-time )?(?:favou?rite|weakness|guilty pleasure)\\b`), type: 'preference', confidence: 0.8 },
  { re: re(`\\b${I_AM} (?:a |such a )?(?:big |huge |massive |die-hard |lifelong )?fan of ${V}${END}`), type: 'preference', confidence: 0.8 },
  { re: re(`\\b${I_AM} (?:really |so |very |totally |pretty )?(?:into|obsessed with|passionate about|crazy about|addicted to|hooked on|keen on|fond of)(?: ${V})${END}`), type: 'preference', confidence: 0.8 },
  { re: re(`\\b(?:I|we) (?:really |absolutely |just |also |totally |all )?(?:love|adore|enjoy|like|prefer)(?! to know| to ask) ${V}${END}`), type: 'preference', confidence: 0.75 },
  { re: re(`\\b${I_HAVE} always (?:loved|liked|enjoyed|adored|been (?:passionate about|into|interested in|fascinated by|a fan of)) ${V}${END}`), type: 'preference', confidence: 0.8 },
  // ---- plans
  { re: re(`\\b(?:${I_AM}|we're|we are) (?:going to|gonna|planning to|planning on|about to|thinking of|thinking about|hoping to|aiming to|intending to|looking to|considering|scheduled to|due to) ${V}${END}`), type: 'plan', confidence: 0.75 },
  { re: re(`\\bI (?:really )?(?:plan|want|intend|hope|aim|mean|would like|'d like|'d love|would love)(?: to| on) (?!(?:know|ask|say|tell|talk|see|check|understand|confirm|mention|thank|clarify|be clear)\\b)${V}${END}`), type: 'plan', confidence: 0.75 },
  { re: re(`\\b(?:${I_AM}|we're|we are) planning (?:a|an|our|my) ${V}${END}`), type: 'plan', confidence: 0.75 },
  { re: re(`\\b(?:${I_AM}|we're|we are) (?:getting married|moving|flying|traveling|travelling|going|heading|driving|starting|leaving|retiring|graduating|visiting|taking a trip|having a baby|expecting a baby|expecting) ${V}${END}`), type: 'plan', confidence: 0.75, value: 0 },
  { re: re(`\\b${I_AM} (getting married|having a baby|expecting a baby|retiring|graduating)\\b`), type: 'plan', confidence: 0.75 },
  { re: re(`\\bI(?:'ll| will) (?:be )?(?:start|starting|move|moving|visit|visiting|travel|traveling|go|going|begin|beginning|join|joining|retire|retiring|graduate|graduating|leave|leaving|quit|quitting|buy|get|fly|flying|take|taking)\\b ${V}${END}`), type: 'plan', confidence: 0.75, value: 0 },
  { re: re(`\\bI have (?:a|an|my) (?:\\w+ )?(trip|vacation|holiday|flight|interview|appointment|exam|wedding|surgery|operation|concert|conference|race|marathon)\\b${V}${END}`), type: 'plan', confidence: 0.75, value: 0 },
  { re: re(`\\b${I_AM} saving (?:up )?(?:for|to buy) ${V}${END}`), type: 'plan', confidence: 0.75 },
  { re: re(`\\bmy (?:goal|plan|dream|resolution|new year's resolution)(?: this year| for next year)? is to ${V}${END}`), type: 'plan', confidence: 0.75 },
  { re: re(`\\b${I_AM} applying (?:for|to) ${V}${END}`), type: 'plan', confidence: 0.75 },
  { re: re(`\\bI(?:'ve| have)? (?:decided|made up my mind) to ${V}${END}`), type: 'plan', confidence: 0.75 },
  // ---- mood (before "I've been …")
  { re: re(`\\b(?:I (?:feel|am feeling|'m feeling|have been feeling|'ve been feeling)|${I_AM}(?: so| really| very| quite| a bit| kind of| pretty)?) (?:so |really |very |quite |a bit |kind of |pretty )?(${MOODS})\\b`), type: 'mood', confidence: 0.75, slot: 'mood.current' },
  // ---- life events worth keeping as facts (what the user joined, won, signed up for, took part in)
  { re: re(`\\b(?:I|we) (?:just |recently |finally |also )?(?:joined|signed up for|signed with|enrolled in|got accepted (?:to|into|for)|was accepted (?:to|into|for)|got into|won|completed|graduated from|got certified in|qualified for) ${V}${END}`), type: 'context', confidence: 0.75 },
  { re: re(`\\bI (?:just |recently |finally )?(?:volunteered|participated|took part|competed|performed|went|attended) (?:at|in|to|with) (?:a|an|the|my|our|this) ${V}${END}`), type: 'context', confidence: 0.72 },
  { re: re(`\\bI (?:took|did|am taking|am doing|finished) (?:a|an|my) ((?:[\\w'-]+ ){0,4}(?:course|class|workshop|lessons?|program|programme|training|certification|internship|apprenticeship))\\b`), type: 'context', confidence: 0.75 },
  { re: re(`\\b${I_AM} (?:a )?(?:member of|part of|on) (?:a|an|the|my) ((?:[\\w'-]+ ){0,4}(?:group|club|team|band|choir|league|crew|committee|society|community))\\b`), type: 'context', confidence: 0.75 },
  { re: re(`\\b${I_AM} doing (?!(?:well|good|fine|great|ok|okay|alright|better|badly|it|that|this|my best|a lot|nothing|something|so|too|pretty)\\b)${V}${END}`), type: 'context', confidence: 0.72 },
  // ---- learning and ongoing activities
  { re: re(`\\b${I_AM} (?:learning|studying|practicing|practising|training for|taking up|taking|enrolled in|preparing for) ${V}${END}`), type: 'context', confidence: 0.75 },
  { re: re(`\\b${I_HAVE} (?:also |just |recently |finally )?(?:been|started) ${V}${END}`), type: 'context', confidence: 0.72 },
  { re: re(`\\bI (?:just |recently )?(?:started|began|took up) ${V}${END}`), type: 'context', confidence: 0.72 },
  { re: re(`\\bI volunteer(?: at| for| with)? ${V}${END}`), type: 'context', confidence: 0.75 },
  // ---- hobbies
  { re: re(`\\bI (?:play|go|do|practice|practise) (?:the )?(${V})${END}`), type: 'preference', confidence: 0.75, accept: (m) => !/^(?:to|back|home|out|with|there|here|it|that|this|not|so|you|my best|a lot)\b/i.test(m[1] ?? '') },
  { re: re(`\\bI (?:often |usually |also |sometimes )?(paint|draw|knit|crochet|sew|bake|garden|write [a-z ]{3,20}|sing|dance|swim|hike|surf|ski|skate|cycle|climb|collect [a-z ]{3,30}|run [^.!?;]{1,20}|meditate|fish)\\b[^.!?;]{0,40}${END}`), type: 'preference', confidence: 0.72, value: 0 },
  // ---- what the user is doing or did lately (lowest priority: only when nothing more specific matched)
  { re: re(`\\b${I_AM} (?:currently |still |now |really |also )?(?!(?:going|feeling|thinking|trying|looking|wondering|asking|kidding|listening|hoping|getting|joking|saying|talking|telling|guessing|assuming|waiting|leaving|coming|starting)\\b)([a-z]{3,}ing) ${V}${END}`), type: 'context', confidence: 0.72, value: 0 },
  { re: re(`\\bI (?:just |recently |finally |also )?(?:got|bought|made|painted|wrote|built|created|baked|cooked|finished|visited|tried|adopted|planted|designed|launched|published|recorded|organized|organised|hosted|opened|took|applied to|applied for) (?:a|an|my|some|this|these|our|two|three|new) ${V}${END}`), type: 'context', confidence: 0.72, value: 0 },
  // ---- things
  { re: re(`\\bI (?:drive|ride|use|own) (?:a|an) ${V}${END}`), type: 'context', confidence: 0.72 },
  { re: re(`\\bI (?:don't|do not) (?:have|own) (?:a|an) (car|bike|license|licence|driver's license|driving licence|tv|television|smartphone|phone)\\b`), type: 'context', confidence: 0.75, value: 0 },
];
