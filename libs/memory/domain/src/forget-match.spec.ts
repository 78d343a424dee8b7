import fc from 'fast-check';
import { contentWords, DEFAULT_FORGET_MATCH, lexicalOverlap, matchForget, type ForgetCandidate } from './forget-match';

const fact = (id: string, text: string, cosine: number): ForgetCandidate => ({ id, text, cosine });

describe('contentWords', () => {
  it('lowercases, drops fillers (pronouns, "everything", talk about the chat, politeness, contraction tails), stems like BM25, keeps each once', () => {
    expect(contentWords('I live in Paris')).toEqual(['liv', 'pari']);
    expect(contentWords("I'm allergic to peanuts")).toEqual(['allergic', 'peanut']);
    expect(contentWords('My address, my ADDRESS and my addresses')).toEqual(['addr']); // BM25's stem, then trailing e/s
    expect(contentWords('smoke smokes smoking smoked')).toEqual(['smok']);
    expect(contentWords('use uses bus gas')).toEqual(['use', 'bus', 'gas']); // 3 letters stay
    expect(contentWords('I said anything about it')).toEqual([]);
    expect(contentWords('my last message')).toEqual([]);
    expect(contentWords("Don't remember that, thanks")).toEqual([]);
    expect(contentWords('everything you know about me')).toEqual([]);
    expect(contentWords("I'm even here")).toEqual([]);
    expect(contentWords('the gate code is 1234')).toEqual(['gat', 'cod', '1234']);
    expect(contentWords('Café in Zürich')).toEqual(['café', 'zürich']);
    expect(contentWords('cheese')).toEqual(['che']); // e, s, e off; never below 3 letters
    // each group of fillers, with words BM25's own stop list keeps
    expect(contentWords('mine myself yours yourself us ours him hers')).toEqual([]);
    expect(contentWords('some any all every each one ones')).toEqual([]);
    expect(contentWords('everything anything something nothing stuff thing things whatever lot bit part')).toEqual([]);
    expect(contentWords('said say says saying told tell telling mention mentioned asked ask asking question questions message messages')).toEqual([]);
    expect(contentWords('comment comments word words remark chat chats conversation conversations talk session memory memories info information')).toEqual([]);
    expect(contentWords('know knew known remember remembered forget forgot forgotten')).toEqual([]);
    expect(contentWords('last previous earlier before ago now today yesterday')).toEqual([]);
    expect(contentWords('please thanks thank ok okay just really ever even anymore too also still again here there then')).toEqual([]);
    expect(contentWords('am been being may might must shall')).toEqual([]);
    expect(contentWords('over')).toEqual([]);
    expect(contentWords('m s t d ll ve re don doesn didn isn aren wasn weren won wouldn couldn shouldn haven hasn hadn')).toEqual([]);
    expect(contentWords('')).toEqual([]);
  });
});

describe('lexicalOverlap', () => {
  it('is the share of the subject\'s content words found in the fact (hand-computed)', () => {
    expect(lexicalOverlap('I live in Paris', 'I live in Paris')).toBe(1);
    expect(lexicalOverlap('I live in Paris', 'I love Paris in the spring')).toBe(0.5); // {live, pari} ∩ {love, pari, spring}
    expect(lexicalOverlap('my address', 'My address is 12 Rue de Rivoli')).toBe(1); // the fact's extra words do not count
    expect(lexicalOverlap('I live in Paris with my cat', 'I live in Paris')).toBeCloseTo(2 / 3, 12);
    expect(lexicalOverlap('I smoke', 'I quit smoking last year')).toBe(1); // smoke / smoking meet at "smok"
    expect(lexicalOverlap('my health', "I'm allergic to peanuts")).toBe(0);
    expect(lexicalOverlap('it', 'it is raining')).toBe(0); // a subject naming nothing overlaps nothing
  });

  it('property: between 0 and 1, and 1 against itself whenever it has content', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const o = lexicalOverlap(a, b);
        return o >= 0 && o <= 1 && (contentWords(a).length === 0 || lexicalOverlap(a, a) === 1);
      }),
    );
  });
});

describe('matchForget', () => {
  const paris = fact('m-paris', 'I live in Paris', 1);
  const spring = fact('m-spring', 'I love Paris in the spring', 0.676);
  const lisbon = fact('m-lisbon', 'I just moved to Lisbon', 0.58);

  it('deletes the one fact that shares the words and the meaning', () => {
    expect(matchForget('I live in Paris', [spring, paris, lisbon])).toEqual({ action: 'delete', ids: ['m-paris'], cosine: 1, overlap: 1 });
  });

  it('defaults: 0.6 of the words, cos 0.5, a 0.05 lead', () => {
    expect(DEFAULT_FORGET_MATCH).toEqual({ minOverlap: 0.6, minCosine: 0.5, margin: 0.05 });
  });

  it('a subject naming nothing deletes nothing, whatever the index found', () => {
    expect(matchForget('it', [paris])).toEqual({ action: 'none', reason: 'the command names nothing to forget', nearestId: null });
    expect(matchForget('', [])).toEqual({ action: 'none', reason: 'the command names nothing to forget', nearestId: null });
  });

  it('no fact with enough of the words: none, naming the nearest by cosine', () => {
    expect(matchForget('my health', [lisbon, paris])).toEqual({ action: 'none', reason: 'no stored fact contains the words of "my health"', nearestId: 'm-paris' });
    expect(matchForget('my health', [])).toEqual({ action: 'none', reason: 'no stored fact contains the words of "my health"', nearestId: null });
    // 1 of 2 words (0.5) is below 0.6 even at cosine 0.99
    expect(matchForget('I live in Paris', [fact('a', 'I love Paris', 0.99)])).toMatchObject({ action: 'none', nearestId: 'a' });
  });

  it('the overlap threshold is inclusive: 3 of 5 words (0.6) is enough, 2 of 5 is not', () => {
    const subject = 'alpha bravo charlie delta echo';
    expect(matchForget(subject, [fact('a', 'alpha bravo charlie', 0.7)])).toEqual({ action: 'delete', ids: ['a'], cosine: 0.7, overlap: 0.6 });
    expect(matchForget(subject, [fact('a', 'alpha bravo', 0.7)])).toMatchObject({ action: 'none', reason: `no stored fact contains the words of "${subject}"` });
  });

  it('the words match but the meaning does not: none, below cos 0.5 (inclusive at 0.5)', () => {
    expect(matchForget('my address', [fact('a', 'My address is 12 Rue de Rivoli', 0.499)])).toEqual({
      action: 'none',
      reason: 'the fact that shares the words is not close in meaning (cos 0.499 < 0.5)',
      nearestId: 'a',
    });
    expect(matchForget('my address', [fact('a', 'My address is 12 Rue de Rivoli', 0.5)])).toMatchObject({ action: 'delete', ids: ['a'] });
  });

  it('two facts sharing the words within 0.05 of each other: ambiguous, none', () => {
    const home = fact('home', 'My address is 12 Rue de Rivoli', 0.58);
    const work = fact('work', 'My work address is 5 Main Street', 0.552);
    expect(matchForget('my address', [home, work])).toEqual({ action: 'none', reason: 'ambiguous: more than one fact matches "my address" (cos 0.580 and 0.552)', nearestId: 'home' });
    // a lead of exactly the margin is clear (0.75 − 0.5 and 0.5 − 0.25 are exact in binary)
    expect(matchForget('my address', [fact('a', 'my address is x', 0.75), fact('b', 'my address is y', 0.5)], { ...DEFAULT_FORGET_MATCH, margin: 0.25 })).toMatchObject({ action: 'delete', ids: ['a'] });
    expect(matchForget('my address', [fact('a', 'my address is x', 0.75), fact('b', 'my address is y', 0.5)], { ...DEFAULT_FORGET_MATCH, margin: 0.2500001 })).toMatchObject({ action: 'none' });
    // the rival only needs the words: below the cosine bar it still makes the choice ambiguous
    expect(matchForget('my address', [fact('a', 'my address is x', 0.52), fact('b', 'my address is y', 0.49)])).toMatchObject({ action: 'none', nearestId: 'a' });
  });

  it('a fact that does not share the words is no rival, however close its cosine', () => {
    const smoke = fact('s', 'I smoke a pack a day', 0.761);
    const near = fact('n', 'I drink coffee every day', 0.76);
    expect(matchForget('I smoke', [near, smoke])).toEqual({ action: 'delete', ids: ['s'], cosine: 0.761, overlap: 1 });
  });

  it('a clear lead over a rival that shares the words deletes the best only', () => {
    const pack = fact('pack', 'I smoke a pack a day', 0.761);
    const quit = fact('quit', 'I quit smoking last year', 0.665);
    expect(matchForget('I smoke', [quit, pack])).toEqual({ action: 'delete', ids: ['pack'], cosine: 0.761, overlap: 1 });
  });

  it('verbatim copies of the fact are the same fact: all go, and they are no rivals', () => {
    const a = fact('b-copy', 'I live in Paris', 1);
    const b = fact('a-copy', 'i live in paris.', 1);
    const c = fact('c-copy', '  I live in Paris! ', 0.999);
    const d = fact('d-copy', 'I live in Paris!! ', 0.999);
    expect(matchForget('I live in Paris', [a, spring, b, c, d])).toEqual({ action: 'delete', ids: ['a-copy', 'b-copy', 'c-copy', 'd-copy'], cosine: 1, overlap: 1 });
  });

  it('ties on cosine are broken by id, so the outcome does not depend on the index order', () => {
    const x = fact('x', 'my address is x', 0.9);
    const y = fact('y', 'my address is y', 0.9);
    expect(matchForget('my address', [y, x])).toMatchObject({ action: 'none', nearestId: 'x' });
    expect(matchForget('my address', [x, y])).toMatchObject({ action: 'none', nearestId: 'x' });
  });

  it('property: a deletion names one fact (with its verbatim copies) that passes both thresholds and leads every other fact sharing the words', () => {
    const cand = fc.record({ text: fc.constantFrom('I live in Paris', 'I love Paris', 'My address is 1 Main St', 'I smoke', 'I quit smoking'), cosine: fc.double({ min: -1, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.constantFrom('I live in Paris', 'my address', 'I smoke', 'it'), fc.array(cand, { maxLength: 6 }), (subject, drawn) => {
        const cs = drawn.map((c, i) => ({ ...c, id: `m${i}` }));
        const d = matchForget(subject, cs);
        if (d.action === 'none') return true;
        const chosen = cs.filter((c) => d.ids.includes(c.id));
        const text = chosen[0]?.text;
        const rivals = cs.filter((c) => c.text !== text && lexicalOverlap(subject, c.text) >= 0.6);
        return (
          chosen.every((c) => c.text === text && lexicalOverlap(subject, c.text) >= 0.6) &&
          d.cosine === Math.max(...chosen.map((c) => c.cosine)) &&
          d.cosine >= 0.5 &&
          rivals.every((r) => d.cosine - r.cosine >= 0.05)
        );
      }),
    );
  });
});
