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

  /** Job counts per state, for readiness and the demo. */
  async counts(name: string): Promise<Record<string, number>> {
    return this.queue(name).getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
