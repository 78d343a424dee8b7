import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { JobsRepository } from '@frontier/multimodal-data-access';
import { makeVideo } from '@frontier/multimodal-encoders/testing';
import { VideoJobsService } from '@frontier/multimodal-nest';
import { loadEnv } from '@frontier/platform-config';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { MultimodalWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('multimodal-worker async video jobs: a job stored but never queued (a lost BullMQ job) is found by the reconciler and completes (ffmpeg-made clip; inline encoders; real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplicationContext;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_worker_jobs');
    redis = await createTestRedis('mmworkerjobs');
    const env = loadEnv(MultimodalWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ENCODERS: 'inline', ENCODER_OCR: 'false', ENCODER_NSFW: 'false' });
    app = await NestFactory.createApplicationContext(WorkerModule.register(env), { logger: false });
    prisma = app.get(PrismaService);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await redis.cleanup();
    await db.drop();
  });

  it('reconcile() queues the stale job; the worker claims it once, completes it and bills it', async () => {
    const tenantId = (await prisma.tenant.create({ data: { name: 'jobs' } })).id;
    const keyId = (await prisma.apiKey.create({ data: { tenantId, name: 'gw', prefix: 'mmjobs01', secretHash: 'h' } })).id;
    const repo = app.get(JobsRepository);
    const clip = makeVideo({ durationS: 16, tone: 440, width: 160, height: 90 });
    const job = await repo.create({
      tenantId,
      keyId,
      kind: 'video_context',
      model: 'm',
      part: 'messages[0].content[0]',
      input: clip,
      params: { mode: 'fps', fps: 0.25, frames: 4, maxSide: 336, ocr: false, safety: false, videoTokens: 4 * 576, durationS: 16, upstreamModel: 'm' },
    });
    const jobs = app.get(VideoJobsService);
    expect(await jobs.reconcile(0)).toMatchObject({ requeued: 1 });
    await until(async () => (await repo.byId(job.id))?.status === 'completed', 60_000);
    const done = await repo.byId(job.id);
    expect(done?.attempts).toBe(1);
    expect((done?.result as { frames: unknown[] }).frames).toHaveLength(4);
    expect((await prisma.multimodalJob.findUniqueOrThrow({ where: { id: job.id } })).input).toBeNull(); // the clip is not kept
    const event = await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: `job_${job.id}` } });
    expect((event.lines as Array<{ unit: string; units: number }>).find((l) => l.unit === 'frames')?.units).toBe(4);
    // a finished job is not claimed again
    expect(await jobs.run(job.id)).toEqual({ status: 'skipped' });
    expect(await jobs.reconcile(0)).toMatchObject({ requeued: 0 });
  }, 90_000);
});
