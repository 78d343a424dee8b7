import { BadRequestException } from '@nestjs/common';
import { BillingRepository, UsageRepository } from '@frontier/multimodal-data-access';
import { createValidationPipe, type Principal } from '@frontier/platform-nest';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { InvalidInputError } from '@frontier/platform-util';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UsageService } from './usage.service';

/** The query as the app's global pipe hands it to the route (or the 400 it answers). */
async function validQuery(query: Record<string, unknown>): Promise<UsageQueryDto> {
  return (await createValidationPipe().transform(query, { type: 'query', metatype: UsageQueryDto })) as UsageQueryDto;
}

async function badRequest(query: Record<string, unknown>): Promise<{ message: string[]; fields: Record<string, string[]> }> {
  try {
    await validQuery(query);
  } catch (e) {
    if (e instanceof BadRequestException) return e.getResponse() as { message: string[]; fields: Record<string, string[]> };
    throw e;
  }
  throw new Error('query accepted, expected a 400');
}

describe('GET /v1/usage query (the platform validation pipe)', () => {
  it('accepts group_by with optional from/to/key_id (ISO times become Dates)', async () => {
    const q = await validQuery({ group_by: 'day', from: '2026-11-01', to: '2026-11-20T10:00:00Z', key_id: '0b7e1c7a-56c5-4f3b-9b76-0d7a0f0b8c11' });
    expect(q).toBeInstanceOf(UsageQueryDto);
    expect(q).toEqual({ group_by: 'day', from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-20T10:00:00Z'), key_id: '0b7e1c7a-56c5-4f3b-9b76-0d7a0f0b8c11' });
  });

  it('400 naming the field: group_by missing or unknown, a bad time, a bad key id, an unknown parameter', async () => {
    expect(await badRequest({})).toEqual({ statusCode: 400, error: 'Bad Request', message: ['group_by must be one of modality, key, day'], fields: { group_by: ['group_by must be one of modality, key, day'] } });
    expect((await badRequest({ group_by: 'week' })).fields).toEqual({ group_by: ['group_by must be one of modality, key, day'] });
    expect((await badRequest({ group_by: 'day', from: '2026-02-30' })).fields).toEqual({ from: ['from is not a real date or time (2026-02-30)'] });
    expect((await badRequest({ group_by: 'day', to: '0000-01-01' })).fields['to']?.[0]).toMatch(/^to must not be before 1970-01-01T00:00:00.000Z/);
    expect((await badRequest({ group_by: 'key', key_id: 'abc' })).fields).toEqual({ key_id: ['key_id must be an API key id (a UUID)'] });
    expect((await badRequest({ group_by: 'key', model: 'x' })).fields).toEqual({ model: ['property model should not exist'] });
  });
});

describe('UsageService (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let service: UsageService;
  let principal: Principal;
  let keyId: string;

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_usage_svc');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    service = new UsageService(new UsageRepository(prisma));
    const tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    keyId = (await prisma.apiKey.create({ data: { tenantId, name: 'web', prefix: 'mmusagesvc', secretHash: 'h' } })).id;
    principal = { tenantId, keyId, scopes: [] };
    const billing = new BillingRepository(prisma);
    for (const [requestId, at, costUsd] of [
      ['r1', '2026-11-10T10:00:00Z', 0.1],
      ['r2', '2026-11-11T10:00:00Z', 0.2],
      ['r3', '2026-09-01T10:00:00Z', 5],
    ] as const) {
      const { event } = await billing.insertEvent({
        requestId,
        tenantId,
        keyId,
        model: 'm',
        status: 'completed',
        at,
        lines: [
          { modality: 'text', direction: 'input', unit: 'tokens', units: 100, tokens: 100, costUsd },
          { modality: 'video', direction: 'input', unit: 'frames', units: 30, tokens: 7740, costUsd: 0.01 },
        ],
      });
      await billing.expandEvent(event.id);
    }
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it("answers the tenant's usage in the snake_case wire shape, defaulting to the 30 days before now", async () => {
    const now = new Date('2026-11-20T00:00:00.000Z');
    expect(await service.summary(principal, await validQuery({ group_by: 'modality' }), now)).toEqual({
      object: 'usage.summary',
      group_by: 'modality',
      from: '2026-10-21T00:00:00.000Z',
      to: '2026-11-20T00:00:00.000Z',
      key_id: null,
      data: [
        { group: 'text', requests: 2, tokens: 200, units: { tokens: 200 }, cost_usd: 0.3 },
        { group: 'video', requests: 2, tokens: 15480, units: { frames: 60 }, cost_usd: 0.02 },
      ],
      total: { tokens: 15680, cost_usd: 0.32 },
    });
    const byKey = await service.summary(principal, await validQuery({ group_by: 'key', from: '2026-09-01', to: '2026-11-11', key_id: keyId }));
    expect(byKey.data).toEqual([{ group: keyId, key_name: 'web', requests: 2, tokens: 15680, units: { frames: 60, tokens: 200 }, cost_usd: 5.12 }]);
    expect(byKey.key_id).toBe(keyId);
  }, 30_000);

  it('400 naming the field for an empty or too long range', async () => {
    await expect(service.summary(principal, await validQuery({ group_by: 'day', from: '2026-11-10', to: '2026-11-10' }))).rejects.toMatchObject({
      field: 'from',
      message: 'from must be before to (2026-11-10T00:00:00.000Z is not before 2026-11-10T00:00:00.000Z)',
    });
    const e = await service.summary(principal, await validQuery({ group_by: 'day', from: '2025-01-01', to: '2026-11-10' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e).toMatchObject({ field: 'to', message: 'to must be at most 366 days after from' });
  }, 30_000);
});
