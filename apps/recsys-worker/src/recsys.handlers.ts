import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RecsysJobs } from '@frontier/recsys-contracts';
import { FeaturesService, MaintenanceService, type AggregateReport, type PartitionMaintenance, type BatchOutcome, type RebuildReport, type ReconcileReport } from '@frontier/recsys-nest';
import type { JobOf } from '@frontier/platform-jobs';
import { describeMaintenance } from '@frontier/platform-prisma';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `recsys` queue: each calls one recsys service method. */
@Injectable()
export class RecsysHandlers implements OnApplicationBootstrap {
  private readonly log = new Logger(RecsysHandlers.name);

  constructor(
    private readonly features: FeaturesService,
    private readonly maintenance: MaintenanceService,
  ) {}

  /**
   * The start check: today's impression partitions, then the reconciler (batches a dead worker or
   * an emptied Redis left unfeatured; tenants whose features are gone get a rebuild). A failure
   * (Postgres or Redis down at boot) does not stop the worker: the scheduled runs try again.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.maintainPartitions();
      this.report('start check', await this.features.reconcile());
    } catch (e) {
      this.log.warn(`start check failed (${e instanceof Error ? e.message : String(e)}); the scheduled runs retry`);
    }
  }

  /** A stored event batch into the users' window features, once. */
  @OnJob(RecsysJobs.featureBatch)
  async featureBatch(data: JobOf<typeof RecsysJobs.featureBatch>): Promise<BatchOutcome> {
    return this.features.applyBatch(data.tenantId, data.batchId);
  }

  /** Every 5 minutes: item and creator stats of the batches stored since the last run (and runs a dead worker left). */
  @OnJob(RecsysJobs.aggregateItems)
  async aggregateItems(): Promise<AggregateReport> {
    return this.features.aggregateItems();
  }

  /** Every minute: unfeatured batches queued again; tenants whose Redis features are gone rebuilt. */
  @OnJob(RecsysJobs.reconcileEvents)
  async reconcileEvents(): Promise<ReconcileReport> {
    return this.report('reconcile', await this.features.reconcile());
  }

  /** Daily: impression-log partitions ahead, and the ones past the retention dropped (logged by name). */
  @OnJob(RecsysJobs.maintainPartitions)
  async maintainPartitions(): Promise<PartitionMaintenance> {
    const r = await this.maintenance.ensurePartitions();
    const line = describeMaintenance('recsys_impressions', r);
    if (line) this.log.log(line);
    return r;
  }

  /** Re-derives a tenant's (or every tenant's) Redis features from Postgres. */
  @OnJob(RecsysJobs.rebuildFeatures)
  async rebuildFeatures(data: JobOf<typeof RecsysJobs.rebuildFeatures>): Promise<RebuildReport[]> {
    return this.features.rebuildTenants(data.tenantId);
  }

  private report(what: string, r: ReconcileReport): ReconcileReport {
    if (r.stale || r.rebuilds.length) this.log.log(`${what}: ${r.stale} batch(es) unfeatured past the bound (${r.requeued} queued again); rebuilds queued for ${r.rebuilds.length} tenant(s)`);
    return r;
  }
}
