/** Test helpers of the erasure suites: a fast embedder, an index with a fault switch, the residue scanner. */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { TextEmbedder } from '@frontier/ml-ports';
import { VectorIndexError, type IndexItem, type IndexScope, type SearchHit, type SearchQuery, type VectorIndex } from '@frontier/memory-vector-index';

/**
 * A deterministic hashed bag-of-words embedder (256 dims): stands in for USE-lite (~25
 * sentences/s on this machine) so that a thousand erasures fit in CI time. Distinct tokens give
 * near-orthogonal vectors, which is all erasure needs.
 */
export class HashingEmbedder implements TextEmbedder {
  readonly modelId = 'test-hashing-256';
  readonly adapter = 'test';
  readonly dimension = 256;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(this.dimension);
      for (const w of t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? ['∅']) {
        const h = createHash('sha256').update(w).digest();
        for (let i = 0; i < 4; i++) v[(h[i * 2] as number) % this.dimension] += (h[i * 2 + 1] as number) & 1 ? 1 : -1;
      }
      let n = 0;
      for (const x of v) n += x * x;
      if (n === 0) v[0] = n = 1;
      const s = 1 / Math.sqrt(n);
      return v.map((x) => x * s);
    });
  }
}

/** The index's fault hook: while `down`, every write (and deleteScope) fails as an unreachable index would. */
export class FaultyIndex implements VectorIndex {
  down = false;
  constructor(readonly inner: VectorIndex) {}
  get name() {
    return this.inner.name;
  }
  get dimension() {
    return this.inner.dimension;
  }
  private check(): void {
    if (this.down) throw new VectorIndexError('vector index unreachable (test fault)', 'unavailable');
  }
  async upsert(scope: IndexScope, items: IndexItem[]): Promise<void> {
    this.check();
    return this.inner.upsert(scope, items);
  }
  async remove(scope: IndexScope, ids: string[]): Promise<void> {
    this.check();
    return this.inner.remove(scope, ids);
  }
  async deleteScope(scope: IndexScope): Promise<void> {
    this.check();
    return this.inner.deleteScope(scope);
  }
  async search(scope: IndexScope, q: SearchQuery): Promise<SearchHit[]> {
    return this.inner.search(scope, q);
  }
  async invalidate(scope: IndexScope): Promise<void> {
    this.check();
    return this.inner.invalidate(scope);
  }
  async count(scope: IndexScope): Promise<number> {
    return this.inner.count(scope);
  }
  async close(): Promise<void> {
    return this.inner.close();
  }
}

/** A trace found: where, and what it matched. */
export interface Trace {
  where: string;
  found: string;
}

/** What must not be found anywhere: substrings (texts, ids) and raw vector bytes (hex). */
export interface Needles {
  /** Matched as substrings after extracting candidates with `pattern`. */
  pattern: RegExp;
  strings: Set<string>;
  /** Hex of each erased embedding (Float32 little-endian). */
  vectors: Set<string>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Candidates in a value: every match of the needle pattern and every uuid. */
function hits(value: string, n: Needles, where: string, out: Trace[]): void {
  for (const m of value.match(n.pattern) ?? []) if (n.strings.has(m)) out.push({ where, found: m });
  for (const m of value.match(UUID) ?? []) if (n.strings.has(m)) out.push({ where, found: m });
}

/** A bytea holding an erased vector: the whole value, or anywhere inside a longer one. */
function vectorHits(hex: string, vectors: Set<string>, where: string, out: Trace[]): void {
  if (vectors.has(hex)) out.push({ where, found: 'an erased embedding' });
  else for (const v of vectors) if (hex.length > v.length && hex.includes(v)) out.push({ where, found: 'an erased embedding (inside a longer value)' });
}

/**
 * Every text, varchar, bytea, json, jsonb and array column of every table in the public schema
 * (information_schema, so tables added later — encryption, sync — are covered too).
 */
export async function scanPostgres(url: string, n: Needles): Promise<{ traces: Trace[]; columns: number; values: number }> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const traces: Trace[] = [];
  let values = 0;
  try {
    const cols = await pg.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = 'public' AND (c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED', 'uuid'))`,
    );
    for (const c of cols.rows) {
      const col = `"${c.column_name}"`;
      const expr = c.data_type === 'bytea' ? `encode(${col}, 'hex')` : `${col}::text`;
      const r = await pg.query<{ v: string }>(`SELECT ${expr} AS v FROM "${c.table_name}" WHERE ${col} IS NOT NULL`);
      for (const row of r.rows) {
        values++;
        const where = `postgres ${c.table_name}.${c.column_name}`;
        if (c.data_type === 'bytea') vectorHits(row.v, n.vectors, where, traces);
        else hits(row.v, n, where, traces);
      }
    }
    return { traces, columns: cols.rows.length, values };
  } finally {
    await pg.end();
  }
}

/** Every key under the prefix (and BullMQ's hash-tagged `{prefix}`), whatever its type (strings, hashes, sets, lists, sorted sets, streams), its name included. */
export async function scanRedis(redis: Redis, prefix: string, n: Needles): Promise<{ traces: Trace[]; keys: number }> {
  const traces: Trace[] = [];
  let keys = 0;
  for (const pattern of [`${prefix}*`, `{${prefix}}*`]) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const key of batch) {
        keys++;
        const where = `redis ${key}`;
        hits(key, n, where, traces);
        const type = await redis.type(key);
        let content: unknown;
        if (type === 'string') content = await redis.get(key);
        else if (type === 'hash') content = await redis.hgetall(key);
        else if (type === 'set') content = await redis.smembers(key);
        else if (type === 'list') content = await redis.lrange(key, 0, -1);
        else if (type === 'zset') content = await redis.zrange(key, '0', '-1');
        else if (type === 'stream') content = await redis.xrange(key, '-', '+');
        hits(JSON.stringify(content ?? null), n, where, traces);
      }
    } while (cursor !== '0');
  }
  return { traces, keys };
}

/** Float32 little-endian hex of a vector (as stored in `memories.embedding`). */
export function vectorHex(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
}
