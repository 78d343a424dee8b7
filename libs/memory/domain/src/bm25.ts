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

export class Bm25Index {
  private readonly docs = new Map<string, Map<string, number>>();
  private readonly lengths = new Map<string, number>();
  /** term → (doc id → term frequency): search touches only documents holding a query term. */
  private readonly postings = new Map<string, Map<string, number>>();
  private totalLength = 0;

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  add(id: string, text: string): void {
    if (this.docs.has(id)) this.remove(id);
    const tf = new Map<string, number>();
    const tokens = tokenize(text);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, f] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Map()));
      p.set(id, f);
    }
    this.docs.set(id, tf);
    this.lengths.set(id, tokens.length);
    this.totalLength += tokens.length;
  }

  remove(id: string): void {
    const tf = this.docs.get(id);
    if (!tf) return;
    for (const t of tf.keys()) {
      const p = this.postings.get(t);
      p?.delete(id);
      if (p && p.size === 0) this.postings.delete(t);
    }
    this.totalLength -= this.lengths.get(id) ?? 0;
    this.docs.delete(id);
    this.lengths.delete(id);
  }

  /** Scores of every document sharing a term with the query, best first. */
  search(query: string, limit = 50): Array<{ id: string; score: number }> {
    const terms = [...new Set(tokenize(query))];
    const n = this.docs.size;
    if (!n || !terms.length) return [];
    const avg = this.totalLength / n;
    const scores = new Map<string, number>();
    for (const term of terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const df = posting.size;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const [id, f] of posting) {
        const len = this.lengths.get(id) ?? 0;
        const s = (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * len) / avg));
        scores.set(id, (scores.get(id) ?? 0) + s);
      }
    }
    return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, limit);
  }
}
