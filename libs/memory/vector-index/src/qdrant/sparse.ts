import { createHash } from 'node:crypto';
import { tokenize } from '@frontier/memory-domain';

/** A Qdrant sparse vector: unique, ascending u32 indices with their weights. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** FNV-1a 32-bit hash of a term: the sparse dimension id (collisions merely merge two terms). */
export function termId(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function toSparse(weights: Map<number, number>): SparseVector {
  const indices = [...weights.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((i) => weights.get(i) ?? 0) };
}

/**
 * Document side of BM25 as a sparse vector: per term tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)).
 * The idf factor is left to Qdrant (`modifier: "idf"` on the sparse vector), which computes it from
 * the live collection — so the dot product with a query of 1s is Okapi BM25.
 */
export function bm25DocumentVector(text: string, opts: { k1?: number; b?: number; avgDocLength?: number } = {}): SparseVector {
  const k1 = opts.k1 ?? 1.2;
  const b = opts.b ?? 0.75;
  const avg = opts.avgDocLength ?? 12;
  const tokens = tokenize(text);
  const tf = new Map<number, number>();
  for (const t of tokens) {
    const id = termId(t);
    tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  const norm = k1 * (1 - b + (b * tokens.length) / avg);
  const w = new Map<number, number>();
  for (const [id, f] of tf) w.set(id, (f * (k1 + 1)) / (f + norm));
  return toSparse(w);
}

/** Query side: weight 1 per distinct term (Qdrant multiplies in the idf). */
export function bm25QueryVector(text: string): SparseVector {
  const w = new Map<number, number>();
  for (const t of tokenize(text)) w.set(termId(t), 1);
  return toSparse(w);
}

/** RFC 4122 version-5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
