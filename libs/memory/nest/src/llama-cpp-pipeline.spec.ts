import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatModel } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { writeTinyModel } from '@frontier/ml-llama-cpp';
import { ModelRegistry, resolveModelsConfig } from '@frontier/ml-registry';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { createMemoryContext, createMemoryServices, type MemoryServices } from './context';
import { LlmExtractor } from './llm-extractor';

// What memory-worker runs with ML_LLM=llama-cpp:<file.gguf>: the registry's LLM is both the
// extractor and the biographer. The model is the tiny GGUF the test writes (it knows nothing; its
// output is steered to one known fact), on real Postgres and the real USE-lite embedder.
describe('memory pipeline with the embedded llama.cpp LLM (tiny GGUF written by the test)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-gguf-'));
  const registry = new ModelRegistry(resolveModelsConfig({ ML_LLM: `llama-cpp:${writeTinyModel(join(dir, 'tiny.gguf'))}`, ML_LLM_THREADS: '1' }));
  let db: TestDatabase;
  let prisma: PrismaService;
  let svc: MemoryServices;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('memory_llama_cpp');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    const llm = (await registry.optionalLlm()) as ChatModel;
    const ctx = createMemoryContext({ prisma, embedder: await createUseEmbedder({ inline: true }), extractor: new LlmExtractor(llm) });
    svc = createMemoryServices(ctx, llm);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
  }, 90_000);

  afterAll(async () => {
    await svc.ctx.index.close();
    await prisma.onModuleDestroy();
    await db.drop();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a session is extracted by the model (schema-constrained), stored with its turn, and the biography is the model\'s', async () => {
    const scope = { tenantId, userId: 'sam' };
    const s = await svc.sessions.store(scope, { sessionId: 's1', turns: [{ id: 't1', role: 'user', content: 'Remember that I like tea, green tea mostly.' }] });
    const out = await svc.extraction.process(scope, s.id);
    expect(out.results.map((r) => [r.event, r.text])).toEqual([['ADD', 'I like tea']]);
    const stored = (await svc.memories.list(scope, {})).items.map((v) => v.memory).find((m) => m.type !== ('episode' as string));
    expect(stored).toMatchObject({ text: 'I like tea', type: 'preference', confidence: 0.9, provenance: { turnIds: ['t1'] } });
    const bio = await svc.biography.rebuild(scope);
    expect(bio).toMatchObject({ rebuilt: true, factCount: 1, generator: 'llm:llama-cpp:tiny' });
    expect(typeof bio.text).toBe('string');
  }, 90_000);

  it('facts beyond the model\'s context: the biography falls back to the grouped summary instead of failing', async () => {
    const small = new ModelRegistry(resolveModelsConfig({ ML_LLM: `llama-cpp:${join(dir, 'tiny.gguf')}`, ML_LLM_THREADS: '1', ML_LLM_CONTEXT: '1024' }));
    try {
      const bio = await createMemoryServices(svc.ctx, await small.optionalLlm()).biography.rebuild({ tenantId, userId: 'sam' }, true);
      expect(bio).toMatchObject({ rebuilt: true, factCount: 1, generator: 'deterministic-v1 (the facts exceed the LLM context)' });
      expect(bio.text).toBe('Preferences: you like tea.');
    } finally {
      await small.close();
    }
  }, 60_000);
});

