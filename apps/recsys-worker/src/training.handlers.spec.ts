import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import { loadEnv } from '@frontier/platform-config';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { bullConnection, bullPrefix, JobQueue, QueueModule } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { RECSYS_MODEL_KIND, RECSYS_TRAINING_JOBS, RecsysTrainingJobs, recsysChannels } from '@frontier/recsys-contracts';
import { ModelVersionsRepository } from '@frontier/recsys-data-access';
import { RecsysTrainingModule, TrainingService } from '@frontier/recsys-nest';
import { runRecsysCli } from './cli';
import { RecsysWorkerEnv } from './env';
import { TrainingHandlers } from './training.handlers';

const HOUR = 3_600_000;

describe('recsys-worker training jobs and the recsys command (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let tenantId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_worker_training');
    redis = await createTestRedis('recsystraining');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'training-jobs' } })).id;
    env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
  }, 30_000);
  afterAll(async () => {
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  });

  it('registers the hourly and daily schedules; the fan-out queues one run per tenant with impressions, keyed by its window; the run trains and gates', async () => {
    // impressions of the hour that just closed: 40 requests of 2 items, a click on every fourth
    const windowEnd = Math.floor(Date.now() / HOUR) * HOUR;
    await prisma.recsysItem.createMany({ data: ['a', 'b', 'c'].map((id) => ({ tenantId, id, creator: 'c', category: id === 'a' ? 'sport' : 'news' })) });
    const batchId = randomUUID();
    await prisma.recsysEventBatch.create({ data: { id: batchId, tenantId, events: 0 } });
    for (let r = 0; r < 40; r++) {
      const requestId = randomUUID();
      const shownAt = new Date(windowEnd - HOUR / 2 + r * 1000);
      for (const [position, itemId] of [r % 2 ? 'a' : 'b', 'c'].entries()) {
        await prisma.recsysImpression.create({ data: { requestId, position, tenantId, userId: `u${r % 5}`, itemId, surface: 'home', modelVersion: 'none', policy: 'uniform', propensity: 1 / 3, score: 0, shownAt } });
        if (r % 4 === 0 && position === 0) {
          await prisma.recsysEvent.create({ data: { tenantId, eventId: `c${r}`, batchId, userId: `u${r % 5}`, itemId, category: 'x', type: 'click', requestId, position, at: new Date(shownAt.getTime() + 5_000) } });
        }
      }
    }

    @Module({
      imports: [
        PlatformModule.forWorker(platformSettings('recsys-worker', loadEnv(RecsysWorkerEnv, env))),
        RecsysTrainingModule.register({ model: { embeddingDim: 8, towerHidden: 8, headHidden: [4] }, minFullSteps: 10 }),
        QueueModule.forWorker({ catalogs: [RECSYS_TRAINING_JOBS], concurrency: 1 }),
      ],
      providers: [TrainingHandlers],
    })
    class TrainingWorker {}
    const app = await NestFactory.createApplicationContext(TrainingWorker, { logger: false });
    const events = new QueueEvents(RECSYS_TRAINING_JOBS.queue, { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    try {
      const jobs = app.get(JobQueue);
      expect((await jobs.queue(RECSYS_TRAINING_JOBS.queue).getJobSchedulers()).map((s) => [s.key, s.pattern]).sort()).toEqual([
        ['recsys-train-full', '40 2 * * *'],
        ['recsys-train-head', '20 * * * *'],
      ]);
      const fan = await jobs.enqueue(RecsysTrainingJobs.trainSchedule, { mode: 'head' });
      expect(await fan.waitUntilFinished(events, 30_000)).toEqual({ mode: 'head', windowEnd: new Date(windowEnd).toISOString(), tenants: [tenantId] });
      const run = await jobs.queue(RECSYS_TRAINING_JOBS.queue).getJob(`recsys-train.${tenantId}.head.${windowEnd}`);
      expect(run?.data).toEqual({ tenantId, mode: 'head', windowEnd: new Date(windowEnd).toISOString() });
      // a candidate is trained and registered; the gate refuses it (too few held-out rows to show anything)
      const out = (await run?.waitUntilFinished(events, 60_000)) as { status: string; decision: string; reasons: string[]; version: number };
      expect(out).toMatchObject({ status: 'done', decision: 'rejected', version: 1 });
      expect(out.reasons[0]).toMatch(/held-out impressions .*minimum 500/);
      // the same window again: the job id is taken (a no-op), and the run itself is done
      const again = await jobs.enqueue(RecsysTrainingJobs.trainSchedule, { mode: 'head' });
      await again.waitUntilFinished(events, 30_000);
      expect(await prisma.recsysTrainingRun.count({ where: { tenantId } })).toBe(1);
      expect(await app.get(TrainingService).train({ tenantId, mode: 'head', windowEnd: new Date(windowEnd) })).toMatchObject({ status: 'skipped' });
    } finally {
      await events.close();
      await app.close();
    }
  }, 120_000);

  it('npm run recsys -- rollback --tenant <id>: the previous live version is live again, replicas told on Redis; bad usage exits 2', async () => {
    const versions = new ModelVersionsRepository(prisma);
    const tenant = (await prisma.tenant.create({ data: { name: 'cli' } })).id;
    const v1 = await versions.register({ tenantId: tenant, kind: RECSYS_MODEL_KIND, weights: Uint8Array.from([1]), metrics: {} });
    const v2 = await versions.register({ tenantId: tenant, kind: RECSYS_MODEL_KIND, weights: Uint8Array.from([2]), metrics: {} });
    await versions.promote(v1.id, { reason: 'first' });
    await versions.promote(v2.id, { reason: 'second' });

    const heard: string[] = [];
    const sub = redis.client.duplicate();
    sub.on('message', (_c: string, m: string) => heard.push(m));
    await sub.subscribe(recsysChannels(redis.prefix).modelChanged);
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    try {
      expect(await runRecsysCli(['rollback', '--tenant', tenant, '--json', '--reason', 'bad CTR'], env, io)).toBe(0);
      expect(JSON.parse(out[0] as string)).toMatchObject({ action: 'rollback', from: { id: v2.id, version: 2 }, to: { id: v1.id, version: 1 }, reason: 'bad CTR' });
      expect((await versions.liveSummary(tenant, RECSYS_MODEL_KIND))?.id).toBe(v1.id);
      await until(async () => heard.length === 1, 5_000);
      expect(JSON.parse(heard[0] as string)).toEqual({ tenantId: tenant, kind: RECSYS_MODEL_KIND, versionId: v1.id });

      // nothing before v1: refused, exit 1, the reason on stderr
      expect(await runRecsysCli(['rollback', '--tenant', tenant], env, io)).toBe(1);
      expect(err.at(-1)).toMatch(/^recsys\.nothing_to_roll_back: /);
      // promote by hand, list
      expect(await runRecsysCli(['promote', '--tenant', tenant, '--version', '2'], env, io)).toBe(0);
      expect(out.at(-1)).toBe(`promote: ${tenant}/${RECSYS_MODEL_KIND} v1 -> v2 live (${v2.id})`);
      out.length = 0;
      expect(await runRecsysCli(['versions', '--tenant', tenant, '--json'], env, io)).toBe(0);
      const listed = JSON.parse(out[0] as string) as { versions: Array<{ version: number; state: string }>; promotions: Array<{ action: string }> };
      expect(listed.versions.map((x) => [x.version, x.state])).toEqual([
        [2, 'live'],
        [1, 'retired'],
      ]);
      expect(listed.promotions.map((p) => p.action)).toEqual(['promote', 'promote', 'rollback', 'promote']);
      expect(await runRecsysCli(['rollback'], env, io)).toBe(2);
      expect(await runRecsysCli(['explode', '--tenant', tenant], env, io)).toBe(2);
      expect(err.at(-1)).toMatch(/^unknown command "explode"/);
    } finally {
      await sub.quit();
    }
  }, 60_000);
});
