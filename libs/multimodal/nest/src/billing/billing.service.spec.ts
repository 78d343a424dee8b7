import { MultimodalJobs, type BillingEventPayload } from '@frontier/multimodal-contracts';
import { BillingRepository } from '@frontier/multimodal-data-access';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import type { JobQueue } from '@frontier/platform-queue';
import { FrontierError, InvalidInputError } from '@frontier/platform-util';
import { BillingService } from './billing.service';

describe('BillingService (real Postgres, recorded queue)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let service: BillingService;
  let tenantId: string;
  let keyId: string;
  let queueDown = false;
  /** Job ids the fake queue holds and whether each is still waiting (requeue leaves those alone). */
  const held = new Map<string, 'waiting' | 'completed'>();
  const queued: Array<{ name: string; data: unknown }> = [];

  const jobs = {
    enqueue: async (job: { name: string }, data: { eventId: string }) => {
      if (queueDown) throw new FrontierError('unavailable', 'redis.unavailable', 'the job queue (Redis) did not answer within 1000 ms');
      queued.push({ name: job.name, data });
      held.set(data.eventId, 'waiting');
    },
    requeue: async (job: { name: string }, data: { eventId: string }) => {
      if (held.get(data.eventId) === 'waiting') return { added: false };
      queued.push({ name: job.name, data });
      held.set(data.eventId, 'waiting');
      return { added: true };
    },
  } as unknown as JobQueue;

  const event = (requestId: string): BillingEventPayload => ({
    requestId,
    tenantId,
    keyId,
    model: 'llava-1.5-7b',
    status: 'completed',
    at: '2026-11-20T10:00:00.000Z',
    lines: [
      { modality: 'text', direction: 'input', unit: 'tokens', units: 12, tokens: 12, costUsd: 0.000012 },
      { modality: 'audio', direction: 'input', unit: 'seconds', units: 3.5, tokens: 112, costUsd: 0.0007 },
    ],
  });

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_billing_svc');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    service = new BillingService(new BillingRepository(prisma), jobs, { reconcileAfterS: 60 });
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    keyId = (await prisma.apiKey.create({ data: { tenantId, name: 'ci', prefix: 'mmbillsvc', secretHash: 'h' } })).id;
  }, 30_000);

  beforeEach(() => {
    queued.length = 0;
    queueDown = false;
  });

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('record stores the event, then queues its usage job; a repeated request id stores and queues nothing', async () => {
    const first = await service.record(event('chatcmpl-a'));
    expect(first).toEqual({ eventId: expect.any(String), inserted: true, queued: true });
    expect(queued).toEqual([{ name: MultimodalJobs.recordUsage.name, data: { eventId: first.eventId } }]);
    expect(await service.record(event('chatcmpl-a'))).toEqual({ eventId: first.eventId, inserted: false, queued: false });
    expect(queued).toHaveLength(1);

    expect(await service.expand(first.eventId)).toMatchObject({ status: 'expanded', rows: 2 });
    expect(await service.expand(first.eventId)).toMatchObject({ status: 'already', rows: 0 });
    expect(await prisma.multimodalUsage.count({ where: { requestId: 'chatcmpl-a' } })).toBe(2);
  }, 30_000);

  it('Redis down: record does not throw, the row stands, and the reconciler queues it once it is old enough', async () => {
    queueDown = true;
    const r = await service.record(event('chatcmpl-lost'));
    expect(r).toEqual({ eventId: expect.any(String), inserted: true, queued: false });
    expect(await prisma.multimodalBillingEvent.count({ where: { id: r.eventId, recordedAt: null } })).toBe(1);
    queueDown = false;

    // too young for the default bound (60 s): left alone
    expect(await service.reconcile()).toEqual({ stale: 0, requeued: 0, pending: 0 });
    await prisma.multimodalBillingEvent.update({ where: { id: r.eventId }, data: { createdAt: new Date(Date.now() - 61_000) } });
    expect(await service.reconcile()).toEqual({ stale: 1, requeued: 1, pending: 0 });
    expect(queued).toEqual([{ name: MultimodalJobs.recordUsage.name, data: { eventId: r.eventId } }]);
    // its job is waiting: the next run leaves it alone
    expect(await service.reconcile()).toEqual({ stale: 1, requeued: 0, pending: 1 });
    await service.expand(r.eventId);
    expect(await service.reconcile()).toEqual({ stale: 0, requeued: 0, pending: 0 });
  }, 30_000);

  it('reconciles more events than one page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 205; i++) ids.push((await new BillingRepository(prisma).insertEvent(event(`chatcmpl-page-${i}`))).event.id);
    await prisma.multimodalBillingEvent.updateMany({ where: { id: { in: ids } }, data: { createdAt: new Date(Date.now() - 120_000) } });
    expect(await service.reconcile(60)).toEqual({ stale: 205, requeued: 205, pending: 0 });
  }, 60_000);

  it('refuses a malformed event, storing nothing and queueing nothing', async () => {
    await expect(service.record({ ...event('chatcmpl-bad'), lines: [{ modality: 'text', direction: 'input', unit: 'tokens', units: 1, tokens: 1, costUsd: -1 }] })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await prisma.multimodalBillingEvent.count({ where: { requestId: 'chatcmpl-bad' } })).toBe(0);
    expect(queued).toEqual([]);
  }, 30_000);
});
