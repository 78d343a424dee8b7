import fc from 'fast-check';
import { Bm25Index, docTerms, scoreDocuments, tokenize } from './bm25';

/** The textbook BM25 over the live documents, scored from scratch: what the index must answer. */
function reference(docs: ReadonlyMap<string, string>, query: string, limit: number, k1 = 1.2, b = 0.75): Array<{ id: string; score: number }> {
  const toks = new Map([...docs].map(([id, text]) => [id, tokenize(text)]));
  const n = toks.size;
  const terms = [...new Set(tokenize(query))];
  if (!n || !terms.length) return [];
  const avg = [...toks.values()].reduce((s, t) => s + t.length, 0) / n;
  const scores = new Map<string, number>();
  for (const term of terms) {
    const holders = [...toks].filter(([, t]) => t.includes(term));
    const idf = Math.log(1 + (n - holders.length + 0.5) / (holders.length + 0.5));
    for (const [id, t] of holders) {
      const f = t.filter((x) => x === term).length;
      scores.set(id, (scores.get(id) ?? 0) + (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * t.length) / avg)));
    }
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((x, y) => y.score - x.score || x.id.localeCompare(y.id)).slice(0, limit);
}


/**
 * Bm25Index as it was before its postings became parallel arrays (issue 14, fifth pass): term →
 * Map(slot → tf). The index must answer bit-identically to it (ids, order and every score).
 */
class MapPostingsBm25 {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: Array<string | undefined> = [];
  private readonly terms: Array<readonly string[] | undefined> = [];
  private readonly lengths: number[] = [];
  private readonly free: number[] = [];
  private readonly postings = new Map<string, Map<number, number>>();
  private totalLength = 0;
  private acc = new Float64Array(0);
  constructor(private readonly k1 = 1.2, private readonly b = 0.75) {}
  add(id: string, text: string): void {
    if (this.slotOf.has(id)) this.remove(id);
    const tf = new Map<string, number>();
    const tokens = tokenize(text);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const slot = this.free.pop() ?? this.ids.length;
    for (const [t, f] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Map()));
      p.set(slot, f);
    }
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.terms[slot] = [...tf.keys()];
    this.lengths[slot] = tokens.length;
    this.totalLength += tokens.length;
  }
  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    for (const t of this.terms[slot] ?? []) {
      const p = this.postings.get(t);
      p?.delete(slot);
      if (p && p.size === 0) this.postings.delete(t);
    }
    this.totalLength -= this.lengths[slot] ?? 0;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.terms[slot] = undefined;
    this.lengths[slot] = 0;
    this.free.push(slot);
  }
  search(query: string, limit = 50): Array<{ id: string; score: number }> {
    const terms = [...new Set(tokenize(query))];
    const n = this.slotOf.size;
    if (!n || !terms.length) return [];
    const avg = this.totalLength / n;
    if (this.acc.length < this.ids.length) this.acc = new Float64Array(Math.max(16, this.ids.length * 2));
    const acc = this.acc;
    const touched: number[] = [];
    for (const term of terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const df = posting.size;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const [slot, f] of posting) {
        const len = this.lengths[slot] as number;
        const s = (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * len) / avg));
        if (acc[slot] === 0) touched.push(slot);
        acc[slot] += s;
      }
    }
    let cut = -Infinity;
    if (touched.length > limit && limit > 0) {
      const scores = Float64Array.from(touched, (slot) => acc[slot] as number).sort();
      cut = scores[scores.length - limit] as number;
    }
    const out: Array<{ id: string; score: number }> = [];
    for (const slot of touched) {
      const score = acc[slot] as number;
      acc[slot] = 0;
      if (score >= cut) out.push({ id: this.ids[slot] as string, score });
    }
    return out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, limit);
  }
}

const WORDS = ['dog', 'dogs', 'cat', 'paris', 'hiking', 'the', 'garden', 'piano', 'sister', 'running', 'run'];

describe('tokenize', () => {
  it('stems -ies / -ied to -y, other suffixes off, and leaves short stems and words of three letters alone', () => {
    expect(tokenize('studies studied families carried')).toEqual(['study', 'study', 'family', 'carry']);
    expect(tokenize('ties dies played walking quickly jumped boxes cats')).toEqual(['tie', 'die', 'play', 'walk', 'quick', 'jump', 'box', 'cat']);
    expect(tokenize('bus gas')).toEqual(['bus', 'gas']);
  });

  it('a plural in -ies meets its singular, and two different -ies words stay apart', () => {
    const ix = new Bm25Index();
    ix.add('a', 'my hobby is chess');
    ix.add('b', 'we watched the movies');
    expect(ix.search('hobbies').map((h) => h.id)).toEqual(['a']);
    expect(ix.search('movies').map((h) => h.id)).toEqual(['b']);
  });
});

describe('Bm25Index', () => {
  it('answers like BM25 scored from scratch through adds, replacements and removals (slots reused), at every limit', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 12 }), words: fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 6 }) }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 14 }), (ops, q, limit) => {
        const ix = new Bm25Index();
        const docs = new Map<string, string>();
        for (const o of ops) {
          const id = `d${o.id}`;
          if (o.kind === 'add') {
            ix.add(id, o.words.join(' '));
            docs.set(id, o.words.join(' '));
          } else {
            ix.remove(id);
            docs.delete(id);
          }
        }
        const query = q.join(' ');
        const got = ix.search(query, limit);
        const want = reference(docs, query, limit);
        expect(ix.size).toBe(docs.size);
        expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
        got.forEach((h, i) => expect(h.score).toBeCloseTo((want[i] as { score: number }).score, 12));
        // a second search over the same index gives the same answer (the accumulator is clean)
        expect(ix.search(query, limit)).toEqual(got);
      }),
      { numRuns: 300 },
    );
  });

  it('answers bit-identically to the previous Map-postings index (ids, order, every score) through adds, replacements and removals', () => {
    const vocab = [...WORDS, 'tea', 'coffee', 'work', 'nurse', 'japan', 'spring', 'cats', 'miso', 'portuguese', 'brother', 'sam', 'walked', 'walking', 'lake', 'book', 'books', 'read', 'reading', 'music', 'guitar'];
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 60 }), words: fc.array(fc.constantFrom(...vocab), { minLength: 0, maxLength: 25 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 60 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), fc.array(fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 70 }), (ops, queries, limit) => {
        const ix = new Bm25Index();
        const old = new MapPostingsBm25();
        for (const o of ops) {
          const id = `d${o.id}`;
          if (o.kind === 'add') {
            ix.add(id, o.words.join(' '));
            old.add(id, o.words.join(' '));
          } else {
            ix.remove(id);
            old.remove(id);
          }
          // searched between changes too (the length norms kept between searches must follow every add and remove)
          expect(ix.search((queries[0] as string[]).join(' '), limit)).toEqual(old.search((queries[0] as string[]).join(' '), limit));
        }
        for (const q of queries) {
          const got = ix.search(q.join(' '), limit);
          const want = old.search(q.join(' '), limit);
          expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
          got.forEach((h, i) => expect(h.score).toBe((want[i] as { score: number }).score));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every tie at the cut before cutting by id; the default limit is 50', () => {
    const ix = new Bm25Index();
    for (let i = 0; i < 80; i++) ix.add(`m${String(i).padStart(2, '0')}`, i < 5 ? 'piano piano lessons' : 'piano lessons');
    const top = ix.search('piano', 7);
    expect(top.map((h) => h.id)).toEqual(['m00', 'm01', 'm02', 'm03', 'm04', 'm05', 'm06']);
    expect((top[0] as { score: number }).score).toBeGreaterThan((top[5] as { score: number }).score);
    expect(ix.search('piano')).toHaveLength(50);
    expect(ix.search('piano', 200)).toHaveLength(80);
    expect(ix.search('violin')).toEqual([]);
    expect(ix.search('the and of')).toEqual([]); // stop words only
    expect(new Bm25Index().search('piano')).toEqual([]);
  });

  it('a removed document is never found again, a re-added one is found with its new text', () => {
    const ix = new Bm25Index();
    ix.add('a', 'I love hiking');
    ix.add('b', 'my sister plays piano');
    ix.remove('a');
    ix.remove('a');
    expect(ix.search('hiking')).toEqual([]);
    ix.add('c', 'hiking in the alps'); // takes a's slot
    ix.add('b', 'my sister runs marathons');
    expect(ix.search('hiking').map((h) => h.id)).toEqual(['c']);
    expect(ix.search('piano')).toEqual([]);
    expect(ix.search('sister marathons').map((h) => h.id)).toEqual(['b']);
    expect(ix.size).toBe(2);
  });
});

describe('scoreDocuments / docTerms (BM25 over a small pool without an index)', () => {
  it('gives exactly the scores of a Bm25Index holding just those documents (0 where it finds nothing), with any parameters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }), { maxLength: 12 }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 4 }),
        fc.constantFrom([1.2, 0.75], [2, 0.5], [0.9, 1]),
        (docs, q, [k1, b]) => {
          const ix = new Bm25Index(k1, b);
          docs.forEach((d, i) => ix.add(String(i), d.join(' ')));
          const want = new Map(ix.search(q.join(' '), docs.length).map((h) => [Number(h.id), h.score]));
          const got = scoreDocuments(q.join(' '), docs.map((d) => docTerms(d.join(' '))), k1, b);
          expect(got).toHaveLength(docs.length);
          // bit for bit: the same terms summed in the same order
          docs.forEach((_, i) => expect(got[i]).toBe(want.get(i) ?? 0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts term frequencies and length after stop words and stemming', () => {
    const t = docTerms('The dogs and the dog were running; I run');
    expect([...t.tf]).toEqual([
      ['dog', 2],
      ['runn', 1],
      ['run', 1],
    ]);
    expect(t.length).toBe(4);
    expect(scoreDocuments('piano', [])).toEqual(new Float64Array(0));
    expect(scoreDocuments('the and', [t])).toEqual(new Float64Array([0]));
  });

  it('keeps a text’s terms beside its key object while the text is the same, and re-reads a changed text', () => {
    const row = { id: 'm1' };
    const first = docTerms('hiking in the alps', row);
    expect(docTerms('hiking in the alps', row)).toBe(first);
    expect(docTerms('hiking in the alps')).not.toBe(first); // no key: nothing kept
    const changed = docTerms('piano lessons', row);
    expect([...changed.tf.keys()]).toEqual(['piano', 'lesson']);
    expect(docTerms('piano lessons', { id: 'm1' })).not.toBe(changed); // another object: its own entry
  });
});
