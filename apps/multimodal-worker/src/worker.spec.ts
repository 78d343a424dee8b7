import { NestFactory } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import { MULTIMODAL_JOBS, MultimodalJobs, type BillingEventPayload } from '@frontier/multimodal-contracts';
import { BillingRepository, UsageRepository } from '@frontier/multimodal-data-access';
import { BillingService } from '@frontier/multimodal-nest';
import { loadEnv } from '@frontier/platform-config';
import { PrismaService } from '@frontier/platform-prisma';
import { bullConnection, bullPrefix, JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { MultimodalWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('multimodal-worker (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let tenantId: string;
  let keyId: string;

  const event = (requestId: string): BillingEventPayload => ({
    requestId,
    tenantId,
    keyId,
    model: 'qwen2-vl-7b',
    status: 'completed',
    at: new Date(Date.now() - 1_000).toISOString(),
    lines: [
      { modality: 'text', direction: 'input', unit: 'tokens', units: 50, tokens: 50, costUsd: 0.00005 },
      { modality: 'image', direction: 'input', unit: 'images', units: 1, tokens: 765, costUsd: 0.000765 },
      { modality: 'text', direction: 'output', unit: 'tokens', units: 20, tokens: 20, costUsd: 0.00004 },
    ],
  });
  const usageRows = (requestId: string) => prisma.multimodalUsage.count({ where: { requestId } });
  const recorded = async (eventId: string) => (await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { id: eventId } })).recordedAt !== null;
  const boot = (extra: Record<string, string> = {}) =>
    NestFactory.createApplicationContext(WorkerModule.register(loadEnv(MultimodalWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ...extra })), { logger: false });

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_worker');
    redis = await createTestRedis('multimodalworker');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'worker-test' } })).id;
    keyId = (await prisma.apiKey.create({ data: { tenantId, name: 'gw', prefix: 'mmworker', secretHash: 'h' } })).id;
  }, 30_000);
  afterAll(async () => {
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  });

  it('boots with a handler per job and the reconciler scheduled; a recorded event becomes usage rows; a repeated job counts nothing twice', async () => {
    const app = await boot();
    const events = new QueueEvents(MULTIMODAL_JOBS.queue, { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    const jobs = app.get(JobQueue);
    expect((await jobs.queue(MULTIMODAL_JOBS.queue).getJobSchedulers()).map((s) => [s.key, s.pattern]).sort()).toEqual([
      ['multimodal-maintain-partitions', '17 0 * * *'],
      ['multimodal-reconcile-billing', '* * * * *'],
      ['multimodal-reconcile-jobs', '* * * * *'],
    ]);
    // the start check made the usage partitions of today … today + 2
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    expect(await app.get(UsageRepository).dayPartitions.list()).toContain(`multimodal_usage_${today}`);

    const { eventId, queued } = await app.get(BillingService).record(event('chatcmpl-w1'));
    expect(queued).toBe(true);
    await until(() => recorded(eventId), 20_000);
    expect(await usageRows('chatcmpl-w1')).toBe(3);

    // the same job again (a retry after a lost acknowledgement, a duplicate delivery): nothing more
    const again = await jobs.requeue(MultimodalJobs.recordUsage, { eventId });
    expect(again).toMatchObject({ added: true, replaced: 'completed' });
    expect(await again.job.waitUntilFinished(events, 20_000)).toMatchObject({ eventId, status: 'already', rows: 0 });
    const dup = await jobs.enqueue(MultimodalJobs.recordUsage, { eventId }, { jobId: `dup-${eventId}` });
    expect(await dup.waitUntilFinished(events, 20_000)).toMatchObject({ status: 'already' });
    expect(await usageRows('chatcmpl-w1')).toBe(3);
    expect(Number((await prisma.multimodalUsage.aggregate({ where: { requestId: 'chatcmpl-w1' }, _sum: { costUsd: true } }))._sum.costUsd)).toBeCloseTo(0.000855, 9);

    await events.close();
    await app.close();
  }, 60_000);

  it('an event stored with no job (a lost job) is expanded by the reconciler: the scheduled job, and the start check', async () => {
    const billing = new BillingRepository(prisma);
    const app = await boot({ MULTIMODAL_RECONCILE_AFTER_S: '30' });
    const events = new QueueEvents(MULTIMODAL_JOBS.queue, { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    // no every-minute run in the middle of this test (the worker re-registers the schedule within 30 s)
    await app.get(JobQueue).queue(MULTIMODAL_JOBS.queue).removeJobScheduler('multimodal-reconcile-billing');
    // stored by the gateway while Redis was down: a row, no job
    const lost = (await billing.insertEvent(event('chatcmpl-lost'))).event;
    const fresh = (await billing.insertEvent(event('chatcmpl-fresh'))).event;
    await prisma.multimodalBillingEvent.update({ where: { id: lost.id }, data: { createdAt: new Date(Date.now() - 60_000) } });

    const run = await app.get(JobQueue).enqueue(MultimodalJobs.reconcileBilling, {});
    expect(await run.waitUntilFinished(events, 20_000)).toEqual({ stale: 1, requeued: 1, pending: 0 });
    await until(() => recorded(lost.id), 20_000);
    expect(await usageRows('chatcmpl-lost')).toBe(3);
    // within the bound: left alone (its own job would be on the way)
    expect(await recorded(fresh.id)).toBe(false);
    await events.close();
    await app.close();

    // a worker that starts finds it at once, without waiting for the minute
    await prisma.multimodalBillingEvent.update({ where: { id: fresh.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    const restarted = await boot({ MULTIMODAL_RECONCILE_AFTER_S: '30' });
    await until(() => recorded(fresh.id), 20_000);
    expect(await usageRows('chatcmpl-fresh')).toBe(3);
    await restarted.close();
  }, 90_000);

  it('refuses to boot on a bad environment, naming the variable', () => {
    expect(() => loadEnv(MultimodalWorkerEnv, { WORKER_CONCURRENCY: '0' }, 'multimodal-worker')).toThrow(/multimodal-worker: invalid environment\n {2}- WORKER_CONCURRENCY="0"/);
    expect(() => loadEnv(MultimodalWorkerEnv, { MULTIMODAL_USAGE_RETENTION_DAYS: '0' }, 'multimodal-worker')).toThrow(/MULTIMODAL_USAGE_RETENTION_DAYS="0"/);
    expect(() => loadEnv(MultimodalWorkerEnv, { MULTIMODAL_RECONCILE_AFTER_S: '0' }, 'multimodal-worker')).toThrow(/MULTIMODAL_RECONCILE_AFTER_S="0"/);
  });
});
