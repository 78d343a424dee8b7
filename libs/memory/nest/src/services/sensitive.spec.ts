import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import type { MemoryScope } from '@frontier/memory-contracts';
import { ruleBasedExtractor, type Extractor } from '@frontier/memory-domain';
import { TenantSettingsRepository } from '@frontier/memory-data-access';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext } from '../ports';

/** Stands in for the hosted LLM extractor (cannot run here): it "infers" what a careless model would. */
const inferringLlm: Extractor = {
  id: 'llm:mock-careless',
  extract: async () => [
    { text: 'The user is Christian', type: 'religion', confidence: 0.9, turnIds: ['t0'] }, // from "I went to church"
    { text: 'I am gay', type: 'sexuality', confidence: 0.9, turnIds: ['t1'] }, // said of the brother
    { text: 'I have asthma', type: 'health', confidence: 0.95, turnIds: ['t2'] }, // stated
    { text: 'User prays before meals', type: 'context', confidence: 0.9, turnIds: ['t0'] }, // religion by its words
    { text: 'I love jazz', type: 'preference', confidence: 0.9, turnIds: ['t3'] },
  ],
};

const turns = [
  { id: 't0', role: 'user' as const, content: 'I went to church on Sunday and we said grace before lunch.' },
  { id: 't1', role: 'user' as const, content: 'My brother is gay and just got engaged.' },
  { id: 't2', role: 'user' as const, content: 'I have asthma, so winter runs are hard.' },
  { id: 't3', role: 'user' as const, content: 'I love jazz.' },
];

describe('sensitive attributes in extraction and the profile block (real Postgres, real USE-lite; the LLM extractor is a mock: no hosted LLM here)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let embedder: TextEmbedder;
  let ctx: MemoryContext;
  let svc: MemoryServices;
  let settings: TenantSettingsRepository;

  beforeAll(async () => {
    db = await createTestDatabase('memory_sensitive');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    embedder = await createUseEmbedder({ inline: true });
    ctx = createMemoryContext({ prisma, embedder });
    svc = createMemoryServices(ctx);
    settings = new TenantSettingsRepository(prisma);
  }, 60_000);

  afterAll(async () => {
    await ctx.index.close();
    await embedder.close?.();
    await prisma.onModuleDestroy();
    await db.drop();
  });

  const run = async (policy: 'allow' | 'explicit-only' | 'never' | null, extractor: Extractor) => {
    const tenantId = (await prisma.tenant.create({ data: { name: `t-${policy}-${extractor.id}-${Math.random().toString(36).slice(2)}` } })).id;
    if (policy) await settings.setSensitivePolicy(tenantId, policy);
    const scope: MemoryScope = { tenantId, userId: 'u' };
    const s = await svc.sessions.store(scope, { sessionId: 's1', turns });
    const outcome = await svc.extraction.process(scope, s.id, { extractor, minSessionTokens: 0 });
    const stored = (await svc.memories.list(scope)).items.map((v) => [v.memory.type, v.memory.text]);
    return { scope, outcome, stored: stored.sort() };
  };

  it('default (explicit-only): what the LLM inferred is dropped, what the user stated about themselves is kept; nothing sensitive is echoed', async () => {
    const { outcome, stored } = await run(null, inferringLlm);
    expect(stored).toEqual([
      ['health', 'I have asthma'],
      ['preference', 'I love jazz'],
    ]);
    const dropped = outcome.results.filter((r) => r.reason?.startsWith('sensitive'));
    expect(dropped).toHaveLength(3);
    expect(dropped.every((r) => r.text === '')).toBe(true);
  }, 60_000);

  it('per tenant: allow keeps the inferences (typed by topic); never keeps no sensitive fact at all', async () => {
    const allow = await run('allow', inferringLlm);
    expect(allow.stored.map(([t]) => t)).toEqual(['health', 'preference', 'religion', 'religion', 'sexuality']);
    const never = await run('never', inferringLlm);
    expect(never.stored).toEqual([['preference', 'I love jazz']]);
    // the rule extractor under the default: the stated asthma only
    const rules = await run('explicit-only', ruleBasedExtractor);
    expect(rules.stored.filter(([t]) => t === 'health' || t === 'religion' || t === 'sexuality')).toEqual([['health', 'I have asthma, so winter runs are hard']]);
  }, 60_000);

  it('the profile block leaves sensitive facts out unless the query is about that topic', async () => {
    const { scope } = await run(null, inferringLlm);
    const cooking = await svc.memories.search(scope, { query: 'Any ideas for music tonight? I love jazz', record: false });
    expect(cooking.profile).not.toMatch(/asthma/);
    const health = await svc.memories.search(scope, { query: 'Is running in the cold bad for my asthma?', record: false });
    expect(health.profile).toMatch(/asthma/);
  }, 60_000);
});
