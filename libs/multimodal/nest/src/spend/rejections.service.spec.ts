import { SpendRepository, type RejectionCount } from '@frontier/multimodal-data-access';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { RateLimitedError } from '../limits/rate-limited.error';
import { rejectionReason, RejectionsService } from './rejections.service';

const window = { limit: 1, remaining: 0, resetAt: new Date() };
const limited = (kind: 'requests' | 'tokens' | 'budget', period?: 'day' | 'month') =>
  new RateLimitedError({ kind, ...(period ? { period } : {}), limit: 1, remaining: 0, retryAfterS: 1, resetAt: new Date(), used: 1, requested: 1, requests: window, tokens: null });

describe('rejectionReason: the counter a refusal goes to', () => {
  it('rate limits and budgets by kind; 413, 429, safety, context, other 4xx; none for 401 and 5xx', () => {
    expect(rejectionReason(limited('requests'), 429, 'rate_limit_exceeded')).toBe('rpm');
    expect(rejectionReason(limited('tokens'), 429, 'rate_limit_exceeded')).toBe('tpm');
    expect(rejectionReason(limited('budget', 'day'), 429, 'insufficient_quota')).toBe('budget_daily');
    expect(rejectionReason(limited('budget', 'month'), 429, 'insufficient_quota')).toBe('budget_monthly');
    expect(rejectionReason(new Error('x'), 413, 'request_too_large')).toBe('too_large');
    expect(rejectionReason(new Error('x'), 429, 'encoders_busy')).toBe('busy');
    expect(rejectionReason(new Error('x'), 400, 'content_policy_violation')).toBe('safety');
    expect(rejectionReason(new Error('x'), 400, 'context_length_exceeded')).toBe('context_length');
    expect(rejectionReason(new Error('x'), 404, 'model_not_found')).toBe('invalid');
    expect(rejectionReason(new Error('x'), 401, 'invalid_api_key')).toBeNull();
    expect(rejectionReason(new Error('x'), 503, 'upstream_unavailable')).toBeNull();
  });
});

describe('RejectionsService (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let tenantId: string;
  let keyId: string;

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_rejections_svc');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    keyId = (await prisma.apiKey.create({ data: { tenantId, name: 'web', prefix: 'mmrejsvc', secretHash: 'h' } })).id;
  }, 30_000);
  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('a flood of refusals is one row per key, day and reason, written in one batch; by itself after the flush interval', async () => {
    const s = new RejectionsService(new SpendRepository(prisma), 50);
    for (let i = 0; i < 500; i++) s.record({ tenantId, keyId }, i % 5 ? 'rpm' : 'tpm', new Date('2026-12-02T10:00:00Z'));
    s.record({ tenantId, keyId }, 'rpm', new Date('2026-12-01T23:59:59Z'));
    await new Promise((r) => setTimeout(r, 300));
    const rows = await prisma.multimodalRejection.findMany({ where: { keyId }, orderBy: [{ day: 'asc' }, { reason: 'asc' }] });
    expect(rows.map((r) => [r.day.toISOString().slice(0, 10), r.reason, r.count])).toEqual([
      ['2026-12-01', 'rpm', 1],
      ['2026-12-02', 'rpm', 400],
      ['2026-12-02', 'tpm', 100],
    ]);
  });

  it('a write that fails (a repository that throws once stands in for Postgres down) keeps the counts for the next flush', async () => {
    const real = new SpendRepository(prisma);
    let fail = true;
    const flaky = {
      addRejections: async (batch: readonly RejectionCount[]) => {
        if (fail) {
          fail = false;
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        }
        return real.addRejections(batch);
      },
    } as unknown as SpendRepository;
    const s = new RejectionsService(flaky, 60_000);
    s.record({ tenantId, keyId }, 'safety', new Date('2026-12-03T10:00:00Z'));
    await s.flush();
    s.record({ tenantId, keyId }, 'safety', new Date('2026-12-03T11:00:00Z'));
    await s.onApplicationShutdown();
    const row = await prisma.multimodalRejection.findFirstOrThrow({ where: { keyId, reason: 'safety' } });
    expect(row.count).toBe(2);
    expect(row.lastAt).toEqual(new Date('2026-12-03T11:00:00Z'));
  });
});
