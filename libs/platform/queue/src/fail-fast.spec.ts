import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';
import { startPrivateRedis, type PrivateRedis } from '@frontier/platform-testing';
import { FrontierError } from '@frontier/platform-util';
import { OnJob } from './handlers';
import { JobQueue } from './job-queue.service';
import { JobWorkers } from './job-workers.service';
import { QueueModule } from './queue.module';

const q = queueOf('failfast');
const Jobs = { slow: q.job<{ ms: number }>('failfast.slow', { options: { attempts: 1 } }) };
const CATALOG = defineJobCatalog('failfast', Jobs);

@Injectable()
class SlowHandler {
  readonly done: number[] = [];
  started = 0;
  /** Ends the running jobs now (the test's cleanup: a worker cut off at its bound still waits for them). */
  readonly finishNow = new Set<() => void>();
  @OnJob(Jobs.slow)
  async slow(data: { ms: number }): Promise<void> {
    this.started++;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, data.ms);
      this.finishNow.add(() => (clearTimeout(t), resolve()));
    });
    this.done.push(data.ms);
  }
}

const waitUntil = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
};

describe('JobQueue on a Redis that goes away (private redis-server)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => (redis = await startPrivateRedis()));
  afterAll(async () => redis.dispose());

  it('enqueue fails within the producer timeout with a typed unavailable error, and works again once Redis is back', async () => {
    @Module({ imports: [QueueModule.forRoot({ redisUrl: redis.url, prefix: 'ff', commandTimeoutMs: 500 })] })
    class ProducerModule {}
    const app = await NestFactory.createApplicationContext(ProducerModule, { logger: false });
    const jobs = app.get(JobQueue);
    await jobs.enqueue(Jobs.slow, { ms: 1 });

    await redis.stop();
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const e = await jobs.enqueue(Jobs.slow, { ms: 1 }).catch((x: unknown) => x);
      const took = performance.now() - t0;
      expect(e).toBeInstanceOf(FrontierError);
      expect(e).toMatchObject({ category: 'unavailable', code: 'redis.unavailable', retryAfterS: expect.any(Number) });
      expect(took).toBeLessThan(600);
    }

    await redis.start();
    const t0 = Date.now();
    let back = false;
    while (!back && Date.now() - t0 < 5_000) {
      await new Promise((r) => setTimeout(r, 50)); // let the reconnect happen: failures are instant
      back = await jobs.enqueue(Jobs.slow, { ms: 1 }).then(() => true, () => false);
    }
    expect(back).toBe(true);
    // shutting down while Redis is gone again neither throws nor hangs
    await redis.stop();
    const c0 = Date.now();
    await app.close();
    expect(Date.now() - c0).toBeLessThan(3_000);
    await redis.start();
  }, 30_000);

  it('a producer never connected yet still answers within its timeout', async () => {
    await redis.stop();
    @Module({ imports: [QueueModule.forRoot({ redisUrl: redis.url, prefix: 'ff2', commandTimeoutMs: 300 })] })
    class ProducerModule {}
    const app = await NestFactory.createApplicationContext(ProducerModule, { logger: false });
    const t0 = performance.now();
    await expect(app.get(JobQueue).enqueue(Jobs.slow, { ms: 1 })).rejects.toMatchObject({ category: 'unavailable' });
    expect(performance.now() - t0).toBeLessThan(500);
    await app.close();
    await redis.start();
  }, 30_000);

  it('drain waits for running jobs, and forces the close past its bound', async () => {
    @Module({
      imports: [QueueModule.forRoot({ redisUrl: redis.url, prefix: 'ff3' }), QueueModule.forWorker({ catalogs: [CATALOG], concurrency: 4 })],
      providers: [SlowHandler],
    })
    class WorkerModule {}
    const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const handler = app.get(SlowHandler);
    const jobs = app.get(JobQueue);
    await jobs.enqueue(Jobs.slow, { ms: 400 });
    await jobs.enqueue(Jobs.slow, { ms: 600 });
    await waitUntil(() => handler.started === 2);
    const drained = await app.get(JobWorkers).drain(5_000);
    expect(drained).toEqual({ active: 2, forced: false });
    expect(handler.done.sort()).toEqual([400, 600]);
    // a worker that is closed takes no more jobs
    await jobs.enqueue(Jobs.slow, { ms: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(handler.started).toBe(2);
    await app.close();

    const app2 = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const h2 = app2.get(SlowHandler);
    await app2.get(JobQueue).enqueue(Jobs.slow, { ms: 60_000 });
    await waitUntil(() => h2.started >= 1);
    const t0 = Date.now();
    expect(await app2.get(JobWorkers).drain(300)).toMatchObject({ forced: true });
    expect(Date.now() - t0).toBeLessThan(3_000);
    await app2.close();
    for (const finish of h2.finishNow) finish(); // the job that was cut off
    await new Promise((r) => setTimeout(r, 200));
  }, 30_000);
});
