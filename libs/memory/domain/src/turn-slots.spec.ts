import { collapseByProvenance } from './retrieval';
import { FACT_IN_EPISODE_SHARE, factInEpisode, factsBeforeTheirEpisodes } from './turn-slots';

type Item = { id: string; memory: { text: string; type: string; provenance: { sessionId: string; sourceHash: string; turnIds: string[] } } };

const EPISODE = '[8 May 2023] Ann: Honestly I keep bees on the roof of my flat in Lisbon and I love it';
const FACT = 'I keep bees on the roof';
const ep = (id: string, turn: string, session = 's1', text = EPISODE): Item => ({ id, memory: { text, type: 'episode', provenance: { sessionId: session, sourceHash: '', turnIds: [turn] } } });
const fact = (id: string, turns: string[], session = 's1', text = FACT): Item => ({ id, memory: { text, type: 'preference', provenance: { sessionId: session, sourceHash: '', turnIds: turns } } });
const ids = (xs: readonly Item[]) => xs.map((x) => x.id);

describe('factsBeforeTheirEpisodes', () => {
  it('moves a fact to just before the better-ranked episode of its own turn, and records which', () => {
    const items = [ep('e1', 't1'), ep('e2', 't2'), fact('f2', ['t2']), ep('e3', 't3')];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['e1', 'f2', 'e2', 'e3']);
    expect(r.lifted.size).toBe(1);
    expect(r.lifted.get(items[2] as Item)).toBe(items[1]);
    // the collapse then keeps the fact and drops its episode
    expect(ids(collapseByProvenance(r.order))).toEqual(['e1', 'f2', 'e3']);
  });

  it('leaves a fact that already ranks above its episode where it is (nothing lifted)', () => {
    const items = [fact('f1', ['t1']), ep('e0', 't0'), ep('e1', 't1')];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['f1', 'e0', 'e1']);
    expect(r.lifted.size).toBe(0);
  });

  it('keeps the order of everything else, episodes and facts of other turns included', () => {
    const items = [ep('e1', 't1'), fact('f9', ['t9']), ep('e2', 't2'), fact('f8', ['t8']), ep('e3', 't3')];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['e1', 'f9', 'e2', 'f8', 'e3']);
    expect(r.lifted.size).toBe(0);
  });

  it('matches turns within a session only (the same turn id in another session is another turn)', () => {
    const items = [ep('e1', 't1', 's1'), ep('x', 't0'), fact('f1', ['t1'], 's2')];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['e1', 'x', 'f1']);
    expect(r.lifted.size).toBe(0);
  });

  it('lifts a fact citing two turns to the best-ranked of their episodes', () => {
    const items = [ep('a', 't0'), ep('e1', 't1'), ep('e2', 't2'), fact('f', ['t2', 't1'])];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['a', 'f', 'e1', 'e2']);
    expect(r.lifted.get(items[3] as Item)).toBe(items[1]);
  });

  it('puts two facts lifted to one episode before it, in their own order', () => {
    const items = [ep('e1', 't1'), ep('e2', 't2'), fact('fa', ['t1']), ep('e3', 't3'), fact('fb', ['t1'])];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['fa', 'fb', 'e1', 'e2', 'e3']);
    expect(r.lifted.size).toBe(2);
    expect(r.lifted.get(items[4] as Item)).toBe(items[0]);
    // both facts stay after the collapse (they say different things); the episode goes
    expect(ids(collapseByProvenance(r.order))).toEqual(['fa', 'fb', 'e2', 'e3']);
  });

  it('uses the first (best-ranked) of two episodes citing the turn', () => {
    const items = [ep('x', 't0'), ep('e1', 't1'), ep('e1b', 't1'), fact('f', ['t1'])];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['x', 'f', 'e1', 'e1b']);
    expect(r.lifted.get(items[3] as Item)).toBe(items[1]);
  });

  it('handles an empty list and a list of facts only', () => {
    expect(factsBeforeTheirEpisodes([]).order).toEqual([]);
    const facts = [fact('f1', ['t1']), fact('f2', ['t2'])];
    const r = factsBeforeTheirEpisodes(facts);
    expect(ids(r.order)).toEqual(['f1', 'f2']);
    expect(r.lifted.size).toBe(0);
  });

  it('lifts a fact only while its episode holds its words: a corrected episode keeps its slot', () => {
    const corrected = [ep('e1', 't1', 's1', '[8 May 2023] Ann: We are planning a trip to Madeira next spring'), fact('f1', ['t1'], 's1', 'We are planning a trip to the Azores next spring')];
    const r = factsBeforeTheirEpisodes(corrected);
    expect(ids(r.order)).toEqual(['e1', 'f1']);
    expect(r.lifted.size).toBe(0);
    expect(ids(collapseByProvenance(r.order))).toEqual(['e1']);
    // the fact's words: planning, trip, azores, next, spring — 4 of 5 in the episode: a share of 0.8 tolerates the change, 0.81 not
    expect(ids(factsBeforeTheirEpisodes(corrected, 0.8).order)).toEqual(['f1', 'e1']);
    expect(ids(factsBeforeTheirEpisodes(corrected, 0.81).order)).toEqual(['e1', 'f1']);
  });

  it('lifts to an episode only: a fact of the same turn ranked first is not a place to lift to', () => {
    const items = [ep('x', 't0'), fact('fa', ['t1']), ep('e1', 't1'), fact('fb', ['t1'])];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['x', 'fa', 'fb', 'e1']);
    expect(r.lifted.size).toBe(1);
    expect(r.lifted.get(items[3] as Item)).toBe(items[2]);
  });

  it('never moves an episode, even a second episode of the turn whose words the first holds', () => {
    const items = [ep('x', 't0'), ep('e1', 't1'), ep('e1b', 't1', 's1', FACT)];
    const r = factsBeforeTheirEpisodes(items);
    expect(ids(r.order)).toEqual(['x', 'e1', 'e1b']);
    expect(r.lifted.size).toBe(0);
  });

  it('keeps the order of three facts lifted to one episode', () => {
    const items = [ep('x', 't0'), ep('e1', 't1'), fact('fa', ['t1']), fact('fb', ['t1']), fact('fc', ['t1']), ep('y', 't9')];
    expect(ids(factsBeforeTheirEpisodes(items).order)).toEqual(['x', 'fa', 'fb', 'fc', 'e1', 'y']);
    const reversed = [ep('x', 't0'), ep('e1', 't1'), fact('fc', ['t1']), fact('fb', ['t1']), fact('fa', ['t1'])];
    expect(ids(factsBeforeTheirEpisodes(reversed).order)).toEqual(['x', 'fc', 'fb', 'fa', 'e1']);
  });

  it('keeps the order of many facts lifted to one episode in a pool of 100 (past the sort\'s insertion runs)', () => {
    const episodes = Array.from({ length: 60 }, (_, k) => ep(`e${k}`, `t${k}`));
    const facts = Array.from({ length: 40 }, (_, k) => fact(`f${k}`, [k % 2 === 0 ? 't3' : 't40']));
    const items = [...episodes, ...facts];
    const order = ids(factsBeforeTheirEpisodes(items).order);
    const even = facts.filter((_, k) => k % 2 === 0).map((f) => f.id);
    const odd = facts.filter((_, k) => k % 2 === 1).map((f) => f.id);
    expect(order.slice(3, 3 + even.length)).toEqual(even);
    expect(order[3 + even.length]).toBe('e3');
    expect(order.slice(order.indexOf('e40') - odd.length, order.indexOf('e40'))).toEqual(odd);
    expect(order).toHaveLength(100);
  });

  it('does not change the input array', () => {
    const items = [ep('e1', 't1'), fact('f1', ['t1'])];
    factsBeforeTheirEpisodes(items);
    expect(ids(items)).toEqual(['e1', 'f1']);
  });
});

describe('factInEpisode', () => {
  it('the default asks for every content word of the fact', () => {
    expect(FACT_IN_EPISODE_SHARE).toBe(1);
    expect(factInEpisode({ text: FACT }, { text: EPISODE })).toBe(true);
    expect(factInEpisode({ text: 'I keep wasps on the roof' }, { text: EPISODE })).toBe(false);
  });

  it('reads the episode without its date and speaker, and stems like the index', () => {
    // "Ann" and "May" live only in the header: not the episode's words
    expect(factInEpisode({ text: 'Ann keeps bees' }, { text: EPISODE })).toBe(false);
    expect(factInEpisode({ text: 'bees in May' }, { text: EPISODE })).toBe(false);
    expect(factInEpisode({ text: 'keeping bee' }, { text: EPISODE })).toBe(true);
  });

  it('counts distinct words, at the share given (boundary inclusive)', () => {
    // fact words: keep, bee, roof, garden (4 distinct); the episode holds 3
    const f = { text: 'I keep bees bees on the roof garden' };
    expect(factInEpisode(f, { text: EPISODE }, 0.75)).toBe(true);
    expect(factInEpisode(f, { text: EPISODE }, 0.76)).toBe(false);
    expect(factInEpisode(f, { text: EPISODE }, 0)).toBe(true);
  });

  it('reads the fact whole: a fact that looks like a speaker line keeps its first word', () => {
    // read as a fact, "Ann" is one of its words and the episode's words lack it; read as an episode it would be a header
    expect(factInEpisode({ text: 'Ann: keeps bees' }, { text: EPISODE })).toBe(false);
    expect(factInEpisode({ text: 'Lisbon: keeps bees' }, { text: EPISODE })).toBe(true);
  });

  it('a fact of stop words only is never inside', () => {
    expect(factInEpisode({ text: 'I was' }, { text: EPISODE }, 0)).toBe(false);
  });
});
