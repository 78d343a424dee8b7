import type { BillingEventPayload, UsageLine } from '@frontier/multimodal-contracts';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { BillingRepository } from './billing.repository';
import { UsageRepository } from './usage.repository';

describe('UsageRepository.summary on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let usage: UsageRepository;
  let acme: string;
  let globex: string;
  let k1: string;
  let k2: string;
  let g1: string;
  const from = new Date('2026-10-01T00:00:00Z');
  const to = new Date('2026-10-03T00:00:00Z');

  const text = (tokens: number, costUsd: number, direction: UsageLine['direction'] = 'input'): UsageLine => ({ modality: 'text', direction, unit: 'tokens', units: tokens, tokens, costUsd });
  const audio = (seconds: number, tokens: number, costUsd: number): UsageLine => ({ modality: 'audio', direction: 'input', unit: 'seconds', units: seconds, tokens, costUsd });
  const image = (images: number, tokens: number, costUsd: number): UsageLine => ({ modality: 'image', direction: 'input', unit: 'images', units: images, tokens, costUsd });

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_usage');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    usage = new UsageRepository(prisma);
    const billing = new BillingRepository(prisma);
    acme = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    globex = (await prisma.tenant.create({ data: { name: 'globex' } })).id;
    k1 = (await prisma.apiKey.create({ data: { tenantId: acme, name: 'web', prefix: 'mmu1', secretHash: 'h' } })).id;
    k2 = (await prisma.apiKey.create({ data: { tenantId: acme, name: 'batch', prefix: 'mmu2', secretHash: 'h' } })).id;
    g1 = (await prisma.apiKey.create({ data: { tenantId: globex, name: 'g', prefix: 'mmu3', secretHash: 'h' } })).id;
    const events: BillingEventPayload[] = [
      { requestId: 'r1', tenantId: acme, keyId: k1, model: 'm', status: 'completed', at: '2026-10-01T09:00:00Z', lines: [text(100, 0.0001), text(20, 0.00004, 'output'), image(2, 1530, 0.00153)] },
      { requestId: 'r2', tenantId: acme, keyId: k1, model: 'm', status: 'cancelled', at: '2026-10-01T23:59:59.999Z', lines: [text(50, 0.00005), audio(12.5, 400, 0.0004)] },
      { requestId: 'r3', tenantId: acme, keyId: k2, model: 'm', status: 'completed', at: '2026-10-02T00:00:00Z', lines: [text(10, 0.00001), audio(2.25, 72, 0.000072)] },
      // outside [from, to): before and at the upper bound
      { requestId: 'r4', tenantId: acme, keyId: k2, model: 'm', status: 'completed', at: '2026-09-30T23:59:59.999Z', lines: [text(999, 1)] },
      { requestId: 'r5', tenantId: acme, keyId: k2, model: 'm', status: 'completed', at: '2026-10-03T00:00:00Z', lines: [text(999, 1)] },
      // another tenant
      { requestId: 'r6', tenantId: globex, keyId: g1, model: 'm', status: 'completed', at: '2026-10-01T12:00:00Z', lines: [text(7777, 7)] },
    ];
    for (const e of events) await billing.expandEvent((await billing.insertEvent(e)).event.id);
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('by modality: tokens, units per unit, cost and distinct requests, within [from, to) and the tenant', async () => {
    expect(await usage.summary(acme, { groupBy: 'modality', from, to })).toEqual([
      { group: 'audio', tokens: 472, units: { seconds: 14.75 }, costUsd: 0.000472, requests: 2 },
      { group: 'image', tokens: 1530, units: { images: 2 }, costUsd: 0.00153, requests: 1 },
      { group: 'text', tokens: 180, units: { tokens: 180 }, costUsd: 0.0002, requests: 3 },
    ]);
  }, 30_000);

  it('by key (with the key name) and by UTC day; one key only', async () => {
    const byKey = await usage.summary(acme, { groupBy: 'key', from, to });
    expect(byKey).toEqual(
      [
        { group: k1, keyName: 'web', tokens: 2100, units: { images: 2, seconds: 12.5, tokens: 170 }, costUsd: 0.00212, requests: 2 },
        { group: k2, keyName: 'batch', tokens: 82, units: { seconds: 2.25, tokens: 10 }, costUsd: 0.000082, requests: 1 },
      ].sort((a, b) => a.group.localeCompare(b.group)),
    );
    expect(await usage.summary(acme, { groupBy: 'day', from, to })).toEqual([
      { group: '2026-10-01', tokens: 2100, units: { images: 2, seconds: 12.5, tokens: 170 }, costUsd: 0.00212, requests: 2 },
      { group: '2026-10-02', tokens: 82, units: { seconds: 2.25, tokens: 10 }, costUsd: 0.000082, requests: 1 },
    ]);
    expect(await usage.summary(acme, { groupBy: 'day', from, to, keyId: k2 })).toEqual([{ group: '2026-10-02', tokens: 82, units: { seconds: 2.25, tokens: 10 }, costUsd: 0.000082, requests: 1 }]);
  }, 30_000);

  it("never shows another tenant's usage", async () => {
    expect(await usage.summary(acme, { groupBy: 'key', from, to, keyId: g1 })).toEqual([]);
    expect(await usage.summary(globex, { groupBy: 'modality', from, to })).toEqual([{ group: 'text', tokens: 7777, units: { tokens: 7777 }, costUsd: 7, requests: 1 }]);
    expect(await usage.summary('not-a-uuid', { groupBy: 'modality', from, to })).toEqual([]);
  }, 30_000);

  it('multimodal_usage is partitioned by UTC day: rows the default caught move into their day unchanged; a repeated usage line still conflicts; retention drops whole days', async () => {
    const before = await usage.summary(acme, { groupBy: 'day', from, to });
    const part = async (requestId: string) =>
      (await prisma.$queryRaw<Array<{ p: string }>>`SELECT DISTINCT tableoid::regclass::text AS p FROM multimodal_usage WHERE request_id = ${requestId}`).map((r) => r.p);
    // the template has partitions around its migration day only: October's rows waited in the default
    expect(await part('r1')).toEqual(['multimodal_usage_default']);
    expect(await usage.dayPartitions.ensure(new Date('2026-09-30T00:00:00Z'), 3)).toBe(3);
    expect(await part('r1')).toEqual(['multimodal_usage_20261001']);
    expect(await part('r3')).toEqual(['multimodal_usage_20261002']);
    expect(await usage.summary(acme, { groupBy: 'day', from, to })).toEqual(before);
    // the unique usage line (request, modality, direction, created_at) still holds across the partition
    const row = await prisma.multimodalUsage.findFirstOrThrow({ where: { requestId: 'r1', modality: 'image' } });
    const { count } = await prisma.multimodalUsage.createMany({ data: [{ ...row, id: undefined }], skipDuplicates: true });
    expect(count).toBe(0);
    // retention: the days before 10-02 go whole (r5's day, 10-03, was in the default: counted, kept)
    const r = await usage.dayPartitions.dropBefore(new Date('2026-10-02T00:00:00Z'));
    expect(r.adoptedFromDefault).toBe(1);
    expect(r.dropped).toEqual(['multimodal_usage_20260930', 'multimodal_usage_20261001']);
    expect(await usage.summary(acme, { groupBy: 'day', from, to })).toEqual([before[1]]);
    expect(await usage.dayPartitions.dropBefore(new Date('2026-10-02T00:00:00Z'))).toEqual({ table: 'multimodal_usage', adoptedFromDefault: 0, dropped: [] });
  }, 30_000);
});
