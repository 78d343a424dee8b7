/**
 * Memory vector index speed: search latency p50/p95/p99 of EmbeddedVectorIndex for one user with
 * 10,000 memories (512-d, the offline encoder's size, and 64-d), exact vs HNSW (with recall@10),
 * and for 1,000 users × 1,000 memories (64-d, all resident, a random user per query); cold-load
 * time of a user through the loader; a naive scan baseline in the same run (number[] vectors,
 * cosine with plain loops, norms recomputed, objects allocated and sorted per query). RSS noted.
 *
 *   node -r @swc-node/register bench/memory/vector-index.ts [queries=1000]
 */
import { EmbeddedVectorIndex, type IndexItem, type IndexScope } from '@frontier/memory-vector-index';
import { randomVector, rng } from '../lib/random';

const QUERIES = Number(process.argv[2] ?? 1000);
const K = 10;
const next = rng(2026);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

interface Lat {
  p50: number;
  p95: number;
  p99: number;
}
function latencies(times: number[]): Lat {
  return { p50: r3(pct(times, 50)), p95: r3(pct(times, 95)), p99: r3(pct(times, 99)) };
}

async function timeQueries<T>(n: number, run: (i: number) => Promise<T> | T): Promise<{ lat: Lat; out: T[] }> {
  for (let i = 0; i < Math.min(100, n); i++) await run(i); // warm-up
  const times: number[] = [];
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    out.push(await run(i));
    times.push(performance.now() - t0);
  }
  return { lat: latencies(times), out };
}

/** The naive way: number[] rows, cosine with plain loops (norms every time), allocate + sort. */
function naiveSearch(rows: Array<{ id: string; v: number[] }>, q: number[], k: number): Array<{ id: string; cosine: number }> {
  return rows
    .map((r) => {
      let d = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < q.length; i++) {
        d += q[i] * r.v[i];
        na += q[i] * q[i];
        nb += r.v[i] * r.v[i];
      }
      return { id: r.id, cosine: d / Math.sqrt(na * nb) };
    })
    .sort((a, b) => b.cosine - a.cosine)
    .slice(0, k);
}

/** Synthetic vocabulary: word w is drawn with probability ∝ 1/(w+1) (Zipf-like, as real text). */
const VOCAB = Array.from({ length: 2000 }, (_, w) => `w${w.toString(36)}x`);
const ZIPF = (() => {
  const c = new Float64Array(VOCAB.length);
  let s = 0;
  for (let w = 0; w < VOCAB.length; w++) c[w] = s += 1 / (w + 1);
  return c.map((x) => x / s);
})();
function words(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = next();
    let lo = 0;
    let hi = ZIPF.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ZIPF[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    out.push(VOCAB[lo]);
  }
  return out.join(' ');
}

/**
 * Embedding-like data: 100 cluster centres per set, each vector a centre plus noise (cosine to
 * its centre ≈ 0.7). `uniform` gives i.i.d. uniform vectors instead, the worst case for HNSW.
 */
function vectors(n: number, dim: number, uniform = false): Float32Array[] {
  const centres = Array.from({ length: 100 }, () => randomVector(dim, next));
  return Array.from({ length: n }, () => {
    const v = randomVector(dim, next);
    if (uniform) return v;
    const c = centres[Math.floor(next() * centres.length)];
    for (let j = 0; j < dim; j++) v[j] = c[j] + v[j] * 0.9;
    return v;
  });
}

function makeItems(n: number, dim: number, uniform = false): IndexItem[] {
  return vectors(n, dim, uniform).map((vector, i) => ({ id: `m${i}`, vector, text: words(8) }));
}

async function oneUser(dim: number, uniform = false): Promise<Record<string, unknown>> {
  const items = makeItems(10_000, dim, uniform);
  // queries from the same distribution as the data (fresh points, not copies)
  const queries = vectors(QUERIES, dim, uniform);
  const scope: IndexScope = { tenantId: 't', userId: 'u' };
  const loader = async (): Promise<IndexItem[]> => items;

  const exact = new EmbeddedVectorIndex({ dimension: dim, loader });
  let t0 = performance.now();
  await exact.count(scope);
  const coldLoadExactMs = performance.now() - t0;
  const e = await timeQueries(QUERIES, (i) => exact.search(scope, { vector: queries[i], k: K }));

  const hnsw = new EmbeddedVectorIndex({ dimension: dim, loader, exactThreshold: 1000 });
  t0 = performance.now();
  await hnsw.count(scope);
  const coldLoadHnswMs = performance.now() - t0;
  const h = await timeQueries(QUERIES, (i) => hnsw.search(scope, { vector: queries[i], k: K }));
  let found = 0;
  h.out.forEach((hits, i) => {
    const truth = new Set(e.out[i].map((x) => x.id));
    found += hits.filter((x) => truth.has(x.id)).length;
  });

  const hybrid = await timeQueries(QUERIES, (i) => exact.search(scope, { vector: queries[i], text: words(3), k: K }));

  const rows = items.map((it) => ({ id: it.id, v: Array.from(it.vector) }));
  const naive = await timeQueries(Math.min(QUERIES, 300), (i) => naiveSearch(rows, Array.from(queries[i]), K));
  const out = {
    dim,
    data: uniform ? 'uniform' : 'clustered',
    coldLoadExactMs: r3(coldLoadExactMs),
    coldLoadHnswMs: r3(coldLoadHnswMs),
    exact: e.lat,
    hnsw: h.lat,
    hnswRecall10: r3(found / (QUERIES * K)),
    hybridExact: hybrid.lat,
    naive: naive.lat,
    naiveOverExactP50: r3(naive.lat.p50 / e.lat.p50),
    naiveOverHnswP50: r3(naive.lat.p50 / h.lat.p50),
    rssMb: rssMb(),
  };
  await exact.close();
  await hnsw.close();
  return out;
}

async function manyUsers(): Promise<Record<string, unknown>> {
  const dim = 64;
  const users = 1000;
  const per = 1000;
  const db = new Map<string, IndexItem[]>();
  for (let u = 0; u < users; u++) db.set(`u${u}`, makeItems(per, dim));
  const rss0 = rssMb();
  let loadMs: number[] = [];
  const index = new EmbeddedVectorIndex({ dimension: dim, maxUsers: users, loader: async (s) => db.get(s.userId) ?? [] });
  for (let u = 0; u < users; u++) {
    const t0 = performance.now();
    await index.count({ tenantId: 't', userId: `u${u}` });
    loadMs.push(performance.now() - t0);
  }
  const coldLoad = latencies(loadMs);
  loadMs = [];
  const rssLoaded = rssMb();
  const pick = Array.from({ length: QUERIES }, () => Math.floor(next() * users));
  const queries = vectors(QUERIES, dim);
  const r = await timeQueries(QUERIES, (i) => index.search({ tenantId: 't', userId: `u${pick[i]}` }, { vector: queries[i], k: K }));
  const naiveRows = new Map([...db].map(([u, items]) => [u, items.map((it) => ({ id: it.id, v: Array.from(it.vector) }))]));
  const n = await timeQueries(QUERIES, (i) => naiveSearch(naiveRows.get(`u${pick[i]}`) ?? [], Array.from(queries[i]), K));
  const stats = index.stats();
  await index.close();
  return {
    users,
    perUser: per,
    dim,
    coldLoad1k: coldLoad,
    search: r.lat,
    naive: n.lat,
    naiveOverIndexP50: r3(n.lat.p50 / r.lat.p50),
    evictions: stats.evictions,
    approxIndexMb: Math.round(stats.approxBytes / 2 ** 20),
    rssSourceMb: rss0,
    rssLoadedMb: rssLoaded,
  };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const [dim, uniform] of [[512, false], [64, false], [512, true]] as const) {
    const r = await oneUser(dim, uniform);
    results[`oneUser${dim}${uniform ? 'Uniform' : ''}`] = r;
    console.log(`one user, 10,000 × ${dim}-d (${r['data']}):`, JSON.stringify(r));
  }
  const m = await manyUsers();
  results['manyUsers'] = m;
  console.log('1,000 users × 1,000 × 64-d:', JSON.stringify(m));
  console.log(JSON.stringify({ bench: 'memory-vector-index', queries: QUERIES, k: K, node: process.version, ...results }));
}

void main();
