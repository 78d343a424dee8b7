import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { jobOptionsFor, type JobDefinition, type JobOptions } from '@frontier/platform-jobs';
import { asUnavailable, FrontierError, OUTAGE_RETRY_AFTER_S } from '@frontier/platform-util';
import { bullPrefix, DEFAULT_PRODUCER_TIMEOUT_MS, producerConnection, QueueOptions } from './queue.options';

/** Typed producer: `enqueue(MemoryJobs.extractSession, payload)` picks the queue, options and idempotency key. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly log = new Logger(JobQueue.name);
  private readonly queues = new Map<string, Queue>();
  /** One producer connection for every queue, ours to close (BullMQ leaves a failed QUIT reconnecting forever). */
  private client: RedisClient | undefined;
  private lastErrorLog = 0;

  constructor(private readonly options: QueueOptions) {}

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection(), prefix: bullPrefix(this.options.prefix) });
      q.on('error', (e: Error) => this.warn(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  private connection(): RedisClient {
    if (!this.client) {
      this.client = createRedis({ url: this.options.redisUrl, clusterNodes: this.options.redisClusterNodes }, producerConnection(this.options.redisUrl, this.timeoutMs));
      this.client.on('error', (e: Error) => this.warn(`redis: ${e.message}`));
    }
    return this.client;
  }

  /**
   * Resolves once the producer's client is ready, or after `timeoutMs` (false). A Cluster client
   * answers no command (no offline queue) while it fetches its slot map, which BullMQ's own
   * readiness check does not wait for: boot-time work (repeating jobs) waits here first.
   */
  async whenReady(timeoutMs = 30_000): Promise<boolean> {
    const client = this.connection();
    if (client.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      client.once('ready', onReady);
    });
  }

  /** Connection errors surface on the calls; they are logged at most every 10 s. */
  private warn(message: string): void {
    if (Date.now() - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = Date.now();
    this.log.warn(message);
  }

  private get timeoutMs(): number {
    return this.options.commandTimeoutMs ?? DEFAULT_PRODUCER_TIMEOUT_MS;
  }

  /**
   * Adds a job. When Redis is unreachable it fails fast (no offline queue; bounded by the
   * producer timeout even before the first connection) with a FrontierError of category
   * `unavailable` (code `redis.unavailable`, Retry-After), which callers may catch.
   */
  async enqueue<P>(job: JobDefinition<P>, data: P, overrides?: JobOptions): Promise<Job> {
    return this.failFast(this.queue(job.queue).add(job.name, data, jobOptionsFor(job, data, overrides)));
  }

  /** Bounds a producer call and types its connection failures (see {@link enqueue}). */
  async failFast<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FrontierError('unavailable', 'redis.unavailable', `the job queue (Redis) did not answer within ${this.timeoutMs} ms`, { retryAfterS: OUTAGE_RETRY_AFTER_S })),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([call, deadline]);
    } catch (e) {
      throw asUnavailable(e, 'redis') ?? e;
    } finally {
      clearTimeout(timer);
      call.catch(() => undefined); // a call that lost the race must not become an unhandled rejection
    }
  }

  /**
   * Enqueues, replacing a finished job with the same id. BullMQ ignores an add whose job id
   * exists, and keeps failed jobs for a week: a job that spent its attempts (an outage) would keep
   * the work from ever running again. A failed or completed job is removed and the job added
   * anew; a waiting, delayed or running one is left as it is (`added: false`). Fails fast as
   * {@link enqueue} does when Redis is unreachable.
   */
  async requeue<P>(job: JobDefinition<P>, data: P, overrides?: JobOptions): Promise<{ job: Job; added: boolean; replaced: 'failed' | 'completed' | null }> {
    return this.failFast(this.replaceFinished(job, data, jobOptionsFor(job, data, overrides)));
  }

  private async replaceFinished<P>(job: JobDefinition<P>, data: P, opts: JobOptions): Promise<{ job: Job; added: boolean; replaced: 'failed' | 'completed' | null }> {
    const q = this.queue(job.queue);
    let replaced: 'failed' | 'completed' | null = null;
    if (opts.jobId !== undefined) {
      const existing = await q.getJob(opts.jobId);
      const state = existing ? await existing.getState() : 'unknown';
      if (existing && state !== 'failed' && state !== 'completed' && state !== 'unknown') return { job: existing, added: false, replaced: null };
      if (state === 'failed' || state === 'completed') {
        replaced = state;
        // 0 when it is locked: another producer re-added it and a worker took it; the add below is then a no-op
        await q.remove(opts.jobId);
      }
    }
    return { job: await q.add(job.name, data, opts), added: true, replaced };
  }

  /** Job counts per state, for readiness and the demo. */
  async counts(name: string): Promise<Record<string, number>> {
    return this.queue(name).getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  /** Closes the producers and their connection; with Redis unreachable the socket is dropped instead of a QUIT. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
    const client = this.client;
    this.client = undefined;
    if (client && client.status !== 'end') await client.quit().catch(() => client.disconnect());
  }
}
