import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { jobOptionsFor } from '@frontier/platform-jobs';
import { JobQueue } from '@frontier/platform-queue';
import { MEMORY_QUEUE, MemoryJobs, type MemoryScope } from '@frontier/memory-contracts';

/** What an erasure touched, as a cache needs it to purge its copies. */
export interface ErasedSet {
  /** Session row ids the erased memories came from, and the erased sessions. */
  sessionRowIds: string[];
  /** The whole user was erased. */
  wholeUser: boolean;
}

/**
 * A store outside Postgres that may hold copies of a user's memory texts or ids (Mem0 exports in
 * Redis, finished jobs' data and results in BullMQ). Every erasure purges the user's copies there
 * (they are derived: re-created on demand); an outage throws and the hard delete is retried.
 */
export abstract class ErasableCache {
  abstract readonly name: string;
  /** Removes the copies; returns how many entries (keys, jobs) went. */
  abstract purge(scope: MemoryScope, erased: ErasedSet): Promise<number>;
}

/** Injection token of the {@link ErasableCache} list the erasure service purges. */
export const ERASABLE_CACHES = Symbol.for('frontier:memory-erasable-caches');

/** Entries of the queue's events stream read per call while looking for erased ids. */
const STREAM_PAGE = 1_000;

/**
 * BullMQ's copies: the finished (completed or failed) extraction jobs of the erased sessions and,
 * for a whole user, the user's biography job — their data names the user and the session — and
 * the queue's events stream entries naming them. A job still running is not removable: the purge
 * throws and the hard delete is retried after it finished. (Job results carry no text: the
 * worker's handlers return counts.)
 */
@Injectable()
export class MemoryJobTraces extends ErasableCache {
  readonly name = 'redis: memory queue (finished jobs, events stream)';

  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async purge(scope: MemoryScope, erased: ErasedSet): Promise<number> {
    const q = this.jobs.queue(MEMORY_QUEUE);
    const ids = erased.sessionRowIds.map((sessionId) => jobOptionsFor(MemoryJobs.extractSession, { ...scope, sessionId }).jobId as string);
    if (erased.wholeUser) ids.push(jobOptionsFor(MemoryJobs.rebuildBiography, { ...scope }).jobId as string);
    let n = 0;
    for (const id of ids) {
      const job = await this.jobs.failFast(q.getJob(id));
      if (!job) continue;
      if (await job.isActive()) throw new Error(`memory job ${id} is running: erasure retried once it finished`);
      await this.jobs.failFast(job.remove());
      n++;
    }
    if (!ids.length) return n;
    // the Redis backend's raw client is ioredis (BullMQ types it by the commands BullMQ itself uses)
    const client = (await q.getBackend().client) as unknown as Redis;
    const stream = `${q.opts.prefix ?? 'bull'}:${MEMORY_QUEUE}:events`;
    let start = '-';
    for (;;) {
      const page: Array<[string, string[]]> = await this.jobs.failFast(client.xrange(stream, start, '+', 'COUNT', STREAM_PAGE));
      const doomed = page.filter(([, fields]) => fields.some((f) => ids.some((id) => f.includes(id)))).map(([entry]) => entry);
      if (doomed.length) n += await this.jobs.failFast(client.xdel(stream, ...doomed));
      if (page.length < STREAM_PAGE) return n;
      start = `(${(page.at(-1) as [string, string[]])[0]}`;
    }
  }
}
