import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadEnv } from '@frontier/platform-config';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { ItemSnapshot } from '@frontier/recsys-ann';
import { RECSYS_INDEX_JOBS, RecsysIndexJobs, recsysChannels } from '@frontier/recsys-contracts';
import { ItemRepository } from '@frontier/recsys-data-access';
import { RecsysWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('recsys-worker: the index rebuild job (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let dir: string;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_index_job');
    redis = await createTestRedis('recsysindex');
    dir = await mkdtemp(join(tmpdir(), 'recsys-index-job-'));
    const env = loadEnv(RecsysWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, RECSYS_INDEX_DIR: dir, RECSYS_HNSW_M: '8', RECSYS_HNSW_EF_CONSTRUCTION: '40' });
    app = await NestFactory.createApplicationContext(WorkerModule.register(env, {}), { logger: false });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await redis.cleanup();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('schedules the hourly rebuild; a job builds the tenant index from Postgres, makes it CURRENT and announces it', async () => {
    const jobs = app.get(JobQueue);
    expect((await jobs.queue(RECSYS_INDEX_JOBS.queue).getJobSchedulers()).map((s) => [s.key, s.pattern])).toEqual([['recsys-rebuild-index', '23 * * * *']]);
    const prisma = app.get(PrismaService);
    const tenantId = (await prisma.tenant.create({ data: { name: 'index-test' } })).id;
    await new ItemRepository(prisma).upsert(
      tenantId,
      Array.from({ length: 50 }, (_, i) => ({ id: `v${i}`, creator: `c${i % 4}`, category: `g${i % 5}`, text: '', metadata: {}, embedding: Float32Array.of(i % 5, 1, i / 50), embeddingModel: 'client' })),
    );
    const sub = redis.client.duplicate();
    const announced: string[] = [];
    sub.on('message', (_c: string, m: string) => announced.push(m));
    await sub.subscribe(recsysChannels(redis.prefix).indexBuilt);

    await jobs.enqueue(RecsysIndexJobs.rebuildIndex, { tenantId });
    const snap = await until(async () => (await ItemSnapshot.load(dir, tenantId)) ?? undefined, 30_000);
    expect(snap.meta).toMatchObject({ tenantId, count: 50, dim: 3, params: { m: 8, efConstruction: 40 } });
    expect(snap.category(snap.labelOf.get('v7') as number)).toBe('g2');
    await until(async () => (announced.length ? true : undefined), 10_000);
    expect(JSON.parse(announced[0] as string)).toEqual({ tenantId, buildId: snap.meta.buildId });
    await sub.quit();
  });
});
