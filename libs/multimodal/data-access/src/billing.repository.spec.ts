import type { BillingEventPayload } from '@frontier/multimodal-contracts';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { InvalidInputError } from '@frontier/platform-util';
import { BillingRepository } from './billing.repository';

describe('BillingRepository on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let billing: BillingRepository;
  let tenantId: string;
  let keyId: string;
  let n = 0;

  const event = (over: Partial<BillingEventPayload> = {}): BillingEventPayload => ({
    requestId: `chatcmpl-${++n}`,
    tenantId,
    keyId,
    model: 'qwen2-vl-7b',
    status: 'completed',
    at: '2026-12-01T10:00:00.000Z',
    lines: [
      { modality: 'text', direction: 'input', unit: 'tokens', units: 120, tokens: 120, costUsd: 0.00012 },
      { modality: 'image', direction: 'input', unit: 'images', units: 2, tokens: 1530, costUsd: 0.00153 },
      { modality: 'text', direction: 'output', unit: 'tokens', units: 40, tokens: 40, costUsd: 0.00008 },
    ],
    ...over,
  });

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_billing');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    billing = new BillingRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    keyId = (await prisma.apiKey.create({ data: { tenantId, name: 'ci', prefix: 'mmbill', secretHash: 'h' } })).id;
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('stores an event once per request id, with its totals; a repeat returns the stored one', async () => {
    const e = event();
    const first = await billing.insertEvent(e);
    expect(first.inserted).toBe(true);
    expect(first.event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      requestId: e.requestId,
      tenantId,
      keyId,
      model: 'qwen2-vl-7b',
      status: 'completed',
      // merged order: text before image, input before output
      lines: [e.lines[0], e.lines[2], e.lines[1]],
      tokens: 1690,
      costUsd: 0.00173,
      endedAt: new Date('2026-12-01T10:00:00.000Z'),
      createdAt: expect.any(Date),
      recordedAt: null,
    });
    const again = await billing.insertEvent({ ...e, model: 'other', lines: [] });
    expect(again).toEqual({ inserted: false, event: first.event });
    expect(await prisma.multimodalBillingEvent.count({ where: { requestId: e.requestId } })).toBe(1);
    expect(await billing.get(first.event.id)).toEqual(first.event);
    expect(await billing.byRequestId(tenantId, e.requestId)).toEqual(first.event);
    expect(await billing.get('not-a-uuid')).toBeNull();
  }, 30_000);

  it('refuses a malformed event before storing anything, naming the field', async () => {
    const before = await prisma.multimodalBillingEvent.count();
    await expect(billing.insertEvent(event({ at: '2026-02-30T00:00:00Z' }))).rejects.toMatchObject({ field: 'at' });
    await expect(billing.insertEvent(event({ status: 'maybe' as never }))).rejects.toMatchObject({ field: 'status' });
    await expect(billing.insertEvent(event({ keyId: 'abc' }))).rejects.toMatchObject({ field: 'keyId' });
    await expect(billing.insertEvent(event({ requestId: '' }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(billing.insertEvent(event({ lines: [{ modality: 'text', direction: 'input', unit: 'tokens', units: 1, tokens: -1, costUsd: 0 }] }))).rejects.toMatchObject({
      field: 'lines.0.tokens',
    });
    expect(await prisma.multimodalBillingEvent.count()).toBe(before);
  }, 30_000);

  it('expands an event into one usage row per line, once, even when asked concurrently', async () => {
    const { event: stored } = await billing.insertEvent(event({ requestId: 'chatcmpl-expand' }));
    const outcomes = await Promise.all([billing.expandEvent(stored.id), billing.expandEvent(stored.id), billing.expandEvent(stored.id)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['already', 'already', 'expanded']);
    expect(outcomes.find((o) => o.status === 'expanded')?.rows).toBe(3);
    const rows = await prisma.multimodalUsage.findMany({ where: { eventId: stored.id }, orderBy: [{ modality: 'asc' }, { direction: 'asc' }] });
    expect(rows.map((r) => [r.modality, r.direction, r.unit, Number(r.units), r.tokens, Number(r.costUsd), r.requestId, r.keyId, r.tenantId, r.model, r.createdAt.toISOString()])).toEqual([
      ['image', 'input', 'images', 2, 1530, 0.00153, 'chatcmpl-expand', keyId, tenantId, 'qwen2-vl-7b', '2026-12-01T10:00:00.000Z'],
      ['text', 'input', 'tokens', 120, 120, 0.00012, 'chatcmpl-expand', keyId, tenantId, 'qwen2-vl-7b', '2026-12-01T10:00:00.000Z'],
      ['text', 'output', 'tokens', 40, 40, 0.00008, 'chatcmpl-expand', keyId, tenantId, 'qwen2-vl-7b', '2026-12-01T10:00:00.000Z'],
    ]);
    expect((await billing.get(stored.id))?.recordedAt).toBeInstanceOf(Date);
    expect(await billing.expandEvent(stored.id)).toMatchObject({ status: 'already', rows: 0 });
    expect(await billing.expandEvent('00000000-0000-4000-8000-000000000000')).toEqual({ eventId: '00000000-0000-4000-8000-000000000000', status: 'missing', rows: 0 });
    expect(await billing.expandEvent('x')).toEqual({ eventId: 'x', status: 'missing', rows: 0 });
  }, 30_000);

  it('lists unexpanded events older than a bound, oldest first, page by page', async () => {
    await prisma.multimodalBillingEvent.updateMany({ data: { recordedAt: new Date() } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await billing.insertEvent(event({ requestId: `chatcmpl-pending-${i}` }))).event.id);
    await prisma.multimodalBillingEvent.update({ where: { id: ids[4] }, data: { createdAt: new Date(Date.now() + 60_000) } });
    const bound = new Date(Date.now() + 1_000);
    const first = await billing.pendingEvents(bound, 2);
    expect(first.map((e) => e.id)).toEqual(ids.slice(0, 2));
    const [, last] = first;
    if (!last) throw new Error('expected two pending events');
    const second = await billing.pendingEvents(bound, 10, { createdAt: last.createdAt, id: last.id });
    expect(second.map((e) => e.id)).toEqual(ids.slice(2, 4));
    await billing.expandEvent(ids[0] ?? '');
    expect((await billing.pendingEvents(bound, 10)).map((e) => e.requestId)).toEqual(['chatcmpl-pending-1', 'chatcmpl-pending-2', 'chatcmpl-pending-3']);
  }, 30_000);

  it("sums a key's spend since a time from the events, expanded or not", async () => {
    const other = (await prisma.apiKey.create({ data: { tenantId, name: 'spend', prefix: 'mmspend', secretHash: 'h' } })).id;
    const line = (costUsd: number) => [{ modality: 'text' as const, direction: 'input' as const, unit: 'tokens' as const, units: 1, tokens: 1, costUsd }];
    await billing.insertEvent(event({ keyId: other, at: '2026-11-30T23:59:59.999Z', lines: line(5) }));
    const { event: a } = await billing.insertEvent(event({ keyId: other, at: '2026-12-01T00:00:00.000Z', lines: line(0.1) }));
    await billing.insertEvent(event({ keyId: other, at: '2026-12-01T08:00:00.000Z', lines: line(0.2) }));
    await billing.expandEvent(a.id);
    expect(await billing.spentUsd(other, new Date('2026-12-01T00:00:00Z'))).toBeCloseTo(0.3, 9);
    expect(await billing.spentUsd(other, new Date('2026-11-01T00:00:00Z'))).toBeCloseTo(5.3, 9);
    expect(await billing.spentUsd('00000000-0000-4000-8000-000000000000', new Date(0))).toBe(0);
  }, 30_000);

  it('events and usage go with their tenant', async () => {
    const t = (await prisma.tenant.create({ data: { name: 'gone' } })).id;
    const k = (await prisma.apiKey.create({ data: { tenantId: t, name: 'k', prefix: 'mmgone', secretHash: 'h' } })).id;
    const { event: e } = await billing.insertEvent(event({ tenantId: t, keyId: k, requestId: 'chatcmpl-gone' }));
    await billing.expandEvent(e.id);
    expect(await prisma.multimodalUsage.count({ where: { tenantId: t } })).toBe(3);
    await prisma.tenant.delete({ where: { id: t } });
    expect(await prisma.multimodalBillingEvent.count({ where: { tenantId: t } })).toBe(0);
    expect(await prisma.multimodalUsage.count({ where: { tenantId: t } })).toBe(0);
  }, 30_000);
});
