import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobName, QueueName, type JobOf } from '@frontier/platform-jobs';
import { createTestRedis, type TestRedis } from '@frontier/platform-testing';
import { JobHandlerConfigError, OnJob, planHandlers, type FoundHandler } from './handlers';
import { JobQueue } from './job-queue.service';
import { QueueModule } from './queue.module';
import { bullConnection } from './queue.options';
import { QueueEvents } from 'bullmq';

const h = (job: JobName, where: string): FoundHandler => ({ job, where, call: async () => undefined });

describe('planHandlers (boot check)', () => {
  it('accepts exactly one handler per job of the consumed queues', () => {
    const plan = planHandlers([QueueName.Platform], [h(JobName.Ping, 'A.ping'), h(JobName.ApiKeyUsed, 'B.used')]);
    expect([...plan.keys()].sort()).toEqual([JobName.ApiKeyUsed, JobName.Ping].sort());
  });

  it('refuses a job with no handler', () => {
    expect(() => planHandlers([QueueName.Platform], [h(JobName.Ping, 'A.ping')])).toThrow(
      'worker refuses to boot: no handler for platform.api-key-used',
    );
  });

  it('refuses a job with two handlers, naming both', () => {
    expect(() =>
      planHandlers([QueueName.Platform], [h(JobName.Ping, 'A.ping'), h(JobName.Ping, 'B.ping'), h(JobName.ApiKeyUsed, 'C.used')]),
    ).toThrow('worker refuses to boot: platform.ping has 2 handlers (A.ping, B.ping)');
  });
});

@Injectable()
class PingHandler {
  readonly seen: JobOf<JobName.Ping>[] = [];
  @OnJob(JobName.Ping)
  async ping(data: JobOf<JobName.Ping>): Promise<string> {
    this.seen.push(data);
    return `pong ${data.message}`;
  }
}

@Injectable()
class UsageHandler {
  readonly seen: JobOf<JobName.ApiKeyUsed>[] = [];
  @OnJob(JobName.ApiKeyUsed)
  async used(data: JobOf<JobName.ApiKeyUsed>): Promise<void> {
    this.seen.push(data);
  }
}

@Injectable()
class SecondPingHandler {
  @OnJob(JobName.Ping)
  async ping(): Promise<void> {
    return undefined;
  }
}

function workerModule(redis: TestRedis, handlers: Array<new (...args: never[]) => unknown>) {
  @Module({
    imports: [QueueModule.forRoot({ redisUrl: redis.url, prefix: redis.prefix }), QueueModule.forWorker({ queues: [QueueName.Platform] })],
    providers: handlers,
  })
  class WorkerModule {}
  return WorkerModule;
}

describe('JobQueue + JobWorkers on a real Redis', () => {
  let redis: TestRedis;
  beforeEach(async () => (redis = await createTestRedis('queue')));
  afterEach(async () => redis.cleanup());

  it('routes jobs to their handler and deduplicates by jobId', async () => {
    const app = await NestFactory.createApplicationContext(workerModule(redis, [PingHandler, UsageHandler]), { logger: false });
    const queue = app.get(JobQueue);
    const job = await queue.enqueue(JobName.Ping, { message: 'hello', sentAt: new Date().toISOString() });
    const events = new QueueEvents(QueueName.Platform, { connection: bullConnection(redis.url), prefix: redis.prefix });
    await events.waitUntilReady();
    expect(await job.waitUntilFinished(events, 10_000)).toBe('pong hello');

    const usedAt = '2026-11-24T10:15:30.000Z';
    const a = await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'k1', usedAt });
    const b = await queue.enqueue(JobName.ApiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:15:45.000Z' });
    expect(b.id).toBe(a.id);
    await a.waitUntilFinished(events, 10_000);
    expect(app.get(UsageHandler).seen).toEqual([{ keyId: 'k1', usedAt }]);
    await events.close();
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
});
