import { extractByRules } from './extractor';
import type { Candidate } from './memory';
import { formatProfileBlock } from './profile';
import { dietaryFactForQuery, isExplicitSelfStatement, screenSensitive, sensitiveTopicOf, sensitiveTopicsOf, type SensitiveTopic } from './sensitive';
import type { Turn } from './significance';

/** Explicit first-person assertions: stored under the default policy. */
const EXPLICIT: Array<[string, SensitiveTopic]> = [
  ['I have diabetes', 'health'],
  ['I have type 2 diabetes.', 'health'],
  ["I'm allergic to peanuts", 'health'],
  ['I was diagnosed with ADHD last year', 'health'],
  ['I suffer from migraines', 'health'],
  ['I live with chronic pain', 'health'],
  ["I'm pregnant!", 'health'],
  ['I take insulin every morning', 'health'],
  ['Honestly, I have anxiety', 'health'],
  ['My diagnosis is bipolar disorder', 'health'],
  ["I'm Catholic", 'religion'],
  ['I am a Muslim', 'religion'],
  ["I'm Jewish and I keep kosher", 'religion'],
  ['I identify as agnostic', 'religion'],
  ['I am an atheist.', 'religion'],
  ['I consider myself Buddhist', 'religion'],
  ['I practise Hinduism', 'religion'],
  ['My religion is Sikhism', 'religion'],
  ["I'm gay", 'sexuality'],
  ['I am bisexual.', 'sexuality'],
  ['I identify as queer', 'sexuality'],
  ['I came out as lesbian in college', 'sexuality'],
  ["I'm straight", 'sexuality'],
  ['I am asexual', 'sexuality'],
  ['I vote for the Green Party', 'politics'],
  ['I always vote Labour', 'politics'],
  ["I'm a Democrat", 'politics'],
  ['I am a Republican', 'politics'],
  ['I support the Labour Party', 'politics'],
  ['My politics are left-wing', 'politics'],
];

/** Not explicit self-statements: inferred, about someone else, asked, hedged, reported or negated. */
const NOT_EXPLICIT: Array<[string, SensitiveTopic]> = [
  ['I went to church on Sunday', 'religion'],
  ['We had dinner near the mosque', 'religion'],
  ['My friend is religious', 'religion'],
  ['My mom is a devout Catholic', 'religion'],
  ['Am I too old to become a Christian?', 'religion'],
  ['Maybe I am Buddhist at heart', 'religion'],
  ["I'm not religious", 'religion'],
  ['I read the Bible for a literature class', 'religion'],
  ['My brother is gay', 'sexuality'],
  ['I think I might be bisexual', 'sexuality'],
  ['Is it normal that I am queer?', 'sexuality'],
  ['She told me I was gay', 'sexuality'],
  ['I watched a documentary about coming out', 'sexuality'],
  ['My doctor thinks I have diabetes', 'health'],
  ['What if I have cancer?', 'health'],
  ['My dad has high blood pressure', 'health'],
  ['I went to the pharmacy to pick up my aunt\'s insulin', 'health'],
  ['I wonder if I have ADHD', 'health'],
  ['Do I have asthma?', 'health'],
  ['I probably have a gluten intolerance', 'health'],
  ['My sister votes for the Green Party', 'politics'],
  ['I watched the Republican debate', 'politics'],
  ['If I voted for Labour, would it matter?', 'politics'],
  ['My neighbour says I am a socialist', 'politics'],
  ["I don't vote for the Democrats", 'politics'],
];

const turn = (text: string, id = 't1', role: Turn['role'] = 'user'): Turn => ({ id, role, text });
const candidate = (text: string, type: Candidate['type'], turnIds = ['t1']): Candidate => ({ text, type, confidence: 0.9, turnIds });

describe('sensitive attributes: explicit self-statements only (corpus of phrasings on both sides)', () => {
  it.each(EXPLICIT)('stated explicitly: "%s" (%s)', (text, topic) => {
    expect(isExplicitSelfStatement(text, topic)).toBe(true);
    const screened = screenSensitive([candidate(text, topic)], [turn(text)]);
    expect(screened.kept.map((c) => c.type)).toEqual([topic]);
  });

  it.each(NOT_EXPLICIT)('not stated explicitly: "%s" (%s)', (text, topic) => {
    expect(isExplicitSelfStatement(text, topic)).toBe(false);
    // whatever an extractor (an LLM) made of it, typed sensitive or not, it is not stored
    expect(screenSensitive([candidate(text, topic)], [turn(text)]).kept).toEqual([]);
    expect(screenSensitive([candidate(text, 'context')], [turn(text)]).kept).toEqual([]);
  });

  it('drops what an LLM inferred from a neutral turn, and a fact whose source states another topic word', () => {
    const turns = [turn('I went to church on Sunday with my grandmother.', 'a'), turn("I'm Catholic. My brother is gay.", 'b')];
    const out = screenSensitive(
      [
        candidate('The user is Christian', 'religion', ['a']), // inferred from church
        candidate('I am gay', 'sexuality', ['b']), // said of the brother
        candidate("I'm Catholic", 'religion', ['b']), // stated
        candidate('User prays regularly', 'context', ['a']), // typed as context, still religion
      ],
      turns,
    );
    expect(out.kept.map((c) => c.text)).toEqual(["I'm Catholic"]);
    expect(out.dropped.map((d) => d.topic)).toEqual(['religion', 'sexuality', 'religion']);
  });

  it('only the user role counts: the assistant saying it is not the user stating it', () => {
    const turns = [turn('You have diabetes, right?', 'x', 'assistant'), turn('I have diabetes', 'y', 'assistant')];
    expect(screenSensitive([candidate('I have diabetes', 'health', ['y'])], turns).kept).toEqual([]);
  });

  it('per-tenant policy: allow keeps inferences (retyped), never drops even explicit ones, explicit-only is the default', () => {
    const turns = [turn('I went to church. I have asthma.')];
    const cands = [candidate('I went to church', 'context'), candidate('I have asthma', 'health'), candidate('I like jazz', 'preference')];
    expect(screenSensitive(cands, turns, 'allow').kept.map((c) => [c.text, c.type])).toEqual([
      ['I went to church', 'religion'],
      ['I have asthma', 'health'],
      ['I like jazz', 'preference'],
    ]);
    expect(screenSensitive(cands, turns, 'never').kept.map((c) => c.text)).toEqual(['I like jazz']);
    expect(screenSensitive(cands, turns).kept.map((c) => c.text)).toEqual(['I have asthma', 'I like jazz']);
  });

  it('the rule extractor finds explicit statements and the screen keeps them; its matches inside reported speech are dropped', () => {
    const turns = [turn("I'm Catholic. I vote for the Green Party. I'm bisexual. My doctor thinks I have diabetes. I love hiking.")];
    const found = extractByRules(turns);
    expect(found.map((c) => c.type)).toEqual(expect.arrayContaining(['religion', 'politics', 'sexuality', 'health', 'preference']));
    const kept = screenSensitive(found, turns).kept;
    expect(kept.map((c) => c.type).sort()).toEqual(['politics', 'preference', 'religion', 'sexuality']);
  });

  it('never in the profile block unless the query is about that topic', () => {
    const facts = [candidate('I have asthma', 'health'), candidate("I'm Catholic", 'religion'), candidate('I like jazz', 'preference')];
    const plain = formatProfileBlock(facts, undefined, { includeTopics: sensitiveTopicsOf('What should I cook tonight?') });
    expect(plain).not.toMatch(/asthma|Catholic/);
    expect(plain).toMatch(/jazz/);
    const health = formatProfileBlock(facts, undefined, { includeTopics: sensitiveTopicsOf('Is it safe for my asthma to run in the cold?') });
    expect(health).toMatch(/asthma/);
    expect(health).not.toMatch(/Catholic/);
    expect(sensitiveTopicsOf('Any church services near me this Sunday?')).toEqual(['religion']);
    expect(sensitiveTopicsOf('Recommend a movie')).toEqual([]);
  });

  it('a dietary health fact (allergy, intolerance) joins the block for a food question only; other health facts do not', () => {
    const facts = [candidate("I'm allergic to shellfish", 'health'), candidate('I have asthma', 'health'), candidate('I am lactose intolerant', 'health')];
    const q = 'Suggest a dinner for me tonight';
    const food = formatProfileBlock(facts, undefined, { includeTopics: sensitiveTopicsOf(q), query: q });
    expect(food).toMatch(/shellfish/);
    expect(food).toMatch(/lactose/);
    expect(food).not.toMatch(/asthma/);
    const movie = 'Recommend a movie';
    expect(formatProfileBlock(facts, undefined, { includeTopics: sensitiveTopicsOf(movie), query: movie })).not.toMatch(/shellfish|lactose|asthma/);
    expect(dietaryFactForQuery("I'm allergic to peanuts", 'What can I cook with these ingredients?')).toBe(true);
    expect(dietaryFactForQuery("I'm allergic to peanuts", 'Which restaurant tonight?')).toBe(true);
    expect(dietaryFactForQuery('I have asthma', 'What should I eat?')).toBe(false);
    expect(dietaryFactForQuery("I'm allergic to cats", 'Plan my weekend')).toBe(false);
  });

  it('a text touches a topic by its words; a neutral text none', () => {
    expect(sensitiveTopicOf({ text: 'I pray every morning', type: 'context' })).toBe('religion');
    expect(sensitiveTopicOf({ text: 'I work at Acme', type: 'work' })).toBeNull();
    expect(sensitiveTopicOf({ text: 'anything', type: 'sexuality' })).toBe('sexuality');
  });
});
