import { extractByRules } from './extractor';

// Edges of the extraction rules the corpus never reaches (issue 14, test strength): names that end
// like adjectives, the relationship and pet name groups, slugs built from odd values, hobbies that
// are not hobbies.
const facts = (text: string) => extractByRules([{ id: 't', role: 'user', text }]).map((c) => [c.type, c.slot, c.value]);

describe('names', () => {
  it.each([
    ["Hi, I'm Emily", ['biography', 'biography.name', 'Emily']],
    ['Folks call me Red.', ['biography', 'biography.name', 'Red']],
    ["My daughter's name is Emily.", ['relationship', 'relationship.daughter.name', 'Emily']],
    ['My son is called Ted', ['relationship', 'relationship.son.name', 'Ted']],
    ['My best friend is Sterling', ['relationship', 'relationship.best-friend.name', 'Sterling']],
  ])('a capitalised name ending in -ly, -ed or -ing is still a name: %s', (text, expected) => {
    expect(facts(text)).toEqual([expected]);
  });

  it('in all-lower-case chat a name may contain those endings, just not end with them', () => {
    expect(facts("hi i'm edward")).toEqual([['biography', 'biography.name', 'edward']]);
    expect(facts("hi i'm walking")).toEqual([]);
  });

  it('a shouted word ending like an adjective is not a name', () => {
    expect(facts('My son is SPOILED')).toEqual([]);
  });

  it('"was named" / "was called" names a relative', () => {
    expect(facts('My son was named Leo.')).toEqual([['relationship', 'relationship.son.name', 'Leo']]);
    expect(facts('my grandma was called rosa')).toEqual([['relationship', 'relationship.grandma.name', 'rosa']]);
  });
});

describe('pets and relatives the user has', () => {
  it("a pet's slot is its name: the word after the last named/called, whatever the spacing", () => {
    expect(facts('I have a so-called rescue cat named Rex')).toEqual([['relationship', 'relationship.pet.rex', 'so-called rescue cat named Rex']]);
    expect(facts('I adopted a cat named  Rex')).toEqual([['relationship', 'relationship.pet.rex', 'cat named  Rex']]);
    expect(facts('We got two kittens')).toEqual([['relationship', 'relationship.pet.kittens', 'kittens']]);
  });

  it("a relative's slot is the relation, without the name", () => {
    expect(facts('I have a younger sister named Ana')).toEqual([['relationship', 'relationship.sister.has', 'sister named Ana']]);
    expect(facts('I have a best friend called Jo')).toEqual([['relationship', 'relationship.best-friend.has', 'best friend called Jo']]);
  });
});

describe('slots', () => {
  it('runs of symbols and blanks become one dash', () => {
    expect(facts("I'm allergic to salt & vinegar chips")).toEqual([['health', 'health.allergy.salt-vinegar-chips', 'salt & vinegar chips']]);
  });
});

describe('hobbies', () => {
  it('"I play / go / do …" is a hobby unless it says where, what or how it goes', () => {
    expect(facts('I play the cello')).toEqual([['preference', undefined, 'cello']]);
    expect(facts('I go back home tomorrow')).toEqual([]);
    expect(facts('I do it every day')).toEqual([]);
    expect(facts('I go there every summer')).toEqual([]);
  });
});

describe('relatives in the plural', () => {
  it.each([
    ['I have two brothers', ['relationship', 'relationship.brother.count', 'two brothers']],
    ["I've got three older sisters.", ['relationship', 'relationship.sister.count', 'three older sisters']],
    ['We have 4 grandkids', ['relationship', 'relationship.grandchild.count', '4 grandkids']],
    ['i have a few cousins', ['relationship', 'relationship.cousin.count', 'a few cousins']],
    ['I have two step-daughters', ['relationship', 'relationship.stepdaughter.count', 'two step-daughters']],
    ['I have two stepsons', ['relationship', 'relationship.stepson.count', 'two stepsons']],
    ['We have three step-nieces', ['relationship', 'relationship.step-nieces.count', 'three step-nieces']],
    ['I have twin sons', ['relationship', 'relationship.son.count', 'twin sons']],
  ])('%s', (text, expected) => {
    expect(facts(text)).toEqual([expected]);
  });

  it('one relative keeps the singular rule; a plural with no count is not a fact', () => {
    expect(facts('I have a brother')).toEqual([['relationship', 'relationship.brother.has', 'brother']]);
    expect(facts('I have brothers who visit')).toEqual([]);
  });
});

describe('names in all-lower-case chat that end like adjectives', () => {
  it.each([
    ["i'm emily", 'emily'],
    ['hi im ted', 'ted'],
    ["hey i'm ashley!", 'ashley'],
    ['my name is kelly', 'kelly'],
  ])('%s', (text, name) => {
    expect(facts(text)).toEqual(name ? [['biography', 'biography.name', name]] : []);
  });

  it('the same endings stay refused when the word is not a known name', () => {
    expect(facts("i'm lonely")).toEqual([['mood', 'mood.current', 'lonely']]);
    expect(facts("i'm exhausted")).toEqual([['mood', 'mood.current', 'exhausted']]);
    expect(facts("i'm silly")).toEqual([]);
    expect(facts("hi i'm walking")).toEqual([]);
  });
});
