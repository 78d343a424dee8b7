import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QdrantClient } from '@qdrant/js-client-rest';
import type { IndexScope } from '../port';
import { DimensionMismatchError, VectorIndexStateError } from '../port';
import { bm25DocumentVector, bm25QueryVector, uuidV5 } from './sparse';
import { QdrantVectorIndex } from './qdrant-vector-index';

interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
}
type Reply = (req: Recorded) => unknown;

/** Records every request and answers minimal valid Qdrant JSON (`{result, status, time}`). */
class QdrantStandIn {
  readonly requests: Recorded[] = [];
  exists = false;
  dense = 8;
  sharding = 'auto';
  query: Reply = () => ({ points: [] });
  batch: Reply = () => [{ points: [] }, { points: [] }];
  private server?: Server;
  private url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The real client, pointed at this stand-in. */
  client(): QdrantClient {
    return new QdrantClient({ url: this.url, checkCompatibility: false });
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }

  of(method: string, suffix: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.endsWith(suffix));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const rec: Recorded = { method: req.method ?? '', path: (req.url ?? '').split('?')[0], body: raw ? JSON.parse(raw) : {} };
    this.requests.push(rec);
    const ok = { operation_id: this.requests.length, status: 'completed' };
    const p = rec.path;
    let result: unknown = ok;
    if (p.endsWith('/exists')) result = { exists: this.exists };
    else if (rec.method === 'PUT' && /^\/collections\/[^/]+$/.test(p)) {
      this.exists = true;
      this.sharding = String(rec.body['sharding_method'] ?? 'auto');
      result = true;
    } else if (rec.method === 'GET' && /^\/collections\/[^/]+$/.test(p)) result = { status: 'green', config: { params: { vectors: { dense: { size: this.dense, distance: 'Cosine' } }, sharding_method: this.sharding } } };
    else if (p.endsWith('/points/count')) result = { count: 3 };
    else if (p.endsWith('/points/query/batch')) result = this.batch(rec);
    else if (p.endsWith('/points/query')) result = this.query(rec);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ result, status: 'ok', time: 0.0001 }));
  }
}

describe('QdrantVectorIndex (mock Qdrant server: a loopback HTTP stand-in answering the REST routes the adapter calls)', () => {
  const alice: IndexScope = { tenantId: 'acme', userId: 'alice' };
  const tenantFilter = [
    { key: 'tenant_id', match: { value: 'acme' } },
    { key: 'user_id', match: { value: 'alice' } },
  ];
  let qd: QdrantStandIn;
  let index: QdrantVectorIndex;
  const v = (x: number): Float32Array => Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? x : 0.1));

  beforeEach(async () => {
    qd = new QdrantStandIn();
    await qd.start();
    index = new QdrantVectorIndex({ client: qd.client(), dimension: 8, collection: 'mem' });
  });
  afterEach(async () => {
    await index.close();
    await qd.stop();
  });

  it('creates the collection (dense cosine + sparse idf, per-tenant HNSW) and both tenant payload indexes, once', async () => {
    await Promise.all([index.ensureCollection(), index.count(alice)]);
    expect(qd.of('PUT', '/collections/mem')).toEqual([
      expect.objectContaining({
        body: {
          vectors: { dense: { size: 8, distance: 'Cosine' } },
          sparse_vectors: { bm25: { modifier: 'idf' } },
          hnsw_config: { m: 0, payload_m: 16 },
        },
      }),
    ]);
    expect(qd.of('PUT', '/collections/mem/index').map((r) => r.body)).toEqual([
      { field_name: 'tenant_id', field_schema: { type: 'keyword', is_tenant: true } },
      { field_name: 'user_id', field_schema: { type: 'keyword', is_tenant: true } },
    ]);
    // a second instance (another replica) finds the collection: no create, indexes re-asserted
    const replica = new QdrantVectorIndex({ client: qd.client(), dimension: 8, collection: 'mem' });
    await replica.ensureCollection();
    expect(qd.of('PUT', '/collections/mem')).toHaveLength(1);
    expect(qd.of('PUT', '/collections/mem/index')).toHaveLength(4);
  });

  it('refuses a collection whose dense size differs from the index dimension', async () => {
    qd.exists = true;
    qd.dense = 16;
    await expect(index.ensureCollection()).rejects.toThrow(VectorIndexStateError);
    expect(qd.of('PUT', '/collections/mem')).toHaveLength(0);
  });

  it('upserts UUIDv5 point ids with our id and both tenant keys in the payload, dense + sparse vectors', async () => {
    await index.upsert(alice, [
      { id: 'm1', vector: v(1), text: 'I am allergic to peanuts' },
      { id: 'm2', vector: v(2) },
    ]);
    const [put] = qd.of('PUT', '/collections/mem/points');
    const points = put.body['points'] as Array<Record<string, unknown>>;
    expect(points[0]).toEqual({
      id: index.pointId(alice, 'm1'),
      vector: { dense: Array.from(v(1)), bm25: bm25DocumentVector('I am allergic to peanuts') },
      payload: { tenant_id: 'acme', user_id: 'alice', memory_id: 'm1' },
    });
    expect(points[1]['vector']).toEqual({ dense: Array.from(v(2)) });
    expect(index.pointId(alice, 'm1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(index.pointId(alice, 'm1')).not.toBe(index.pointId({ tenantId: 'other', userId: 'alice' }, 'm1'));
    await expect(index.upsert(alice, [{ id: 'x', vector: new Float32Array(3).fill(1) }])).rejects.toThrow(DimensionMismatchError);
  });

  it('filters every delete and count by tenant_id AND user_id', async () => {
    await index.remove(alice, ['m1', 'm2']);
    await index.deleteScope(alice);
    expect(await index.count(alice)).toBe(3);
    const deletes = qd.of('POST', '/points/delete').map((r) => r.body);
    expect(deletes).toEqual([
      { filter: { must: [...tenantFilter, { has_id: [index.pointId(alice, 'm1'), index.pointId(alice, 'm2')] }] } },
      { filter: { must: tenantFilter } },
    ]);
    expect(qd.of('POST', '/points/count')[0].body).toEqual({ filter: { must: tenantFilter }, exact: true });
  });

  it('dense search: one filtered Query API call, score read as cosine, foreign payloads dropped', async () => {
    qd.query = () => ({
      points: [
        { id: index.pointId(alice, 'm1'), version: 1, score: 0.9, payload: { tenant_id: 'acme', user_id: 'alice', memory_id: 'm1' } },
        { id: 'ffffffff-ffff-5fff-bfff-ffffffffffff', version: 1, score: 0.8, payload: { tenant_id: 'evil', user_id: 'alice', memory_id: 'x' } },
      ],
    });
    const hits = await index.search(alice, { vector: v(1), k: 5, excludeIds: ['m9'] });
    expect(hits).toEqual([{ id: 'm1', cosine: 0.9 }]);
    const [q] = qd.of('POST', '/points/query');
    expect(q.body).toMatchObject({
      query: Array.from(v(1)),
      using: 'dense',
      limit: 5,
      filter: { must: tenantFilter, must_not: [{ has_id: [index.pointId(alice, 'm9')] }] },
    });
  });

  it('hybrid search: prefetch dense + sparse fused by RRF, then exact dense cosine and sparse score for the fused ids', async () => {
    const p1 = index.pointId(alice, 'm1');
    const p2 = index.pointId(alice, 'm2');
    const own = (id: string, mem: string, score: number): Record<string, unknown> => ({ id, version: 1, score, payload: { tenant_id: 'acme', user_id: 'alice', memory_id: mem } });
    qd.query = () => ({ points: [own(p2, 'm2', 0.5), own(p1, 'm1', 0.4)] });
    qd.batch = () => [{ points: [own(p1, 'm1', 0.7), own(p2, 'm2', 0.2)] }, { points: [own(p2, 'm2', 3.0)] }];
    const hits = await index.search(alice, { vector: v(1), text: 'peanuts allergy', k: 2 });
    expect(hits).toEqual([
      { id: 'm2', cosine: 0.2, lexical: 1 },
      { id: 'm1', cosine: 0.7, lexical: 0 },
    ]);
    const [fused] = qd.of('POST', '/points/query');
    const scoped = { must: tenantFilter };
    expect(fused.body).toMatchObject({
      query: { fusion: 'rrf' },
      filter: scoped,
      limit: 2,
      prefetch: [
        { query: Array.from(v(1)), using: 'dense', filter: scoped, limit: 20 },
        { query: bm25QueryVector('peanuts allergy'), using: 'bm25', filter: scoped, limit: 20 },
      ],
    });
    const [batch] = qd.of('POST', '/points/query/batch');
    const only = { must: [...tenantFilter, { has_id: [p2, p1] }] };
    expect(batch.body['searches']).toEqual([
      expect.objectContaining({ using: 'dense', filter: only, params: { exact: true } }),
      expect.objectContaining({ using: 'bm25', filter: only, params: { exact: true } }),
    ]);
    // every read request carries the tenant filter
    for (const r of qd.requests.filter((x) => x.path.includes('/points/query'))) expect(JSON.stringify(r.body)).toContain('"tenant_id"');
  });

  it('user-defined sharding (shardKeys): a custom-sharded collection with its keys; every call about a user names its one shard key', async () => {
    const sharded = new QdrantVectorIndex({ client: qd.client(), dimension: 8, collection: 'mem', shardKeys: 4 });
    await sharded.ensureCollection();
    expect(qd.of('PUT', '/collections/mem')[0].body).toMatchObject({ sharding_method: 'custom', hnsw_config: { m: 0, payload_m: 16 } });
    expect(qd.of('PUT', '/collections/mem/shards').map((r) => r.body)).toEqual([0, 1, 2, 3].map((i) => ({ shard_key: `u${i}` })));
    const key = sharded.shardKeyOf(alice);
    expect(key).toMatch(/^u[0-3]$/);
    expect(new Set(Array.from({ length: 64 }, (_, i) => sharded.shardKeyOf({ tenantId: 'acme', userId: `user-${i}` }))).size).toBe(4);
    expect(index.shardKeyOf(alice)).toBeNull();

    qd.query = () => ({ points: [{ id: sharded.pointId(alice, 'm1'), version: 1, score: 0.9, payload: { tenant_id: 'acme', user_id: 'alice', memory_id: 'm1' } }] });
    await sharded.upsert(alice, [{ id: 'm1', vector: v(1), text: 'allergic to peanuts' }]);
    await sharded.search(alice, { vector: v(1), k: 3 });
    await sharded.search(alice, { vector: v(1), k: 3, text: 'peanuts' });
    await sharded.count(alice);
    await sharded.remove(alice, ['m1']);
    await sharded.deleteScope(alice);
    const calls = qd.requests.filter((r) => r.path.includes('/points'));
    expect(calls.map((c) => c.path.replace('/collections/mem/points', ''))).toEqual(['', '/query', '/query', '/query/batch', '/count', '/delete', '/delete']);
    for (const c of calls) {
      const searches = c.body['searches'] as Array<Record<string, unknown>> | undefined;
      if (searches) for (const one of searches) expect(one['shard_key']).toBe(key);
      else expect(c.body['shard_key']).toBe(key);
    }
  });

  it('refuses shardKeys on a collection made with automatic sharding, and a bad shardKeys', async () => {
    qd.exists = true;
    const sharded = new QdrantVectorIndex({ client: qd.client(), dimension: 8, collection: 'mem', shardKeys: 2 });
    await expect(sharded.ensureCollection()).rejects.toThrow(/uses auto sharding; shardKeys needs a collection created with custom sharding/);
    expect(() => new QdrantVectorIndex({ client: qd.client(), dimension: 8, shardKeys: -1 })).toThrow(/shardKeys must be a whole number from 0 to 4096/);
  });

  it('maps ids with RFC 4122 UUIDv5 (checked against a published vector)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == 886313e1-3b8a-5372-9b90-0c9aee199e5d
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});
