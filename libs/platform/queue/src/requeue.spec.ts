import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CAPPED_EXPONENTIAL, defineJobCatalog, queueOf, type JobOf } from '@frontier/platform-jobs';
import { createTestRedis, until, type TestRedis } from '@frontier/platform-testing';
import { OnJob } from './handlers';
import { JobQueue } from './job-queue.service';
import { QueueModule } from './queue.module';

// this spec's own catalog: a job that fails until told otherwise, one id per key, capped backoff
const q = queueOf('retrying');
const RetryJobs = {
  work: q.job<{ key: string }>('retrying.work', {
    options: { attempts: 4, backoff: { type: CAPPED_EXPONENTIAL, delay: 60_000, maxDelay: 90_000 } },
    jobId: (d) => `work.${d.key}`,
  }),
};
const CATALOG = defineJobCatalog('retrying', RetryJobs);

@Injectable()
class Flaky {
  healthy = false;
  readonly runs: string[] = [];
  @OnJob(RetryJobs.work)
  async work(data: JobOf<typeof RetryJobs.work>): Promise<string> {
    this.runs.push(data.key);
    if (!this.healthy) throw new Error('dependency down');
    return `done ${data.key}`;
  }
}


describe('JobQueue.requeue and capped backoff on a real Redis', () => {
  let redis: TestRedis;
  let app: INestApplicationContext;
  let jobs: JobQueue;
  let flaky: Flaky;

  beforeEach(async () => {
    redis = await createTestRedis('requeue');
    @Module({ imports: [QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }), QueueModule.forWorker({ catalogs: [CATALOG] })], providers: [Flaky] })
    class M {}
    app = await NestFactory.createApplicationContext(M, { logger: false });
    jobs = app.get(JobQueue);
    flaky = app.get(Flaky);
  });
  afterEach(async () => {
    await app.close();
    await redis.cleanup();
  });

  it('waits delay, 2 × delay, … up to maxDelay between attempts (BullMQ calls the workers\' capped strategy)', async () => {
    const { job } = await jobs.requeue(RetryJobs.work, { key: 'a' });
    const queue = jobs.queue('retrying');
    // after the first failure the job waits 60 s; promoted, it fails again and waits 90 s (not 120 s)
    expect(await until(async () => (await queue.getJob(job.id ?? ''))?.delay === 60_000 && (await queue.getJob(job.id ?? '')))).toBeTruthy();
    expect(await queue.getJob(job.id ?? '').then((j) => j?.getState())).toBe('delayed');
    await (await queue.getJob(job.id ?? ''))?.promote();
    expect(await until(async () => (await queue.getJob(job.id ?? ''))?.attemptsMade === 2 && (await queue.getJob(job.id ?? '')))).toMatchObject({ delay: 90_000 });
  }, 30_000);

  it('replaces a failed job with the same id (a plain enqueue is a no-op) and leaves a pending one alone', async () => {
    const queue = jobs.queue('retrying');
    const first = await jobs.enqueue(RetryJobs.work, { key: 'b' }, { attempts: 1 });
    await until(async () => (await first.getState()) === 'failed');
    // what BullMQ does with a known id: nothing; the work would never run again
    const again = await jobs.enqueue(RetryJobs.work, { key: 'b' });
    expect(await again.getState()).toBe('failed');
    expect(flaky.runs).toEqual(['b']);

    flaky.healthy = true;
    const r = await jobs.requeue(RetryJobs.work, { key: 'b' });
    expect(r).toMatchObject({ added: true, replaced: 'failed' });
    expect(r.job.id).toBe('work.b');
    await until(async () => (await queue.getJob('work.b'))?.returnvalue === 'done b');
    expect(flaky.runs).toEqual(['b', 'b']);

    // completed: replaced too (the caller decides whether the work is still due)
    expect(await jobs.requeue(RetryJobs.work, { key: 'b' })).toMatchObject({ added: true, replaced: 'completed' });
    await until(async () => flaky.runs.length === 3);

    // pending (delayed, waiting or active): left as it is
    flaky.healthy = false;
    await jobs.requeue(RetryJobs.work, { key: 'c' });
    await until(async () => (await queue.getJob('work.c'))?.attemptsMade === 1);
    const pending = await jobs.requeue(RetryJobs.work, { key: 'c' });
    expect(pending).toMatchObject({ added: false, replaced: null });
    expect(await pending.job.getState()).toBe('delayed');
  }, 30_000);
});
