import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { JOBS, jobOptionsFor, type JobName, type JobOf, type JobOptions, type QueueName } from '@frontier/platform-jobs';
import { bullConnection, QueueOptions } from './queue.options';

/** Typed producer: `enqueue(JobName.X, payload)` picks the queue, options and idempotency key. */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly options: QueueOptions) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: bullConnection(this.options.redisUrl), prefix: this.options.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<N extends JobName>(name: N, data: JobOf<N>, overrides?: JobOptions): Promise<Job> {
    return this.queue(JOBS[name].queue).add(name, data, jobOptionsFor(name, data, overrides));
  }

  /** Job counts per state, for readiness and the demo. */
  async counts(name: QueueName): Promise<Record<string, number>> {
    return this.queue(name).getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
