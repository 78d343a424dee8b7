import { Inject, Injectable } from '@nestjs/common';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';

export interface ReconcileReport {
  /** Sessions still received/processing past the bound. */
  stale: number;
  /** Of those, queued again (their job was gone, failed or finished). */
  requeued: number;
  /** Of those, left alone: their job is waiting, delayed or running. */
  pending: number;
  /** Of those, given up on: re-queued too often already (a re-post retries them). */
  failed: number;
}

/** Sessions read per query. */
const PAGE = 200;

/**
 * Postgres is the truth and the queue is derived from it. A session whose extraction job spent
 * its attempts in an outage, vanished with a Redis that restarted empty, or was never queued
 * (the queue was down when it was posted; a Mem0 add interrupted after storing) is still
 * `received` or `processing` in Postgres: the reconciler queues it again, replacing a spent job
 * (extraction is idempotent, so a session is still extracted once). Runs every minute and at
 * worker start.
 */
@Injectable()
export class ReconcilerService {
  constructor(@Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext) {}

  /**
   * Every session unchanged for `olderThanS` seconds (default `reconcileAfterS`, 120) while
   * received or processing: queued again unless its job is pending; past `maxRequeues` (10) marked
   * failed with the reason instead.
   */
  async reconcile(olderThanS?: number): Promise<ReconcileReport> {
    const { sessions, notifier, options } = this.ctx;
    const bound = olderThanS ?? options.reconcileAfterS ?? 120;
    const maxRequeues = options.maxRequeues ?? 10;
    // updated_at is system time (not the services' clock, which tests may move)
    const before = new Date(Date.now() - bound * 1000);
    const report: ReconcileReport = { stale: 0, requeued: 0, pending: 0, failed: 0 };
    let after: { updatedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await sessions.unprocessed(before, PAGE, after);
      for (const s of page) {
        report.stale++;
        if (s.requeues >= maxRequeues) {
          if (await sessions.markFailed(s.id, `extraction did not complete after ${s.requeues} re-queues; post the session again to retry`)) report.failed++;
          continue;
        }
        if ((await notifier.requeue(s.scope, s.id)) === 'pending') {
          report.pending++;
          continue;
        }
        await sessions.markRequeued(s.id);
        report.requeued++;
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) return report;
      after = { updatedAt: last.updatedAt, id: last.id };
    }
  }
}
