/**
 * Memory search latency (issue 4): searchMemories (Postgres fetch + EmbeddedVectorIndex hybrid
 * search + re-scoring, record: false) p50/p95/p99, excluding the embedding call (a precomputed
 * query vector) and including it (the real USE-lite encoder), index cold vs warm; the naive
 * baseline in the same run: fetch every live row of the user with its embedding from Postgres and
 * score cosine in JS. Cases: one user × 10,000 memories (512-d); 1,000 users × 1,000 memories
 * (512-d: 1M rows), a random user per query. Target: p95 ≤ 20 ms excluding embedding. Issue 14:
 * `shipped` = including the service's default query embedder (the static table distilled from
 * USE-lite), beside `withEmbedding` (USE-lite on every query, as before).
 *
 *   node -r @swc-node/register bench/memory/latency.ts [queries=1000] [users=1000]
 */
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { decodeVector } from '@frontier/memory-data-access';
import { memoryQueryEmbedder } from '@frontier/memory-nest';
import { createBenchMemory, type BenchMemory as MemoryDeps } from './lib/bench-memory';
import { printHeadline, round } from '../lib/harness';
import { openBenchDb, percentile, type BenchDb } from './lib/bench-db';
import { makeRng, randomUnit, seedMemories, vocabulary } from './lib/seed';

const QUERIES = Number(process.argv[2] ?? 1000);
const USERS = Number(process.argv[3] ?? 1000);
const next = makeRng(7);
const words = vocabulary();
const pick = () => words[Math.floor(next() * words.length)] as string;

interface Lat {
  n: number;
  p50: number;
  p95: number;
  p99: number;
}
const lat = (xs: number[]): Lat => ({ n: xs.length, p50: round(percentile(xs, 50), 2), p95: round(percentile(xs, 95), 2), p99: round(percentile(xs, 99), 2) });

/** Answers the query text with a vector computed beforehand: the search path without the model. */
function precomputed(dim: number, modelId: string): TextEmbedder & { set(text: string, v: Float32Array): void } {
  const m = new Map<string, Float32Array>();
  return {
    modelId,
    adapter: 'precomputed',
    dimension: dim,
    set: (t, v) => void m.set(t, v),
    embed: async (texts) => texts.map((t) => m.get(t) ?? randomUnit(dim, next)),
  };
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** Naive: all live rows of the user with embeddings from Postgres, cosine in JS, sort, top 10. */
async function naive(deps: MemoryDeps, tenantId: string, userId: string, q: Float32Array): Promise<string[]> {
  const rows = await deps.prisma.memory.findMany({ where: { tenantId, userId, deletedAt: null, supersededById: null, invalidAt: null }, select: { id: true, embedding: true } });
  return rows
    .map((r) => {
      const v = decodeVector(r.embedding) as Float32Array;
      let d = 0;
      for (let i = 0; i < q.length; i++) d += (q[i] as number) * (v[i] as number);
      return { id: r.id, s: d };
    })
    .sort((a, b) => b.s - a.s)
    .slice(0, 10)
    .map((x) => x.id);
}

const query = () => `what do you remember about ${pick()} and ${pick()}?`;

async function runCase(db: BenchDb, o: { users: number; perUser: number; dim: number; prefix: string; withEmbedding: boolean }) {
  const modelId = o.dim === 512 ? 'use-lite-512' : `bench-${o.dim}`;
  const seedMs = await seedMemories(db.url, { tenantId: db.tenantId, users: o.users, perUser: o.perUser, dim: o.dim, modelId, userPrefix: o.prefix });
  process.stderr.write(`seeded ${o.users}×${o.perUser} (${o.dim}-d) in ${(seedMs / 1000).toFixed(1)} s\n`);
  const emb = precomputed(o.dim, modelId);
  const fresh = () => createBenchMemory({ prisma: db.prisma, embedder: emb, index: { kind: 'embedded', residentUsers: o.users + 10 } });
  const user = () => `${o.prefix}${Math.floor(next() * o.users)}`;
  const scope = (u: string) => ({ tenantId: db.tenantId, userId: u });
  const ask = async (deps: MemoryDeps, u: string) => {
    const text = query();
    emb.set(text, randomUnit(o.dim, next));
    return deps.svc.memories.search(scope(u), { query: text, limit: 10, record: false });
  };
  // cold: the user's index is built from Postgres inside the measured search
  const coldN = o.users === 1 ? 5 : Math.min(200, o.users);
  const coldUsers = o.users === 1 ? Array.from({ length: coldN }, () => `${o.prefix}0`) : Array.from({ length: coldN }, (_, i) => `${o.prefix}${i}`);
  const coldDeps: MemoryDeps[] = [];
  const cold = await time(coldN, async (i) => {
    const d = o.users === 1 ? fresh() : (coldDeps[0] ??= fresh());
    if (o.users === 1) coldDeps.push(d);
    return ask(d, coldUsers[i] as string);
  });
  for (const d of coldDeps) await d.ctx.index.close();
  const deps = fresh();
  const tw = performance.now();
  for (let u = 0; u < o.users; u++) await deps.ctx.index.count(scope(`${o.prefix}${u}`));
  const warmLoadS = (performance.now() - tw) / 1000;
  for (let i = 0; i < 50; i++) await ask(deps, user());
  const warm = await time(QUERIES, () => ask(deps, user()));
  const naiveN = o.users === 1 ? 50 : 300;
  const naiveT = await time(naiveN, () => naive(deps, db.tenantId, user(), randomUnit(o.dim, next)));
  let withEmb: Lat | null = null;
  let embedOnly: Lat | null = null;
  let withShipped: Lat | null = null;
  let shippedEmbedOnly: Lat | null = null;
  if (o.withEmbedding) {
    const use = await createUseEmbedder({ inline: true });
    // USE-lite on every query (before issue 14), then the service's default query embedder (the static table)
    const shippedQuery = await memoryQueryEmbedder(use, {});
    for (const [queryEmbedder, set] of [
      [use, (a: Lat, b: Lat) => ((withEmb = a), (embedOnly = b))],
      [shippedQuery, (a: Lat, b: Lat) => ((withShipped = a), (shippedEmbedOnly = b))],
    ] as const) {
      const real = createBenchMemory({ prisma: db.prisma, embedder: use, queryEmbedder, index: { kind: 'embedded', residentUsers: o.users + 10 } });
      await real.ctx.index.count(scope(`${o.prefix}0`));
      for (let i = 0; i < 20; i++) await real.svc.memories.search(scope(user()), { query: query(), limit: 10, record: false });
      set(lat(await time(200, () => real.svc.memories.search(scope(user()), { query: query(), limit: 10, record: false }))), lat(await time(200, () => queryEmbedder.embed([query()]))));
      await real.ctx.index.close();
    }
    await use.close?.();
  }
  await deps.ctx.index.close();
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  return { seedS: round(seedMs / 1000, 1), warmLoadS: round(warmLoadS, 1), cold: lat(cold), warm: lat(warm), naive: lat(naiveT), withEmbedding: withEmb, embedOnly, withShippedQueryEmbedding: withShipped, shippedEmbedOnly, rssMb: rss };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const db = await openBenchDb('latency', 4);
  try {
    const one = await runCase(db, { users: 1, perUser: 10_000, dim: 512, prefix: 'solo', withEmbedding: true });
    process.stdout.write(`one user × 10,000 (512-d): ${JSON.stringify(one)}\n`);
    const many = await runCase(db, { users: USERS, perUser: 1000, dim: 512, prefix: 'u', withEmbedding: true });
    process.stdout.write(`${USERS} users × 1,000 (512-d): ${JSON.stringify(many)}\n`);
    const ratio = (a: Lat, b: Lat) => round(a.p95 / b.p95, 1);
    printHeadline('memory-latency', {
      oneUser10k: { warm: one.warm, cold: one.cold, withEmbedding: one.withEmbedding, shipped: one.withShippedQueryEmbedding, naive: one.naive, naiveOverWarmP95: ratio(one.naive, one.warm) },
      users1000x1000: { warm: many.warm, cold: many.cold, naive: many.naive, withEmbedding: many.withEmbedding, shipped: many.withShippedQueryEmbedding, naiveOverWarmP95: ratio(many.naive, many.warm), dim: 512 },
      targetP95Ms: 20,
      targetMet: one.warm.p95 <= 20 && many.warm.p95 <= 20,
      seconds: round((performance.now() - t0) / 1000, 1),
    });
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
