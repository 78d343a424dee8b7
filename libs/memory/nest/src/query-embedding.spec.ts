import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { memoryQueryEmbedder, memoryQueryEmbeddingConfig } from './config';
import { createMemoryContext, createMemoryServices } from './context';

jest.setTimeout(120_000);

/** Wraps an embedder and logs the texts it is asked for. */
const logging = (inner: TextEmbedder): TextEmbedder & { texts: string[] } => {
  const texts: string[] = [];
  return { modelId: inner.modelId, adapter: inner.adapter, dimension: inner.dimension, texts, embed: (ts) => (texts.push(...ts), inner.embed(ts)) };
};

describe('memory search query embedding (issue 14): MEMORY_QUERY_EMBEDDING on real Postgres and the real USE-lite', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let use: TextEmbedder;

  beforeAll(async () => {
    db = await createTestDatabase('memory_query_embedding');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.$connect();
    use = await createUseEmbedder({ inline: true });
  });
  afterAll(async () => {
    await use.close?.();
    await prisma.$disconnect();
    await db.drop();
  });

  it('reads the variables and names the one that is wrong', () => {
    expect(memoryQueryEmbeddingConfig({})).toEqual({});
    expect(memoryQueryEmbeddingConfig({ MEMORY_QUERY_EMBEDDING: 'model', MEMORY_QUERY_CACHE: '500' })).toEqual({ mode: 'model', cacheEntries: 500 });
    expect(() => memoryQueryEmbeddingConfig({ MEMORY_QUERY_EMBEDDING: 'fast' })).toThrow(/^MEMORY_QUERY_EMBEDDING: must be one of static, model, direct/);
    expect(() => memoryQueryEmbeddingConfig({ MEMORY_QUERY_CACHE: '0' })).toThrow(/^MEMORY_QUERY_CACHE:/);
  });

  it('defaults to the static table for USE-lite; `direct` is the model itself', async () => {
    expect((await memoryQueryEmbedder(use, {})).modelId).toBe('use-lite-512:static');
    expect(await memoryQueryEmbedder(use, { MEMORY_QUERY_EMBEDDING: 'direct' })).toBe(use);
    expect((await memoryQueryEmbedder(use, { MEMORY_QUERY_EMBEDDING: 'model' })).modelId).toBe('use-lite-512');
  });

  it('search embeds the query with the query embedder, documents stay with the model, and the fact is found', async () => {
    const tenantId = (await prisma.tenant.create({ data: { name: 'qe' } })).id;
    const docs = logging(use);
    const queries = logging(await memoryQueryEmbedder(use, {}));
    const ctx = createMemoryContext({ prisma, embedder: docs, queryEmbedder: queries });
    const svc = createMemoryServices(ctx);
    const scope = { tenantId, userId: 'sam' };
    const stored = await svc.sessions.store(scope, {
      sessionId: 's1',
      turns: [{ id: 't1', role: 'user', content: 'Remember that I am allergic to peanuts. I work as a nurse at the city hospital and I adopted a cat named Miso.' }],
    });
    await svc.extraction.process(scope, stored.id);
    const before = docs.texts.length;
    const r = await svc.memories.search(scope, { query: 'What food should I avoid?', limit: 3, record: false });
    expect(queries.texts).toEqual(['What food should I avoid?']);
    expect(docs.texts.length).toBe(before); // the model was not asked for the query
    expect(r.memories.map((m) => m.memory.text).join(' | ')).toMatch(/peanut/i);
    await ctx.index.close();
  });
});
