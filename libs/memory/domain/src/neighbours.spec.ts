import { attachNeighbours, DEFAULT_NEIGHBOURS, NEIGHBOUR_MODES, neighboursToAttach, type ContextTurn } from './neighbours';

const T = (id: string, text: string): ContextTurn => ({ id, text });
const turns = [T('1', 'A: Where did you go last weekend?'), T('2', 'B: To the lake with my kids'), T('3', 'A: Sounds lovely, we painted a sunset'), T('4', 'B: Did you paint it yourself?'), T('5', 'A: Yes, with my daughter')];
const terms = (...w: string[]) => new Set(w);
const ids = (x: { before: ContextTurn[]; after: ContextTurn[] }) => [x.before.map((t) => t.id), x.after.map((t) => t.id)];

describe('neighboursToAttach', () => {
  it('none attaches nothing; window attaches both sides (as far as the transcript goes)', () => {
    expect(ids(neighboursToAttach(turns, 2, 'none', terms()))).toEqual([[], []]);
    expect(ids(neighboursToAttach(turns, 2, 'window', terms()))).toEqual([['2'], ['4']]);
    expect(ids(neighboursToAttach(turns, 0, 'window', terms()))).toEqual([[], ['2']]);
    expect(ids(neighboursToAttach(turns, 4, 'window', terms()))).toEqual([['4'], []]);
    expect(ids(neighboursToAttach(turns, 9, 'window', terms()))).toEqual([[], []]);
  });
  it('answer: the next turn after a question, the previous turn when it was a question', () => {
    expect(ids(neighboursToAttach(turns, 0, 'answer', terms()))).toEqual([[], ['2']]);
    expect(ids(neighboursToAttach(turns, 1, 'answer', terms()))).toEqual([['1'], []]);
    expect(ids(neighboursToAttach(turns, 2, 'answer', terms()))).toEqual([[], []]);
    expect(ids(neighboursToAttach(turns, 3, 'answer', terms()))).toEqual([[], ['5']]);
    expect(ids(neighboursToAttach(turns, 4, 'answer', terms()))).toEqual([['4'], []]);
  });
  it('query: a neighbour sharing a (stemmed) content word with the query', () => {
    expect(ids(neighboursToAttach(turns, 2, 'query', terms('lake')))).toEqual([['2'], []]);
    expect(ids(neighboursToAttach(turns, 2, 'query', terms('paint')))).toEqual([[], ['4']]);
    expect(ids(neighboursToAttach(turns, 2, 'query', terms('lake', 'paint')))).toEqual([['2'], ['4']]);
    expect(ids(neighboursToAttach(turns, 2, 'query', terms('boat')))).toEqual([[], []]);
  });
  it('modes and the default', () => {
    expect(NEIGHBOUR_MODES).toEqual(['none', 'answer', 'query', 'window']);
    expect(NEIGHBOUR_MODES).toContain(DEFAULT_NEIGHBOURS);
  });
});

describe('attachNeighbours', () => {
  type Item = { id: string; session: string | null };
  const transcripts = new Map([['s1', turns]]);
  const run = (items: Item[], mode: Parameters<typeof attachNeighbours>[1]['mode']) =>
    attachNeighbours(items, { mode, query: 'where did they go', locate: (i) => (i.session ? { sessionId: i.session, turnId: i.id } : null), transcript: (s) => transcripts.get(s) }).map((a) => [a.item.id, ...ids(a)]);

  it('facts pass through untouched; episodes get neighbours; a turn is shown once', () => {
    expect(run([{ id: '2', session: 's1' }, { id: 'fact', session: null }, { id: '3', session: 's1' }, { id: '1', session: 's1' }, { id: '5', session: 's1' }], 'window')).toEqual([
      ['2', ['1'], ['3']],
      ['fact', [], []],
      ['5', ['4'], []],
    ]);
  });
  it('none: every item as it is, duplicates of a turn dropped', () => {
    expect(run([{ id: '2', session: 's1' }, { id: '2', session: 's1' }, { id: '4', session: 's1' }], 'none')).toEqual([
      ['2', [], []],
      ['4', [], []],
    ]);
  });
  it('a turn missing from its transcript (or an unknown session) gets no neighbours', () => {
    expect(run([{ id: '9', session: 's1' }, { id: '1', session: 's2' }], 'window')).toEqual([
      ['9', [], []],
      ['1', [], []],
    ]);
  });
  it('a neighbour already shown is not attached again', () => {
    expect(run([{ id: '1', session: 's1' }, { id: '3', session: 's1' }], 'window')).toEqual([
      ['1', [], ['2']],
      ['3', [], ['4']],
    ]);
  });
});
