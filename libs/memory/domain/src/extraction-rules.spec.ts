import { expandContractions, extractByRules, normalizeChat } from './extractor';
import { factMatches, normalizeFact, scoreExtraction } from './extraction-eval';
import { RULES, slugify } from './extraction-rules';

const facts = (text: string) => extractByRules([{ id: 't', role: 'user', text }]).map((c) => [c.type, c.slot, c.value, c.confidence]);

describe('extraction rules the corpus does not reach', () => {
  it.each([
    ['I had surgery last spring.', ['health', undefined, 'surgery', 0.85]],
    ["I'm bisexual.", ['sexuality', 'sexuality.identity', 'bisexual', 0.9]],
    ['I voted for the Green Party.', ['politics', 'politics.vote', 'Green Party', 0.85]],
    ["I'm a conservative.", ['politics', 'politics.affiliation', 'conservative', 0.85]],
    ['My daughter is called Emma.', ['relationship', 'relationship.daughter.name', 'Emma', 0.85]],
    ["I'm retiring.", ['plan', undefined, 'retiring', 0.75]],
    ['I just joined a climbing gym.', ['context', undefined, 'a climbing gym', 0.75]],
    ['I volunteered at the food bank.', ['context', undefined, 'food bank', 0.72]],
    ["I'm on the school board committee.", ['context', undefined, 'school board committee', 0.75]],
    ["I'm doing kickboxing these days.", ['context', undefined, 'kickboxing these days', 0.72]],
    ["I'm researching local history.", ['context', undefined, 'I am researching local history', 0.72]],
    ['I just painted a mural.', ['context', undefined, 'I just painted a mural', 0.72]],
  ])('%s', (text, expected) => {
    expect(facts(text)).toEqual([expected]);
  });

  it('every rule has a type, a confidence above the 0.7 gate, and a case-insensitive pattern (bar the capitalised vote rule)', () => {
    for (const r of RULES) {
      expect(r.confidence).toBeGreaterThan(0.7);
      expect(r.confidence).toBeLessThanOrEqual(0.95);
      if (r.type !== 'politics' || !r.re.source.includes('[A-Z]')) expect(r.re.flags).toBe('i');
    }
  });
});

describe('what is not a fact', () => {
  it.each([
    'Am I allergic to peanuts?',
    'do you think i should move to berlin',
    'If I had a dog, I would call it Rex.',
    'I wish I spoke French.',
    'Imagine I lived in Tokyo.',
    'My mom says I have asthma.',
    "I'm asking for a friend who lives in Paris.",
    "I'm doing well, thanks.",
    "I'm going.",
    "I'm trying to fix my code.",
    'Call me later.',
    "I'm Sorry.",
    'my dog is old',
    'Suppose I moved to Rome.',
    'I might move to Rome.',
    'Whether I stay in Rome is unclear.',
    'Pretend I am a pilot.',
    'Unless I move to Rome, nothing changes.',
    'He told me I have asthma.',
    'She said I am allergic to nuts.',
    'would I like living in Rome',
    'how do I become a pilot',
  ])('%s', (text) => {
    expect(facts(text)).toEqual([]);
  });
});

describe('chat spelling and clauses', () => {
  it('normalises lower-case chat forms and curly quotes', () => {
    expect(normalizeChat('im sure i dont know, ive got it and i\u2019ll cant wont')).toBe("I'm sure I don't know, I've got it and I'll can't won't");
    expect(normalizeChat('ill be there; ill go')).toBe("I'll be there; I'll go");
    expect(normalizeChat('Im here')).toBe("I'm here");
  });

  it('spells contractions out for matching', () => {
    expect(expandContractions("I'm sure I've seen it, I'll go, I'd like it, I'd seen it, we're off, We've won")).toBe('I am sure I have seen it, I will go, I would like it, I\'d seen it, we are off, We have won');
  });

  it('a name needs a capital unless the whole turn is lower case', () => {
    expect(facts("I'm Sam.")).toEqual([['biography', 'biography.name', 'Sam', 0.85]]);
    expect(facts("I'm sam, and I'm New here.")).toEqual([]);
    expect(facts("hi i'm sam")).toEqual([['biography', 'biography.name', 'sam', 0.85]]);
    expect(facts('i am walking')).toEqual([]); // not a name: -ing, -ed and -ly words never are
  });

  it('splits clauses at a new first-person subject, keeps one fact per clause, skips repeats, user turns only', () => {
    const out = extractByRules([
      { id: 'a', role: 'assistant', text: 'I live in Paris.' },
      { id: 'u', role: 'user', text: "I live in Porto, I'm 30 and I speak Dutch; I live in Porto. Well, I love jazz!" },
    ]);
    expect(out.map((c) => [c.type, c.value, c.text, c.turnIds])).toEqual([
      ['location', 'Porto', 'I live in Porto', ['u']],
      ['biography', '30', "I'm 30", ['u']],
      ['biography', 'Dutch', 'I speak Dutch', ['u']],
      ['preference', 'jazz', 'I love jazz', ['u']],
    ]);
  });

  it('splits at line breaks, semicolons, "because/though/while" and "but now" before a new subject', () => {
    const values = (text: string) => extractByRules([{ id: 't', role: 'user', text }]).map((c) => c.value);
    expect(values('I live in Porto\nI speak Dutch')).toEqual(['Porto', 'Dutch']);
    expect(values('I used to be a chef but now I am a pilot')).toEqual(['pilot']);
    expect(values('I moved to Rome because I love pasta')).toEqual(['Rome', 'pasta']);
    expect(values('I speak Dutch though my wife is called Anna')).toEqual(['Dutch', 'Anna']);
    expect(values('I live in Porto, my dog is called Rex')).toEqual(['Porto', 'Rex']);
  });

  it('"remember that …" raises confidence to 0.95; a forget turn yields nothing', () => {
    expect(facts('Please remember that I love jazz.')).toEqual([['preference', undefined, 'jazz', 0.95]]);
    expect(extractByRules([{ id: 'f', role: 'user', text: 'Forget that I live in Paris.' }])).toEqual([]);
  });

  it('slugs are lower-case words joined by dashes', () => {
    expect(slugify('  High Blood-Pressure! ')).toBe('high-blood-pressure');
  });
});

describe('scoring an extractor against a corpus', () => {
  it('normalises content and matches by type and whole words in order', () => {
    expect(normalizeFact('  The Lakers!! ')).toBe('lakers');
    expect(normalizeFact('My cat, Miso')).toBe('cat miso');
    expect(factMatches({ type: 'relationship', value: 'a cat named Miso', text: '' }, { type: 'relationship', value: 'Miso' })).toBe(true);
    expect(factMatches({ type: 'preference', value: 'a cat named Miso', text: '' }, { type: 'relationship', value: 'Miso' })).toBe(false);
    expect(factMatches({ type: 'relationship', value: 'Misora', text: '' }, { type: 'relationship', value: 'Miso' })).toBe(false);
    expect(factMatches({ type: 'relationship', text: 'I have a cat named Miso' }, { type: 'relationship', value: 'Miso' })).toBe(true);
    expect(factMatches({ type: 'relationship', value: 'x', text: '' }, { type: 'relationship', value: '!!' })).toBe(false);
    expect(factMatches({ type: 'relationship', value: '?!', text: '' }, { type: 'relationship', value: '!!' })).toBe(false); // no content: never a match
  });

  it('counts precision, recall, negatives and errors per category', () => {
    const r = scoreExtraction(
      [
        { split: 's', category: 'job', text: 'a', expect: [{ type: 'work', value: 'nurse' }] },
        { split: 's', category: 'job', text: 'b', expect: [{ type: 'work', value: 'chef' }] },
        { split: 's', category: 'none', text: 'c', expect: [] },
        { split: 's', category: 'none', text: 'd', expect: [] },
      ],
      (t) => (t === 'a' ? [{ text: 'x', type: 'work', confidence: 1, value: 'a nurse', turnIds: [] }] : t === 'c' ? [{ text: 'y', type: 'mood', confidence: 1, value: 'sad', turnIds: [] }] : []),
    );
    expect(r.overall).toEqual({ precision: 0.5, recall: 0.5, truePositives: 1, predicted: 2, expected: 2 });
    expect(Object.keys(r.byCategory).sort()).toEqual(['job', 'none']); // the overall tally is not a category
    expect(r.byCategory['job']).toEqual({ precision: 1, recall: 0.5, truePositives: 1, predicted: 1, expected: 2 });
    expect(r.byCategory['none']).toEqual({ precision: 0, recall: 1, truePositives: 0, predicted: 1, expected: 0 });
    expect(r.negatives).toEqual({ statements: 2, withFacts: 1 });
    expect(r.errors).toEqual([
      { text: 'b', missed: ['work=chef'], wrong: [] },
      { text: 'c', missed: [], wrong: ['mood=sad'] },
    ]);
    expect(scoreExtraction([], () => []).overall).toEqual({ precision: 1, recall: 1, truePositives: 0, predicted: 0, expected: 0 });
  });
});
