import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MultimodalJobs } from '@frontier/multimodal-contracts';
import type { ExpandOutcome } from '@frontier/multimodal-data-access';
import { BillingService, UsagePartitionsService, VideoJobsService, type BillingReconcileReport } from '@frontier/multimodal-nest';
import type { JobOf } from '@frontier/platform-jobs';
import { describeMaintenance, type PartitionMaintenance } from '@frontier/platform-prisma';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `multimodal` queue: each calls one multimodal service method. */
@Injectable()
export class MultimodalHandlers implements OnApplicationBootstrap {
  private readonly log = new Logger(MultimodalHandlers.name);

  constructor(
    private readonly billing: BillingService,
    private readonly videoJobs: VideoJobsService,
    private readonly usagePartitions: UsagePartitionsService,
  ) {}

  /**
   * The start check: today's usage partitions, then billing events a dead worker, an emptied Redis
   * or an outage left unexpanded are queued now rather than at the next minute. A failure (Postgres
   * or Redis down at boot) does not stop the worker: the scheduled runs try again.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.maintainPartitions();
      this.report('start check', await this.billing.reconcile());
    } catch (e) {
      this.log.warn(`start check failed (${e instanceof Error ? e.message : String(e)}); the every-minute reconcile retries`);
    }
  }

  /** A stored billing event: its usage rows, once. */
  @OnJob(MultimodalJobs.recordUsage)
  async recordUsage(data: JobOf<typeof MultimodalJobs.recordUsage>): Promise<ExpandOutcome> {
    return this.billing.expand(data.eventId);
  }

  /** Every minute: billing events stored but left unexpanded (lost or spent job, Redis down at the time) are queued again. */
  @OnJob(MultimodalJobs.reconcileBilling)
  async reconcileBilling(): Promise<BillingReconcileReport> {
    return this.report('reconcile', await this.billing.reconcile());
  }

  /** An async video job: its frames and soundtrack made into context, billed, its webhook called. */
  @OnJob(MultimodalJobs.videoContext)
  async videoContext(data: JobOf<typeof MultimodalJobs.videoContext>): Promise<{ status: string }> {
    return this.videoJobs.run(data.jobId);
  }

  /** Every minute: async jobs a lost job or a dead worker left queued/running are queued again; undelivered webhooks retried. */
  @OnJob(MultimodalJobs.reconcileJobs)
  async reconcileJobs(): Promise<{ requeued: number; webhooks: number }> {
    const r = await this.videoJobs.reconcile();
    if (r.requeued || r.webhooks) this.log.log(`jobs reconcile: ${r.requeued} job(s) queued again, ${r.webhooks} webhook(s) delivered`);
    return r;
  }

  /** Daily: multimodal_usage partitions ahead, and those past the retention dropped (logged by name). */
  @OnJob(MultimodalJobs.maintainPartitions)
  async maintainPartitions(): Promise<PartitionMaintenance> {
    const r = await this.usagePartitions.maintain();
    const line = describeMaintenance('multimodal_usage', r);
    if (line) this.log.log(line);
    return r;
  }

  private report(what: string, r: BillingReconcileReport): BillingReconcileReport {
    if (r.stale) this.log.log(`${what}: ${r.stale} billing event(s) unexpanded past the bound: ${r.requeued} queued again, ${r.pending} pending`);
    return r;
  }
}
