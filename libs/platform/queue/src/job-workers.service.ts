import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { backoffDelay, jobOptionsFor, type JobOptions } from '@frontier/platform-jobs';
import { JobQueue } from './job-queue.service';
import { jobHandledBy, planHandlers, type FoundHandler } from './handlers';
import { bullConnection, bullPrefix, QueueOptions, WorkerOptions } from './queue.options';

const failUnknown = (type: string | undefined): never => {
  throw new Error(`unknown backoff strategy ${type}`);
};

/**
 * Finds every `@OnJob` method among the app's providers, refuses to boot unless each job of the
 * consumed queues has exactly one handler, then runs one BullMQ worker per queue. On shutdown it
 * stops taking jobs and waits for the running ones (drain) before Nest closes connections.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(JobWorkers.name);
  private readonly workers: Worker[] = [];
  /** Cluster mode: the never-connected template each worker duplicates (BullMQ owns the copies). */
  private readonly templates: RedisClient[] = [];
  private routes = new Map<string, FoundHandler>();
  private inFlight = 0;
  private scheduleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly queueOptions: QueueOptions,
    private readonly workerOptions: WorkerOptions,
    private readonly jobs: JobQueue,
  ) {}

  discover(): FoundHandler[] {
    const found: FoundHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const job = jobHandledBy(proto, method);
        if (!job) continue;
        const fn = instance[method] as (data: unknown, job: unknown) => Promise<unknown>;
        found.push({ job, where: `${proto.constructor.name}.${method}`, call: (data, j) => fn.call(instance, data, j) });
      }
    }
    return found;
  }

  async onApplicationBootstrap(): Promise<void> {
    const catalogs = this.workerOptions.catalogs;
    this.routes = planHandlers(catalogs, this.discover());
    for (const queue of new Set(catalogs.map((c) => c.queue))) {
      const worker = new Worker(queue, (job: Job) => this.dispatch(job), {
        connection: this.workerConnection(),
        prefix: bullPrefix(this.queueOptions.prefix),
        concurrency: this.workerOptions.concurrency ?? 8,
        // the catalogs' capped exponential backoff (BullMQ asks for any type it does not know)
        settings: { backoffStrategy: (attemptsMade: number, type?: string, _err?: Error, j?: { opts: { backoff?: unknown } }) => backoffDelay(attemptsMade, j?.opts.backoff as JobOptions['backoff']) ?? failUnknown(type) },
      });
      worker.on('failed', (job, err) => this.log.warn(`job ${job?.name}#${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
      worker.on('error', (err) => this.log.error(`worker ${queue}: ${err.message}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    await this.ensureSchedules(true);
    // Redis is derived state: one restarted empty loses the schedulers, so they are re-checked
    this.scheduleTimer = setInterval(() => void this.ensureSchedules(false), this.workerOptions.scheduleCheckMs ?? 30_000);
    this.scheduleTimer.unref();
    this.log.log(`consuming ${catalogs.map((c) => c.queue).join(', ')} with ${this.routes.size} job handler(s)`);
  }

  /**
   * Single Redis: connection options (BullMQ makes its connections). Cluster: a lazy Cluster
   * client that BullMQ duplicates for the worker's two connections and closes with the worker.
   */
  private workerConnection(): ReturnType<typeof bullConnection> | RedisClient {
    const { redisUrl, redisClusterNodes } = this.queueOptions;
    if (!redisClusterNodes) return bullConnection(redisUrl);
    const template = createRedis({ url: redisUrl, clusterNodes: redisClusterNodes }, { ...bullConnection(redisUrl), lazyConnect: true });
    this.templates.push(template);
    return template;
  }

  /**
   * Registers the consumed queues' repeating jobs (upsert: every replica may do it, none
   * duplicates). At boot all are upserted (a changed pattern takes effect); afterwards only
   * missing ones are, and a Redis outage is logged and retried at the next check.
   */
  async ensureSchedules(all: boolean): Promise<number> {
    let added = 0;
    // at boot the producer's (Cluster) client may still be fetching its slots: wait for it (bounded)
    if (all && this.workerOptions.catalogs.some((c) => c.schedules.length)) await this.jobs.whenReady();
    for (const s of this.workerOptions.catalogs.flatMap((c) => c.schedules)) {
      try {
        const queue = this.jobs.queue(s.job.queue);
        if (!all && (await queue.getJobScheduler(s.id))) continue;
        await queue.upsertJobScheduler(s.id, { pattern: s.pattern, tz: 'UTC' }, { name: s.job.name, data: s.data, opts: jobOptionsFor(s.job, s.data) });
        if (!all) this.log.warn(`repeating job ${s.id} was missing from Redis: registered again`);
        added++;
      } catch (e) {
        if (all) throw e;
        this.log.warn(`could not check repeating job ${s.id}: ${(e as Error).message}`);
      }
    }
    return added;
  }

  private async dispatch(job: Job): Promise<unknown> {
    const handler = this.routes.get(job.name);
    // planHandlers guarantees a route for every job of our queues; anything else is a stray name
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    this.inFlight++;
    try {
      return await handler.call(job.data, { id: job.id, attemptsMade: job.attemptsMade });
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Stops taking jobs and waits for the running ones, at most `timeoutMs`; past that the workers'
   * connections are cut (the jobs' locks lapse and BullMQ hands them to another worker as
   * stalled). Resolves with how the close went. Idempotent.
   */
  async drain(timeoutMs = 30_000): Promise<{ active: number; forced: boolean }> {
    clearInterval(this.scheduleTimer);
    const workers = this.workers.splice(0);
    for (const t of this.templates.splice(0)) t.disconnect();
    if (!workers.length) return { active: 0, forced: false };
    const active = this.inFlight;
    let timer: NodeJS.Timeout | undefined;
    const closed = Promise.all(workers.map((w) => w.close())).then(() => false);
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const forced = await Promise.race([closed, late]);
    clearTimeout(timer);
    if (forced) {
      // a close already under way cannot be forced (BullMQ returns the pending one): cut the
      // connections instead; the unfinished jobs' locks lapse and another worker takes them over
      this.log.warn(`${this.inFlight} job(s) still running after ${timeoutMs} ms: disconnecting the workers`);
      await Promise.all(workers.map((w) => w.disconnect().catch(() => undefined)));
    }
    return { active, forced };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }
}
