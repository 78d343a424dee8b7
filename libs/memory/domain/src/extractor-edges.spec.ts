import type { Turn } from './significance';
import { confidentOnly, extractByRules, lowConfidenceReason, noFactReason, ruleBasedExtractor } from './extractor';

// Edges of the rule-based extractor that the corpus never reaches (issue 14, test strength): chat
// spacing and punctuation, the question / reported-speech / "remember that" gates, discourse
// markers, the extractor's id and the confidence gate's helpers.
const user = (text: string, extra: Partial<Turn> = {}): Turn => ({ id: 't', role: 'user', text, ...extra });
const extract = (text: string) => extractByRules([user(text)]);
const values = (text: string) => extract(text).map((c) => c.value);
const texts = (text: string) => extract(text).map((c) => c.text);
const facts = (text: string) => extract(text).map((c) => [c.type, c.value, c.confidence, c.text]);

describe('clause splitting', () => {
  it.each([
    ['extra spaces after the conjunction', 'I live in Oslo and  I love jazz', ['I live in Oslo', 'I love jazz']],
    ['extra spaces after "now"', 'I used to be a chef but now  I am a pilot', ['I am a pilot']],
    ['extra spaces after "then"', 'I grew up in Rome and then  I moved to Oslo', ['I grew up in Rome', 'I moved to Oslo']],
    ['extra spaces after "also"', 'I speak Dutch and also  I love jazz', ['I speak Dutch', 'I love jazz']],
    ['no space after a semicolon', 'I live in Oslo;I love jazz', ['I live in Oslo', 'I love jazz']],
    ['extra spaces after a comma before "my"', 'I live in Porto,  my dog is called Rex', ['I live in Porto', 'my dog is called Rex']],
  ])('splits at a new subject despite %s', (_, text, expected) => {
    expect(texts(text)).toEqual(expected);
  });

  it('"but then" and "and also" start a new clause: each fact keeps only its own words', () => {
    expect(texts('I grew up in Rome but then I moved to Oslo')).toEqual(['I grew up in Rome', 'I moved to Oslo']);
    expect(texts('I speak Dutch and also I love jazz')).toEqual(['I speak Dutch', 'I love jazz']);
  });

  it('keeps a clause whole when the conjunction joins no new first-person subject', () => {
    expect(texts('I love rock and roll')).toEqual(['I love rock and roll']);
    expect(values('I love rock and roll')).toEqual(['rock and roll']);
  });

  it('trims the clause: leading blanks, every trailing stop, comma or blank', () => {
    expect(facts('   I love jazz')).toEqual([['preference', 'jazz', 0.75, 'I love jazz']]);
    expect(facts('  I am Sam')).toEqual([['biography', 'Sam', 0.85, 'I am Sam']]);
    expect(facts('I love jazz!!!')).toEqual([['preference', 'jazz', 0.75, 'I love jazz']]);
    expect(facts('I love jazz?!.,  ')).toEqual([['preference', 'jazz', 0.75, 'I love jazz']]);
  });

  it('the value is trimmed of the blanks around it', () => {
    expect(values('I love  jazz')).toEqual(['jazz']);
  });

  it('punctuation inside a clause stays in the fact text', () => {
    expect(texts("I'm vegan...mostly")).toEqual(["I'm vegan...mostly"]);
  });
});

describe('questions state nothing', () => {
  it('a question mark at the end makes a question, whatever the first word', () => {
    expect(extract('You know I live in Paris?')).toEqual([]);
  });

  it('a question word at the start makes a question without its question mark, even indented', () => {
    expect(extract("is it true I'm allergic to nuts")).toEqual([]);
    expect(extract("I live in Oslo\n   do you think I'm vegan")).toEqual([extract('I live in Oslo')[0]]);
  });

  it('a question mark inside the sentence, not at its end, does not make it one', () => {
    expect(facts("I'm vegan, who knew?!")).toEqual([['preference', 'vegan', 0.9, "I'm vegan, who knew"]]);
  });
});

describe('reported and borrowed facts are skipped', () => {
  it('"asking for a friend" marks the clause as not about the user', () => {
    expect(extract("Asking for a friend: I'm allergic to peanuts")).toEqual([]);
    expect(extract('asking for my sister: I live in Paris')).toEqual([]);
  });

  it('the same clause without the marker is a fact', () => {
    expect(values("I'm allergic to peanuts")).toEqual(['peanuts']);
  });
});

describe('"remember that …"', () => {
  it.each([
    ['no space after the colon', "Remember this:I'm vegan"],
    ['a dash', 'Keep in mind that - I am vegan'],
    ['no punctuation', 'note that I am vegan'],
  ])('extracts what follows, at confidence 0.95, with %s', (_, text) => {
    const [c] = extract(text);
    expect([c?.value, c?.confidence]).toEqual(['vegan', 0.95]);
    expect(c?.text).toMatch(/^I(?:'m| am) vegan$/);
  });

  it('a remembered question is still stored', () => {
    expect(facts('Can you remember that I live in Oslo?')).toEqual([['location', 'Oslo', 0.95, 'I live in Oslo']]);
  });
});

describe('leading discourse markers', () => {
  it.each(['yeah I love jazz', 'Well, I love jazz', 'so I love jazz', 'btw, I love jazz', 'Anyway I love jazz', 'Well,  I love jazz'])('"%s" is stored as "I love jazz"', (text) => {
    expect(texts(text)).toEqual(['I love jazz']);
  });
});

describe('one fact per clause, deduplicated case-insensitively', () => {
  it('the same statement twice, in other cases, is stored once', () => {
    expect(texts('I love jazz. i LOVE JAZZ! I love Jazz')).toEqual(['I love jazz']);
  });

  it('the turn time becomes the fact time; without one there is none', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    expect(extractByRules([user('I love jazz', { at })]).map((c) => c.validAt)).toEqual([at]);
    expect(extractByRules([user('I love jazz')])[0]).not.toHaveProperty('validAt');
  });
});

describe('the offline extractor', () => {
  it("is 'rules-v2' and extracts what extractByRules does", async () => {
    expect(ruleBasedExtractor.id).toBe('rules-v2');
    const turns = [user('I live in Oslo and I love jazz')];
    await expect(ruleBasedExtractor.extract(turns)).resolves.toEqual(extractByRules(turns));
  });
});

describe('the confidence gate', () => {
  const c = (confidence: number, text = 'I love jazz') => ({ text, type: 'preference' as const, confidence, turnIds: ['t'] });

  it('keeps candidates strictly above the threshold (0.7 by default) that say something', () => {
    const kept = confidentOnly([c(0.71), c(0.7), c(0.69), c(0.9, ''), c(0.9, '   '), c(0.95, 'I am vegan')]);
    expect(kept.map((k) => [k.confidence, k.text])).toEqual([
      [0.71, 'I love jazz'],
      [0.95, 'I am vegan'],
    ]);
    expect(confidentOnly([c(0.8), c(0.9)], 0.8).map((k) => k.confidence)).toEqual([0.9]);
  });

  it('says why a candidate under the gate was dropped', () => {
    expect(lowConfidenceReason({ confidence: 0.5 })).toBe('not confident enough (0.5 ≤ 0.7)');
    expect(lowConfidenceReason({ confidence: 0.8 }, 0.9)).toBe('not confident enough (0.8 ≤ 0.9)');
  });

  it('says why nothing was stored: no user message, or no fact in what the user said', () => {
    const noUser = 'no user message: only what the user says is remembered';
    expect(noFactReason([])).toBe(noUser);
    expect(noFactReason([{ id: 'a', role: 'assistant', text: 'I live in Oslo' }])).toBe(noUser);
    expect(noFactReason([user('   ')])).toBe(noUser);
    expect(noFactReason([user('hello')])).toBe('no personal fact found');
    expect(noFactReason([{ id: 'a', role: 'assistant', text: 'hi' }, user('hello')])).toBe('no personal fact found');
  });
});
