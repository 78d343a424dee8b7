import { Inject, Injectable, Logger } from '@nestjs/common';
import { MultimodalJobs, type BillingEventPayload } from '@frontier/multimodal-contracts';
import { BillingRepository, type ExpandOutcome } from '@frontier/multimodal-data-access';
import { JobQueue } from '@frontier/platform-queue';
import { MULTIMODAL_CONFIG, type MultimodalConfig } from '../config';

export interface RecordOutcome {
  /** The stored event's row id (the first one's, for a repeated request id). */
  eventId: string;
  /** False when the request id was already billed (nothing stored, nothing queued). */
  inserted: boolean;
  /** Whether the usage job was queued now; false with Redis down (the reconciler queues it later). */
  queued: boolean;
}

export interface BillingReconcileReport {
  /** Events stored longer than the bound and still not expanded. */
  stale: number;
  /** Of those, queued again (their job was lost, failed, finished or never queued). */
  requeued: number;
  /** Of those, left alone: their job is waiting, delayed or running. */
  pending: number;
}

/** Events read per query by the reconciler. */
const PAGE = 200;

/**
 * Billing, the outbox way: Postgres is the truth and the queue is derived from it. The gateway stores
 * one event per request when it ends ({@link record}: the row first, then a `recordUsage` job);
 * multimodal-worker expands it into usage rows ({@link expand}, once per event); every minute the
 * reconciler ({@link reconcile}) queues events stored but still unexpanded — a job lost with Redis, a
 * job that spent its attempts, an event stored while Redis was down.
 */
@Injectable()
export class BillingService {
  private readonly log = new Logger(BillingService.name);

  constructor(
    private readonly billing: BillingRepository,
    private readonly jobs: JobQueue,
    @Inject(MULTIMODAL_CONFIG) private readonly config: MultimodalConfig,
  ) {}

  /**
   * Stores a request's billing event (idempotent by request id), then queues its usage job. A queue
   * failure (Redis down) is logged, not thrown: the row stands and the reconciler queues it. Throws
   * InvalidInputError (naming the field) for a malformed event, and the database's error when
   * Postgres is down (typed `unavailable` by the platform: 503).
   */
  async record(event: BillingEventPayload): Promise<RecordOutcome> {
    const { event: stored, inserted } = await this.billing.insertEvent(event);
    if (!inserted) return { eventId: stored.id, inserted, queued: false };
    try {
      await this.jobs.enqueue(MultimodalJobs.recordUsage, { eventId: stored.id });
      return { eventId: stored.id, inserted, queued: true };
    } catch (e) {
      this.log.warn(`billing event ${stored.id} (${stored.requestId}) stored, its usage job not queued (${e instanceof Error ? e.message : String(e)}); the reconciler will queue it`);
      return { eventId: stored.id, inserted, queued: false };
    }
  }

  /** The `multimodal.record-usage` job: the event's usage rows, written once (a repeat writes nothing). */
  async expand(eventId: string): Promise<ExpandOutcome> {
    return this.billing.expandEvent(eventId);
  }

  /**
   * The `multimodal.reconcile-billing` job (every minute, and at worker start): every event stored
   * more than `olderThanS` seconds ago (default `reconcileAfterS`, 60) and not yet expanded is queued
   * again, unless its job is still waiting or running; a spent job is replaced.
   */
  async reconcile(olderThanS?: number): Promise<BillingReconcileReport> {
    const bound = olderThanS ?? this.config.reconcileAfterS ?? 60;
    const before = new Date(Date.now() - bound * 1000);
    const report: BillingReconcileReport = { stale: 0, requeued: 0, pending: 0 };
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.billing.pendingEvents(before, PAGE, after);
      for (const e of page) {
        report.stale++;
        const r = await this.jobs.requeue(MultimodalJobs.recordUsage, { eventId: e.id });
        if (r.added) report.requeued++;
        else report.pending++;
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) return report;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }
}
