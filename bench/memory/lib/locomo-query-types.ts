/**
 * Experiment of issue 14's fifth pass, not shipped (no cross-validated gain): what kind of thing a
 * question asks for. List and "what kind of" questions ("What martial arts has John done?", "Which
 * cities has Jon visited?") share no word with the turns that answer them ("I'm off to do some
 * taekwondo!", "a short trip to Rome"). A small static lexicon maps the category the question names
 * to words that are instances of it; `locomo-tune.ts --pool-mode expand|extra` adds them to the
 * lexical query or searches them in a second call whose new hits join the pool. Evidence inside the
 * pool of 100 rose 90.8 → 91.2 / 91.5 %, the cross-validated recall did not (77.7 → 77.4 / 77.6).
 */
import { tokenize } from '@frontier/memory-domain';

/** A category: the words that name it in a question, and words that are instances of it. */
interface QueryType {
  name: string;
  /** Words (or `a b` pairs of consecutive words) that name the category in a question (tokenised like the question). */
  cues: readonly string[];
  /** Instances, as text (tokenised like everything else). */
  instances: string;
}

const SPORTS = 'yoga pilates running jogging swimming cycling biking hiking gym weightlifting kickboxing boxing taekwondo karate judo crossfit tennis basketball soccer football baseball volleyball golf surfing skiing snowboarding climbing rowing dancing marathon workout skating hockey';
const CRAFTS = 'painting pottery drawing sketching knitting sewing crochet woodworking photography sculpture clay canvas';
const PASTIMES = 'reading writing cooking baking gardening camping fishing singing guitar piano violin drums gaming games movies concert museum volunteering travel road trip beach park picnic festival';

const TYPES: readonly QueryType[] = [
  { name: 'martial-arts', cues: ['martial', 'martial art'], instances: 'kickboxing boxing taekwondo karate judo jiu jitsu kung fu aikido mma wrestling' },
  { name: 'sport', cues: ['sport', 'exercise', 'workout', 'fitness', 'physical'], instances: SPORTS },
  { name: 'activity', cues: ['activity', 'hobby', 'hobbies', 'interest', 'pastime', 'fun', 'free time', 'creative', 'art', 'artistic'], instances: `${SPORTS} ${CRAFTS} ${PASTIMES}` },
  { name: 'country', cues: ['country', 'countries', 'european', 'abroad', 'nation'], instances: 'spain england france italy germany canada mexico japan china india brazil sweden norway greece portugal ireland scotland netherlands amsterdam switzerland austria thailand vietnam korea australia egypt morocco turkey peru argentina chile colombia iceland denmark finland poland russia uk britain london paris rome tokyo europe asia africa' },
  { name: 'city', cues: ['city', 'cities', 'town', 'place', 'visit'], instances: 'rome paris london tokyo berlin madrid barcelona york chicago boston seattle miami vegas angeles francisco portland denver austin nashville orleans toronto vancouver montreal sydney dublin amsterdam prague vienna venice florence milan lisbon athens istanbul bangkok seoul kyoto' },
  { name: 'state', cues: ['state'], instances: 'alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont virginia washington wisconsin wyoming' },
  { name: 'pet', cues: ['pet', 'animal'], instances: 'dog dogs puppy pup cat cats kitten turtle turtles fish hamster rabbit bunny bird parrot horse snake lizard guinea' },
  { name: 'instrument', cues: ['instrument', 'music', 'musical', 'play'], instances: 'guitar piano violin drums ukulele saxophone flute cello clarinet trumpet harmonica bass keyboard' },
  { name: 'food', cues: ['food', 'dish', 'recipe', 'dessert', 'meal', 'eat', 'cook', 'bake'], instances: 'cake cookies pie pasta pizza bread soup salad curry tacos sushi ice cream chocolate muffins cupcakes brownies smoothie pancakes lasagna' },
  { name: 'book', cues: ['book', 'novel', 'read', 'author'], instances: 'book books novel novels reading author series' },
  { name: 'family', cues: ['child', 'children', 'kid', 'family', 'son', 'daughter'], instances: 'son daughter kids children husband wife brother sister mom dad' },
];

interface CompiledType {
  name: string;
  single: ReadonlySet<string>;
  pairs: ReadonlySet<string>;
  instances: readonly string[];
}

const [ART, MARTIAL] = [tokenize('art')[0] as string, tokenize('martial')[0] as string];

const COMPILED: readonly CompiledType[] = TYPES.map((t) => ({
  name: t.name,
  single: new Set(t.cues.filter((c) => !c.includes(' ')).flatMap((c) => tokenize(c))),
  pairs: new Set(t.cues.filter((c) => c.includes(' ')).map((c) => tokenize(c).join(' '))),
  instances: [...new Set(tokenize(t.instances))],
}));

/** The categories a question names (by their names, in lexicon order) and the stemmed instance words they bring. */
export interface QueryTypes {
  types: string[];
  /** Distinct stemmed instance words (none of the question's own terms). */
  terms: string[];
}

/** Only questions: a statement or a command names no category to look for. */
const QUESTION = /\?|^\s*(what|which|who|where|how|list|name)\b/i;

/**
 * The categories `query` asks about and their instance words. A category counts when a cue word
 * (stemmed) or a cue pair of consecutive words is in a question; "art" alone does not trigger
 * "activity" when "martial" precedes it.
 */
export function queryTypes(query: string): QueryTypes {
  if (!QUESTION.test(query)) return { types: [], terms: [] };
  const tokens = tokenize(query);
  const own = new Set(tokens);
  const pairs = new Set<string>();
  for (let i = 1; i < tokens.length; i++) pairs.add(`${tokens[i - 1]} ${tokens[i]}`);
  const types: string[] = [];
  const terms = new Set<string>();
  for (const t of COMPILED) {
    let hit = false;
    for (const p of t.pairs) if (pairs.has(p)) hit = true;
    if (!hit) for (const w of tokens) if (t.single.has(w) && !(w === ART && own.has(MARTIAL))) hit = true;
    if (!hit) continue;
    types.push(t.name);
    for (const w of t.instances) if (!own.has(w)) terms.add(w);
  }
  return { types, terms: [...terms] };
}
