/**
 * In-process BM25 (Okapi, k1 = 1.2, b = 0.75) for the lexical half of hybrid relevance. Tiny,
 * incremental (add/remove), per user. Tokens: lowercased letters/digits, English stop words out,
 * a light suffix stemmer so "running"/"runs" meet "run".
 */
const STOP = new Set(
  'a an and are as at be but by for from had has have he her his i if in into is it its me my of on or our she so that the their them they this to was we were what when where which who will with you your do did does not no yes just about than then there these those can could would should also very'.split(' '),
);

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP.has(raw)) continue;
    out.push(stem(raw));
  }
  return out;
}

function stem(w: string): string {
  if (w.length <= 3) return w;
  for (const suf of ['ingly', 'edly', 'ing', 'ies', 'ied', 'ed', 'es', 'ly', 's']) {
    if (w.endsWith(suf) && w.length - suf.length >= 3) {
      const base = w.slice(0, -suf.length);
      return suf === 'ies' || suf === 'ied' ? `${base}y` : base;
    }
  }
  return w;
}

/** A document's BM25 statistics: term frequencies (in first-seen order) and its length in tokens. */
export interface DocTerms {
  readonly tf: ReadonlyMap<string, number>;
  readonly length: number;
}

const termsMemo = new WeakMap<object, { text: string; terms: DocTerms }>();

/**
 * `text`'s term frequencies and length. With `key` (an object that lives as long as the text it
 * carries: a cached memory row), the tokenisation is kept beside that object and reused while
 * its text is the same — nothing is kept once the object is gone (a WeakMap: no text outlives
 * the row that holds it, erased rows included).
 */
export function docTerms(text: string, key?: object): DocTerms {
  const hit = key ? termsMemo.get(key) : undefined;
  if (hit && hit.text === text) return hit.terms;
  const tokens = tokenize(text);
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  const terms = { tf, length: tokens.length };
  if (key) termsMemo.set(key, { text, terms });
  return terms;
}

/**
 * Keeps `from`'s tokenisation for `to`: a cached row replaced by a copy of itself (a retrieval
 * count changed) would otherwise be tokenised again on its next search. The memo still checks the
 * text, so a copy whose text differs is read afresh.
 */
export function carryDocTerms(from: object, to: object): void {
  const hit = termsMemo.get(from);
  if (hit) termsMemo.set(to, hit);
}

/**
 * BM25 of `query` against exactly `docs` (their own collection statistics), one score per
 * document in order (0 where no query term occurs): the very numbers a {@link Bm25Index} holding
 * just these documents gives in `search` (same terms, same order of summation), without building
 * one — the own-text blend scores every search's candidate pool this way.
 */
export function scoreDocuments(query: string, docs: readonly DocTerms[], k1 = 1.2, b = 0.75): Float64Array {
  const n = docs.length;
  const out = new Float64Array(n);
  const terms = [...new Set(tokenize(query))];
  if (!n || !terms.length) return out;
  const termAt = new Map(terms.map((t, i) => [t, i]));
  // one pass over each document's own terms (a few dozen) instead of every query term × every document
  const df = new Int32Array(terms.length);
  const hits: Array<Array<[number, number]>> = [];
  let total = 0;
  for (const d of docs) {
    total += d.length;
    const mine: Array<[number, number]> = [];
    d.tf.forEach((f, term) => {
      const t = termAt.get(term);
      if (t === undefined) return;
      df[t] = (df[t] as number) + 1;
      mine.push([t, f]);
    });
    // summed in the query's term order, as the index does (floating-point sums depend on order)
    if (mine.length > 1) mine.sort((x, y) => x[0] - y[0]);
    hits.push(mine);
  }
  const avg = total / n;
  const idf = Array.from(df, (m) => Math.log(1 + (n - m + 0.5) / (m + 0.5)));
  for (let i = 0; i < n; i++) {
    const len = (docs[i] as DocTerms).length;
    let score = 0;
    for (const [t, f] of hits[i] as Array<[number, number]>) score += ((idf[t] as number) * f * (k1 + 1)) / (f + k1 * (1 - b + (b * len) / avg));
    out[i] = score;
  }
  return out;
}

/** One term's documents: slot and term frequency at the same position. */
interface Posting {
  slots: number[];
  tfs: number[];
}

/**
 * Documents are numbered internally (slots, reused after removal) so that postings and the score
 * accumulator are keyed by small integers: a query over a 10,000-document user touches thousands
 * of postings, and string-keyed maps spent most of the search hashing ids (issue 14).
 */
export class Bm25Index {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: Array<string | undefined> = [];
  private readonly terms: Array<readonly string[] | undefined> = [];
  private readonly lengths: number[] = [];
  private readonly free: number[] = [];
  /**
   * term → its documents' slots and term frequencies (parallel arrays, unordered: a removal moves
   * the last entry into the hole): search touches only documents holding a query term, and walks
   * them as plain arrays — no iterator entry allocated per posting (issue 14, search throughput).
   */
  private readonly postings = new Map<string, Posting>();
  private totalLength = 0;
  /** Score accumulator by slot, reused across searches (zeroed where touched). */
  private acc = new Float64Array(0);
  /**
   * Length normalisation by slot, `k1 · (1 − b + b · length / avg)`, kept while no document is
   * added or removed (the average length is then the same): the very value search computed per
   * posting before, computed once per slot (issue 14, search throughput).
   */
  private norms = new Float64Array(0);
  private normsStale = true;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.slotOf.size;
  }

  add(id: string, text: string): void {
    if (this.slotOf.has(id)) this.remove(id);
    const tf = new Map<string, number>();
    const tokens = tokenize(text);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const slot = this.free.pop() ?? this.ids.length;
    this.normsStale = true;
    for (const [t, f] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = { slots: [], tfs: [] }));
      p.slots.push(slot);
      p.tfs.push(f);
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
    this.normsStale = true;
    for (const t of this.terms[slot] ?? []) {
      const p = this.postings.get(t);
      if (!p) continue;
      const at = p.slots.indexOf(slot);
      if (at < 0) continue;
      const last = p.slots.length - 1;
      p.slots[at] = p.slots[last] as number;
      p.tfs[at] = p.tfs[last] as number;
      p.slots.pop();
      p.tfs.pop();
      if (last === 0) this.postings.delete(t);
    }
    this.totalLength -= this.lengths[slot] ?? 0;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.terms[slot] = undefined;
    this.lengths[slot] = 0;
    this.free.push(slot);
  }

  /** Scores of every document sharing a term with the query, best first (ties by id), at most `limit`. */
  search(query: string, limit = 50): Array<{ id: string; score: number }> {
    const terms = [...new Set(tokenize(query))];
    const n = this.slotOf.size;
    if (!n || !terms.length) return [];
    const avg = this.totalLength / n;
    if (this.acc.length < this.ids.length) this.acc = new Float64Array(Math.max(16, this.ids.length * 2));
    const acc = this.acc;
    const norms = this.lengthNorms(avg);
    const k1p1 = this.k1 + 1;
    const touched: number[] = [];
    for (const term of terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const { slots, tfs } = posting;
      const df = slots.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      // each slot gets one addition per term, in the query's term order: the same sums whatever
      // order the posting lists its documents in
      for (let i = 0; i < df; i++) {
        const slot = slots[i] as number;
        const f = tfs[i] as number;
        const s = (idf * f * k1p1) / (f + (norms[slot] as number));
        if (acc[slot] === 0) touched.push(slot);
        acc[slot] += s;
      }
    }
    // only the documents at or above the limit-th best score are sorted (ties at the cut all kept, then cut by id)
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

  /** {@link norms} for the current average length (recomputed after any add or remove). */
  private lengthNorms(avg: number): Float64Array {
    // every add and remove marks them stale, so the slots never outgrow fresh norms
    if (this.normsStale) {
      if (this.norms.length < this.ids.length) this.norms = new Float64Array(Math.max(16, this.ids.length * 2));
      for (let slot = 0; slot < this.ids.length; slot++) this.norms[slot] = this.k1 * (1 - this.b + (this.b * (this.lengths[slot] as number)) / avg);
      this.normsStale = false;
    }
    return this.norms;
  }
}
