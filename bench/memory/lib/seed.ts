/** Bulk seeding for the latency bench: server-side INSERT … SELECT from a pool of random unit vectors. */
import { Rng } from '@frontier/platform-util';
import { Client } from 'pg';
import { randomVector } from '../../lib/random';

const WORDS = 'coffee hiking paris tokyo sister brother dog cat piano guitar marathon yoga vegan allergy peanuts work acme startup garden painting camping beach novel movie concert birthday wedding doctor nurse teacher school college football tennis swimming cooking pasta sushi travel museum kayak climbing chess photography dance violin bakery cycling skiing surfing volunteering church library bookstore podcast'.split(' ');

export const vocabulary = (): string[] => WORDS;

/** A random direction, unit length (the index normalises anyway; the naive scan relies on it). */
export function randomUnit(dim: number, next: () => number): Float32Array {
  const v = randomVector(dim, next);
  const inv = 1 / Math.hypot(...v);
  return v.map((x) => x * inv);
}

/** Uniform draws in [0, 1) from the workspace's seeded PRNG. */
export function makeRng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/**
 * `users` users (`u0`…) × `perUser` memories, vectors drawn from a pool of `pool` random unit
 * vectors (distinct within a user while perUser ≤ pool), texts of three vocabulary words.
 */
export async function seedMemories(url: string, o: { tenantId: string; users: number; perUser: number; dim: number; modelId: string; pool?: number; userPrefix?: string }): Promise<number> {
  const pool = o.pool ?? 16_384;
  const c = new Client({ connectionString: url });
  await c.connect();
  const t0 = performance.now();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS bench_vec_pool (i int PRIMARY KEY, v bytea NOT NULL)');
    await c.query('TRUNCATE bench_vec_pool');
    const next = makeRng(2026 + o.dim);
    for (let start = 0; start < pool; start += 512) {
      const vals: unknown[] = [];
      const ph: string[] = [];
      for (let i = start; i < Math.min(pool, start + 512); i++) {
        const v = randomUnit(o.dim, next);
        vals.push(i, Buffer.from(v.buffer));
        ph.push(`($${vals.length - 1}, $${vals.length})`);
      }
      await c.query(`INSERT INTO bench_vec_pool (i, v) VALUES ${ph.join(',')}`, vals);
    }
    const words = `ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]`;
    const nw = WORDS.length;
    // one statement per slice of users keeps each transaction (and the WAL burst) moderate
    const slice = Math.max(1, Math.floor(200_000 / o.perUser));
    for (let u0 = 0; u0 < o.users; u0 += slice) {
      const u1 = Math.min(o.users, u0 + slice);
      await c.query(
        `INSERT INTO memories (id, tenant_id, user_id, text, type, confidence, source_hash, extractor, embedding_model, embedding, valid_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, $2 || (g / $3)::text,
                'I like ' || (${words})[1 + (g * 31) % ${nw}] || ' and ' || (${words})[1 + (g * 17 + 5) % ${nw}] || ' with ' || (${words})[1 + (g * 7 + 11) % ${nw}],
                (ARRAY['preference','context','biography','work','plan'])[1 + g % 5], 0.6 + (g % 40) / 100.0, 'bench', 'bench', $4,
                p.v, now() - ((g % 400) || ' days')::interval, now()
         FROM generate_series($5::int, $6::int - 1) g JOIN bench_vec_pool p ON p.i = ((g % $3) * 7919 + (g / $3) * 104729) % ${pool}`,
        [o.tenantId, o.userPrefix ?? 'u', o.perUser, o.modelId, u0 * o.perUser, u1 * o.perUser],
      );
    }
    await c.query('ANALYZE memories');
  } finally {
    await c.end();
  }
  return performance.now() - t0;
}
