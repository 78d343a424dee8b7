import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineJobCatalog, queueOf, schedule, type JobOf } from '@frontier/platform-jobs';
import { createTestRedisOn, REDIS_MODES, startRedisMode, type RedisModeServer, type TestRedisOn } from '@frontier/platform-testing';
import { createRedis } from '@frontier/platform-redis';
import { JobHandlerConfigError, OnJob, planHandlers, type FoundHandler } from './handlers';
import { JobQueue } from './job-queue.service';
import { QueueModule } from './queue.module';
import { bullConnection, bullPrefix } from './queue.options';
import { Queue, QueueEvents } from 'bullmq';
import { JobWorkers } from './job-workers.service';

// a catalog of this spec's own: the machinery is generic, it knows no product's jobs
const q = queueOf('platform');
const TestJobs = {
  apiKeyUsed: q.job<{ keyId: string; usedAt: string }>('platform.api-key-used', { jobId: (d) => `api-key-used.${d.keyId}.${d.usedAt.slice(0, 16).replace(/[^0-9T]/g, '')}` }),
  ping: q.job<{ message: string; sentAt: string }>('platform.ping', { options: { attempts: 1 } }),
};
const CATALOG = defineJobCatalog('platform', TestJobs);
const JobName = { Ping: TestJobs.ping.name, ApiKeyUsed: TestJobs.apiKeyUsed.name };

const h = (job: string, where: string): FoundHandler => ({ job, where, call: async () => undefined });

describe('planHandlers (boot check)', () => {
  it('accepts exactly one handler per job of the consumed queues', () => {
    const plan = planHandlers([CATALOG], [h(JobName.Ping, 'A.ping'), h(JobName.ApiKeyUsed, 'B.used')]);
    expect([...plan.keys()].sort()).toEqual([JobName.ApiKeyUsed, JobName.Ping].sort());
  });

  it('refuses a job with no handler', () => {
    expect(() => planHandlers([CATALOG], [h(JobName.Ping, 'A.ping')])).toThrow(
      'worker refuses to boot: no handler for platform.api-key-used',
    );
  });

  it('refuses a job with two handlers, naming both', () => {
    expect(() =>
      planHandlers([CATALOG], [h(JobName.Ping, 'A.ping'), h(JobName.Ping, 'B.ping'), h(JobName.ApiKeyUsed, 'C.used')]),
    ).toThrow('worker refuses to boot: platform.ping has 2 handlers (A.ping, B.ping)');
  });
});

@Injectable()
class PingHandler {
  readonly seen: JobOf<typeof TestJobs.ping>[] = [];
  @OnJob(TestJobs.ping)
  async ping(data: JobOf<typeof TestJobs.ping>): Promise<string> {
    this.seen.push(data);
    return `pong ${data.message}`;
  }
}

@Injectable()
class UsageHandler {
  readonly seen: JobOf<typeof TestJobs.apiKeyUsed>[] = [];
  @OnJob(TestJobs.apiKeyUsed)
  async used(data: JobOf<typeof TestJobs.apiKeyUsed>): Promise<void> {
    this.seen.push(data);
  }
}

@Injectable()
class SecondPingHandler {
  @OnJob(TestJobs.ping)
  async ping(): Promise<void> {
    return undefined;
  }
}

function workerModule(redis: TestRedisOn, handlers: Array<new (...args: never[]) => unknown>) {
  @Module({
    imports: [QueueModule.forRoot({ redisUrl: redis.url, redisClusterNodes: redis.clusterNodes, prefix: redis.prefix }), QueueModule.forWorker({ catalogs: [CATALOG] })],
    providers: handlers,
  })
  class WorkerModule {}
  return WorkerModule;
}

/** BullMQ's own classes on the suite's target: options for a single Redis, a Cluster client (closed by the caller) for a cluster. */
const bullOn = (redis: TestRedisOn) => ({
  connection: redis.clusterNodes ? createRedis(redis.target, bullConnection(redis.url)) : bullConnection(redis.url),
  prefix: bullPrefix(redis.prefix),
});

describe.each(REDIS_MODES)('JobQueue + JobWorkers on a real Redis (%s)', (mode) => {
  let server: RedisModeServer;
  let redis: TestRedisOn;
  beforeAll(async () => (server = await startRedisMode(mode)), 60_000);
  afterAll(() => server.dispose());
  beforeEach(async () => (redis = await createTestRedisOn(server.target, 'queue')));
  afterEach(async () => redis.cleanup());

  it('routes jobs to their handler and deduplicates by jobId', async () => {
    const app = await NestFactory.createApplicationContext(workerModule(redis, [PingHandler, UsageHandler]), { logger: false });
    const queue = app.get(JobQueue);
    const job = await queue.enqueue(TestJobs.ping, { message: 'hello', sentAt: new Date().toISOString() });
    const opts = bullOn(redis);
    const events = new QueueEvents(CATALOG.queue, opts);
    await events.waitUntilReady();
    expect(await job.waitUntilFinished(events, 10_000)).toBe('pong hello');

    const usedAt = '2026-11-24T10:15:30.000Z';
    const a = await queue.enqueue(TestJobs.apiKeyUsed, { keyId: 'k1', usedAt });
    const b = await queue.enqueue(TestJobs.apiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:15:45.000Z' });
    expect(b.id).toBe(a.id);
    await a.waitUntilFinished(events, 10_000);
    expect(app.get(UsageHandler).seen).toEqual([{ keyId: 'k1', usedAt }]);
    await events.close();
    if ('disconnect' in opts.connection) opts.connection.disconnect();
    await app.close();
  });

  it('refuses to boot when a job has no handler', async () => {
    // createApplicationContext runs the bootstrap hooks: the boot itself must fail
    await expect(NestFactory.createApplicationContext(workerModule(redis, [PingHandler]), { logger: false, abortOnError: false })).rejects.toThrow(
      JobHandlerConfigError,
    );
  });

  it('refuses to boot when a job has two handlers', async () => {
    await expect(
      NestFactory.createApplicationContext(workerModule(redis, [PingHandler, SecondPingHandler, UsageHandler]), { logger: false, abortOnError: false }),
    ).rejects.toThrow(/platform\.ping has 2 handlers \(PingHandler\.ping, SecondPingHandler\.ping\)/);
  });

  it('registers a repeating job again when Redis lost it (restarted without its data)', async () => {
    const scheduled = defineJobCatalog('platform', TestJobs, [schedule('test-ping-hourly', '0 * * * *', TestJobs.ping, { message: 'tick', sentAt: '' })]);
    @Module({
      imports: [QueueModule.forRoot({ redisUrl: redis.url, redisClusterNodes: redis.clusterNodes, prefix: redis.prefix }), QueueModule.forWorker({ catalogs: [scheduled], scheduleCheckMs: 200 })],
      providers: [PingHandler, UsageHandler],
    })
    class ScheduledWorker {}
    const app = await NestFactory.createApplicationContext(ScheduledWorker, { logger: false });
    const opts = bullOn(redis);
    const raw = new Queue('platform', opts);
    try {
      expect(await raw.getJobScheduler('test-ping-hourly')).toMatchObject({ pattern: '0 * * * *' });
      // what an empty Redis looks like to the worker: the scheduler and its next job are gone
      await raw.removeJobScheduler('test-ping-hourly');
      expect(await raw.getJobScheduler('test-ping-hourly')).toBeFalsy();
      const deadline = Date.now() + 10_000;
      while (!(await raw.getJobScheduler('test-ping-hourly')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await raw.getJobScheduler('test-ping-hourly')).toMatchObject({ pattern: '0 * * * *' });
      // present ones are left alone
      expect(await app.get(JobWorkers).ensureSchedules(false)).toBe(0);
    } finally {
      await raw.close();
      if ('disconnect' in opts.connection) opts.connection.disconnect();
      await app.close();
    }
  });
});
