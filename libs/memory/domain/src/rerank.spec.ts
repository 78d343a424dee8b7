import { Bm25Index, docTerms } from './bm25';
import {
  DEFAULT_RERANK_MODEL,
  parseCandidate,
  queryCues,
  carryTextMemos,
  poolRanks,
  rankFeature,
  RERANK_FEATURES,
  rerankCandidates,
  rerankFeatures,
  rerankLogit,
  rerankRelevance,
  sigmoid,
  splitEpisodeText,
  type RerankCandidate,
  type RerankFeature,
  type RerankModel,
} from './rerank';

const F = (name: RerankFeature) => RERANK_FEATURES.indexOf(name);
const ep = (text: string, cosine: number, lexical?: number): RerankCandidate => ({ text, episode: true, cosine, ...(lexical !== undefined ? { lexical } : {}) });
const zero = Object.fromEntries(RERANK_FEATURES.map((f) => [f, 0])) as Record<RerankFeature, number>;
const only = (over: Partial<Record<RerankFeature, number>>, bias = 0): RerankModel => ({ bias, weights: { ...zero, ...over } });

describe('queryCues', () => {
  it('content terms (stemmed, stop words out, distinct)', () => {
    expect(queryCues('What books did Caroline read, books?').terms).toEqual(['book', 'caroline', 'read']);
    expect(queryCues('').terms).toEqual([]);
  });
  it('names: capitalised words that are not question or sentence words, stemmed, possessive dropped', () => {
    expect([...queryCues("What did Caroline's brother Jon paint in Paris?").names].sort()).toEqual(['caroline', 'jon', 'pari']);
    expect([...queryCues('When Did The Dog Run?').names]).toEqual(['dog', 'run']);
    expect(queryCues('What should I cook? Any ideas? Please, Tell me. Thanks').names.size).toBe(0);
    expect(queryCues('what did caroline paint').names.size).toBe(0);
    expect([...queryCues('Did Melanie’s kids visit?').names]).toEqual(['melanie']);
  });
  it('asksWhen: when, what/which year/month/day/date/time, how long', () => {
    for (const q of ['When did she move?', 'what YEAR was it', 'Which month did they go?', 'What date is the party?', 'What time does it start', 'How long has he worked there?', 'which day?'])
      expect(queryCues(q).asksWhen).toBe(true);
    for (const q of ['What did she paint?', 'Where does he work?', 'whenever', 'How many kids?']) expect(queryCues(q).asksWhen).toBe(false);
  });
});

describe('splitEpisodeText', () => {
  it('date and speaker header off, speaker kept', () => {
    expect(splitEpisodeText('[8 May 2023] Caroline: I went to a support group.')).toEqual({ speaker: 'Caroline', body: 'I went to a support group.' });
    expect(splitEpisodeText('Mary Ann: hi there')).toEqual({ speaker: 'Mary Ann', body: 'hi there' });
  });
  it('speaker edges: no space after the date, digits in the name, a space before the colon', () => {
    expect(splitEpisodeText('[8 May 2023]Bo: hi')).toEqual({ speaker: 'Bo', body: 'hi' });
    expect(splitEpisodeText('R2D2: beep')).toEqual({ speaker: 'R2D2', body: 'beep' });
    expect(splitEpisodeText('Bo : hi')).toEqual({ speaker: 'Bo', body: 'hi' });
  });
  it('no header: the whole text (less any date) is the body', () => {
    expect(splitEpisodeText('[8 May 2023] I went home')).toEqual({ body: 'I went home' });
    expect(splitEpisodeText('Note that 10:30 works')).toEqual({ body: 'Note that 10:30 works' });
    expect(splitEpisodeText('a'.repeat(41) + ': x')).toEqual({ body: 'a'.repeat(41) + ': x' });
    expect(splitEpisodeText('Ann:no space')).toEqual({ body: 'Ann:no space' });
    expect(splitEpisodeText('  [d] Bo: x')).toEqual({ body: '  [d] Bo: x' });
  });
});

describe('parseCandidate', () => {
  it('an episode: speaker tokens, body term frequencies, time and question marks', () => {
    const p = parseCandidate('[8 May 2023] Caroline: Last week I painted, painted a lake?', true);
    expect(p.speaker).toEqual(['caroline']);
    expect(Object.entries(p.tf)).toEqual([
      ['last', 1],
      ['week', 1],
      ['paint', 2],
      ['lake', 1],
    ]);
    expect(p.length).toBe(5);
    expect([p.time, p.question]).toEqual([1, 1]);
  });
  it('a fact keeps its text whole (no speaker); no time, no question', () => {
    const p = parseCandidate('Caroline: loves pottery', false);
    expect(p.speaker).toBeUndefined();
    expect(Object.keys(p.tf)).toEqual(['caroline', 'lov', 'pottery']);
    expect(p.tf['constructor']).toBeUndefined();
    expect([p.time, p.question]).toEqual([0, 0]);
  });
  it('kept beside its key object while the text and tier are the same; without a key, parsed afresh', () => {
    const row = {};
    const a = parseCandidate('Bo: went to Rome in 2019', true, row);
    expect(parseCandidate('Bo: went to Rome in 2019', true, row)).toBe(a);
    expect(parseCandidate('Bo: went to Rome in 2019', true)).not.toBe(a);
    expect(parseCandidate('Bo: went to Rome in 2019', true)).toEqual(a);
    const fact = parseCandidate('Bo: went to Rome in 2019', false, row);
    expect(fact).not.toBe(a);
    expect(fact.speaker).toBeUndefined();
    const changed = parseCandidate('Bo: went to Oslo', false, row);
    expect(Object.keys(changed.tf)).toEqual(['bo', 'went', 'oslo']);
    expect(a.time).toBe(1);
  });
});

describe('carryTextMemos', () => {
  it('a copy of a row gets the row\'s parse and BM25 terms (the same objects); another text is read afresh; nothing to carry is a no-op', () => {
    const row = {};
    const parsed = parseCandidate('[1 May 2023] Bo: went to Rome in 2019', true, row);
    const terms = docTerms('Bo went to Rome', row);
    const copy = {};
    carryTextMemos(row, copy);
    expect(parseCandidate('[1 May 2023] Bo: went to Rome in 2019', true, copy)).toBe(parsed);
    expect(docTerms('Bo went to Rome', copy)).toBe(terms);
    expect(Object.keys(parseCandidate('Bo: went to Oslo', true, copy).tf)).toEqual(['went', 'oslo']);
    expect([...docTerms('Bo went to Oslo', copy).tf.keys()]).toEqual(['bo', 'went', 'oslo']);
    const bare = {};
    carryTextMemos({}, bare);
    expect(parseCandidate('Bo: went to Rome in 2019', true, bare)).not.toBe(parsed);
    expect(docTerms('Bo went to Rome', bare)).not.toBe(terms);
  });
});

describe('rankFeature', () => {
  it('10 / (10 + rank), best first, ties share the better rank', () => {
    expect(rankFeature([0.2, 0.9, 0.2, 0.5])).toEqual([10 / 12, 1, 10 / 12, 10 / 11]);
    expect(rankFeature([3, 2, 1])).toEqual([1, 10 / 11, 10 / 12]);
    expect(rankFeature([])).toEqual([]);
    expect(poolRanks([0.2, 0.9, 0.2, 0.5, 0.1])).toEqual([2, 0, 2, 1, 4]);
    expect(poolRanks([])).toEqual([]);
  });
});

describe('rerankFeatures', () => {
  const pool = [
    ep('[8 May 2023] Caroline: I adopted a puppy named Max last week', 0.6, 0.5),
    ep('[8 May 2023] Melanie: Caroline, what did you adopt?', 0.8, 1),
    { text: 'Caroline adopted a puppy', episode: false, cosine: -0.2 },
  ];
  const cues = queryCues('When did Caroline adopt the puppy?');
  const xs = rerankFeatures(pool, cues);

  it('one vector per candidate, one value per feature', () => {
    expect(xs).toHaveLength(3);
    for (const x of xs) expect(x).toHaveLength(RERANK_FEATURES.length);
    expect(rerankFeatures([], cues)).toEqual([]);
  });
  it('index scores: cosine floored at 0, lexical clamped to [0, 1] (absent 0), their ranks', () => {
    expect(xs.map((x) => x[F('cosine')])).toEqual([0.6, 0.8, 0]);
    expect(xs.map((x) => x[F('lexical')])).toEqual([0.5, 1, 0]);
    expect(xs.map((x) => x[F('denseRank')])).toEqual([10 / 11, 1, 10 / 12]);
    expect(xs.map((x) => x[F('lexicalRank')])).toEqual([10 / 11, 1, 10 / 12]);
    const clamped = rerankFeatures([ep('a b', 0.5, 7), ep('c d', 0.5, -1)], cues);
    expect(clamped.map((x) => x[F('lexical')])).toEqual([1, 0]);
  });
  it('own: BM25 of the query over the pool bodies (speaker and date out), normalised by the best — the numbers of a Bm25Index over the same bodies', () => {
    const bodies = ['I adopted a puppy named Max last week', 'Caroline, what did you adopt?', 'Caroline adopted a puppy'];
    const idx = new Bm25Index();
    bodies.forEach((b, i) => idx.add(String(i), b));
    const raw = new Map(idx.search('When did Caroline adopt the puppy?', 10).map((h) => [Number(h.id), h.score]));
    const max = Math.max(...raw.values());
    xs.forEach((x, i) => expect(x[F('own')]).toBeCloseTo((raw.get(i) ?? 0) / max, 12));
    expect(xs[2]?.[F('own')]).toBe(1);
    expect(xs.map((x) => x[F('ownRank')])).toEqual([10 / 12, 10 / 11, 1]);
  });
  it('own with repeated terms and the best candidate not last: still the Bm25Index numbers over the bodies', () => {
    const texts = ['Bo: puppy puppy puppy training today', 'Al: a puppy', 'Cy: training the puppy to sit, puppy treats', 'Di: nothing here'];
    const idx = new Bm25Index();
    texts.forEach((t, i) => idx.add(String(i), t.slice(4)));
    const q = 'puppy training';
    const raw = new Map(idx.search(q, 10).map((h) => [Number(h.id), h.score]));
    const max = Math.max(...raw.values());
    const got = rerankFeatures(texts.map((t) => ep(t, 0.1)), queryCues(q));
    got.forEach((x, i) => expect(x[F('own')]).toBeCloseTo((raw.get(i) ?? 0) / max, 12));
    expect(got.map((x) => x[F('own')]).indexOf(1)).toBeLessThan(3);
  });
  it('a speaker whose name is only stop words names no one: someone else when a name is asked', () => {
    const x = rerankFeatures([ep('I: went home', 0)], queryCues('What did Bo say?'))[0];
    expect([x?.[F('speakerAsked')], x?.[F('speakerOther')]]).toEqual([0, 1]);
  });
  it('own is 0 everywhere when no body holds a query term', () => {
    const none = rerankFeatures([ep('Bo: hello there', 0.1), ep('Al: good morning', 0.2)], queryCues('pottery class'));
    expect(none.map((x) => x[F('own')])).toEqual([0, 0]);
    expect(none.map((x) => x[F('coverage')])).toEqual([0, 0]);
  });
  it('coverage: share of the query terms in the body', () => {
    // query terms: caroline, adopt, puppy
    expect(cues.terms).toEqual(['caroline', 'adopt', 'puppy']);
    expect(xs.map((x) => x[F('coverage')])).toEqual([2 / 3, 2 / 3, 1]);
    expect(rerankFeatures([ep('Bo: x', 0)], queryCues('the'))[0]?.[F('coverage')]).toBe(0);
  });
  it('speaker: asked about, someone else while names are asked, or neither', () => {
    expect(xs.map((x) => [x[F('speakerAsked')], x[F('speakerOther')]])).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    // no names in the query: neither
    const plain = rerankFeatures([ep('Melanie: I paint', 0)], queryCues('what does she paint'));
    expect([plain[0]?.[F('speakerAsked')], plain[0]?.[F('speakerOther')]]).toEqual([0, 0]);
    // a two-word speaker counts only when every word is asked about
    const two = rerankFeatures([ep('Mary Ann: I paint', 0)], queryCues('What does Mary paint?'));
    expect([two[0]?.[F('speakerAsked')], two[0]?.[F('speakerOther')]]).toEqual([0, 1]);
    const both = rerankFeatures([ep('Mary Ann: I paint', 0)], queryCues('What do Mary Ann paint?'));
    expect(both[0]?.[F('speakerAsked')]).toBe(1);
  });
  it('nameInText: share of the query names in the body', () => {
    expect(xs.map((x) => x[F('nameInText')])).toEqual([0, 1, 1]);
    const half = rerankFeatures([ep('Bo: Jon and I went', 0)], queryCues('Did Jon meet Ann?'));
    expect(half[0]?.[F('nameInText')]).toBe(0.5);
  });
  it('time words (whenTime only for a when question), question mark', () => {
    expect(xs.map((x) => x[F('timeWords')])).toEqual([1, 0, 0]);
    expect(xs.map((x) => x[F('whenTime')])).toEqual([1, 0, 0]);
    const notWhen = rerankFeatures(pool, queryCues('What did Caroline adopt?'));
    expect(notWhen.map((x) => x[F('whenTime')])).toEqual([0, 0, 0]);
    expect(notWhen.map((x) => x[F('timeWords')])).toEqual([1, 0, 0]);
    expect(xs.map((x) => x[F('question')])).toEqual([0, 1, 0]);
  });
});

describe('the model', () => {
  it('logit: bias + w·x; sigmoid', () => {
    const x = RERANK_FEATURES.map((_, k) => k + 1);
    expect(rerankLogit(x, only({}, -2))).toBe(-2);
    expect(rerankLogit(x, only({ cosine: 2, question: -1 }, 0.5))).toBeCloseTo(0.5 + 2 * 1 - 1 * RERANK_FEATURES.length, 12);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 12);
  });
  it('relevance: σ(logit) of each candidate', () => {
    const pool = [ep('Ann: I like tea', 0.3, 0.2), ep('Bo: coffee please', 0.9, 0)];
    const m = only({ cosine: 4, lexical: 1 }, -1);
    expect(rerankRelevance(pool, 'tea', m)).toEqual([sigmoid(-1 + 4 * 0.3 + 0.2), sigmoid(-1 + 4 * 0.9)]);
  });
  it('the shipped model weighs every feature with a finite number', () => {
    for (const f of RERANK_FEATURES) expect(Number.isFinite(DEFAULT_RERANK_MODEL.weights[f])).toBe(true);
    expect(Object.keys(DEFAULT_RERANK_MODEL.weights).sort()).toEqual([...RERANK_FEATURES].sort());
    // the shipped weights (LoCoMo dev, all six conversations; docs/benchmarks/memory-retrieval.md)
    expect(DEFAULT_RERANK_MODEL).toEqual({
      bias: -7.04,
      weights: { cosine: 0.8, lexical: 2.65, own: 0.26, denseRank: 1.28, lexicalRank: 1.86, ownRank: 0.76, coverage: 1.93, speakerAsked: -0.46, speakerOther: -3.18, nameInText: -0.39, whenTime: 0.18, timeWords: 0.87, question: -0.56 },
    });
    // what it learned on LoCoMo: lexical evidence up, another speaker than the one asked about down
    expect(DEFAULT_RERANK_MODEL.weights.lexical).toBeGreaterThan(0);
    expect(DEFAULT_RERANK_MODEL.weights.speakerOther).toBeLessThan(0);
  });
  it('rerankCandidates: each candidate with its rerank relevance, the rest kept; the default model unless given', () => {
    const cands = [
      { memory: { text: '[1 May 2023] Ann: I adopted a cat named Miso', type: 'episode', id: 'a' }, cosine: 0.4, lexical: 1 },
      { memory: { text: 'Ann has a cat', type: 'relationship', id: 'b' }, cosine: 0.5 },
    ];
    const q = 'What is the name of Ann’s cat?';
    const out = rerankCandidates(cands, q);
    expect(out.map((c) => c.memory.id)).toEqual(['a', 'b']);
    expect(out[1]).not.toHaveProperty('lexical');
    expect(out.map((c) => c.rerank)).toEqual(rerankRelevance([ep(cands[0]?.memory.text as string, 0.4, 1), { text: 'Ann has a cat', episode: false, cosine: 0.5 }], q, DEFAULT_RERANK_MODEL));
    const m = only({ speakerOther: -3, cosine: 1 });
    // a fact has no speaker: only the episode is someone else's when a name is asked (here none is: "Ann" is the speaker)
    expect(rerankCandidates(cands, q, m).map((c) => c.rerank)).toEqual([sigmoid(0.4), sigmoid(0.5)]);
    expect(rerankCandidates(cands, 'What did Bo say?', m).map((c) => c.rerank)).toEqual([sigmoid(0.4 - 3), sigmoid(0.5)]);
  });
});
