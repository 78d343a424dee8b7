import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { jobOptionsFor, type JobDefinition, type JobOptions } from '@frontier/platform-jobs';
import { bullConnection, QueueOptions } from './queue.options';

/** Typed producer: `enqueue(MemoryJobs.extractSession, payload)` picks the queue, options and idempotency key. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: QueueOptions) {}

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: bullConnection(this.options.redisUrl), prefix: this.options.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<P>(job: JobDefinition<P>, data: P, overrides?: JobOptions): Promise<Job> {
    return this.queue(job.queue).add(job.name, data, jobOptionsFor(job, data, overrides));
  }

  /**
   * Enqueues, replacing a finished job with the same id. BullMQ ignores an add whose job id
   * exists, and keeps failed jobs for a week: a job that spent its attempts (an outage) would keep
   * the work from ever running again. A failed or completed job is removed and the job added
   * anew; a waiting, delayed or running one is left as it is (`added: false`).
   */
  async requeue<P>(job: JobDefinition<P>, data: P, overrides?: JobOptions): Promise<{ job: Job; added: boolean; replaced: 'failed' | 'completed' | null }> {
    const opts = jobOptionsFor(job, data, overrides);
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

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
