import { deterministicBiography, formatProfileBlock, toSecondPerson, whatDoYouKnow } from './profile';
import { extractByRules } from './extractor';
import { mem } from './fixtures.spec-helper';

describe('phrasing', () => {
  it.each([
    ["I'm allergic to peanuts", "you're allergic to peanuts"],
    ['I work at Acme', 'you work at Acme'],
    ['My daughter is 7', 'your daughter is 7'],
    ['User is vegetarian', 'you are vegetarian'],
    ['The user works at Globex', 'you work at Globex'],
    ["User's dog is named Rex", 'your dog is named Rex'],
    ["Since our last chat, I've been looking into counseling", "since our last chat, you've been looking into counseling"],
    ['We moved to Porto with our kids', 'you moved to Porto with your kids'],
  ])('%s → %s', (from, to) => expect(toSecondPerson(from)).toBe(to));
});

describe('[User profile] block and "what do you know about me?"', () => {
  const facts = [
    mem({ id: 'a', text: 'I work at Acme', type: 'work' }),
    mem({ id: 'b', text: "I'm allergic to peanuts", type: 'health' }),
    mem({ id: 'c', text: 'My daughter is 7', type: 'relationship', validAt: new Date('2026-03-01') }),
  ];

  it('phrases facts as beliefs, keeps special-category facts out unless asked, caps the count', () => {
    const block = formatProfileBlock(facts, 'You live in Lisbon.', { max: 5 });
    expect(block).toBe('[User profile]\nYou live in Lisbon.\n- I believe you mentioned that you work at Acme.\n- I believe you mentioned that your daughter is 7.');
    expect(formatProfileBlock(facts, undefined, { includeSpecialCategory: true, max: 1 })).toBe('[User profile]\n- I believe you mentioned that you work at Acme.');
    expect(formatProfileBlock([], '')).toBe('[User profile]\n- (nothing remembered yet)');
  });

  it('groups every fact by type with provenance', () => {
    const sections = whatDoYouKnow(facts);
    expect(sections.map((s) => s.label)).toEqual(['People in your life', 'Health', 'Work']);
    expect(sections[1]).toMatchObject({ sensitivity: 'special-category', facts: [{ id: 'b', text: "you're allergic to peanuts", sessionId: 's1' }] });
    const bio = deterministicBiography(facts);
    expect(bio).toBe('People in your life: your daughter is 7.\nWork: you work at Acme.');
    expect(deterministicBiography(facts, 5).length).toBeLessThanOrEqual(20);
  });
});

describe('rule-based extractor', () => {
  it('extracts typed first-person facts with slots, from user turns only', () => {
    const out = extractByRules([
      { id: 'D1:1', role: 'user', text: "Hi! I'm a software engineer and I work at Acme Corp. I'm allergic to shellfish." },
      { id: 'D1:2', role: 'assistant', text: "I'm a helpful assistant and I work at OpenAI." },
      { id: 'D1:3', role: 'user', text: 'My daughter is 7 and my dog is named Rex. I just moved to Lisbon.' },
      { id: 'D1:4', role: 'user', text: "Remember that I'm vegetarian. I love hiking in the mountains." },
    ]);
    expect(out.map((c) => [c.type, c.slot, c.text])).toEqual([
      ['work', 'work.role', "I'm a software engineer"],
      ['work', 'work.employer', 'I work at Acme Corp'],
      ['health', 'health.allergy.shellfish', "I'm allergic to shellfish"],
      ['relationship', 'relationship.daughter.age', 'My daughter is 7'],
      ['relationship', 'relationship.dog.name', 'my dog is named Rex'],
      ['location', 'location.home', 'I just moved to Lisbon'],
      ['preference', 'preference.diet', "I'm vegetarian"],
      ['preference', undefined, 'I love hiking in the mountains'],
    ]);
    expect(out.find((c) => c.slot === 'preference.diet')?.confidence).toBe(0.95);
    expect(out.every((c) => c.turnIds.length === 1 && !c.turnIds.includes('D1:2'))).toBe(true);
  });
});
