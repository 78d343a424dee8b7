import { defineJobCatalog, queueOf, schedule } from '@frontier/platform-jobs';

/** The recommender's queue, consumed by recsys-worker (features, item stats, maintenance; later index and training). */
export const RECSYS_QUEUE = 'recsys';

export interface RecsysFeatureBatchPayload {
  tenantId: string;
  /** recsys_event_batches.id: the events are read from Postgres (the truth), the job carries none. */
  batchId: string;
}

export interface RecsysRebuildFeaturesPayload {
  /** One tenant, or every tenant when absent. */
  tenantId?: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a scheduled job with no payload
export type RecsysNoPayload = {};

const q = queueOf(RECSYS_QUEUE);

export const RecsysJobs = {
  /** An event batch was stored: apply it to the per-user features (once per batch, however often queued). */
  featureBatch: q.job<RecsysFeatureBatchPayload>('recsys.feature-batch', {
    jobId: (d) => `recsys-features.${d.batchId}`,
  }),
  /** Every 5 minutes: item stats (CTR, watch time, creator quality) from the batches stored since the last run. */
  aggregateItems: q.job<RecsysNoPayload>('recsys.aggregate-items', {
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  /** Every minute: event batches stored but not featured (a lost job, Redis emptied) are queued again. */
  reconcileEvents: q.job<RecsysNoPayload>('recsys.reconcile-events', {
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  /** Daily (and at worker boot): day partitions of recsys_impressions for today .. today + 2. */
  maintainPartitions: q.job<RecsysNoPayload>('recsys.maintain-partitions', {
    options: { attempts: 3, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
  }),
  /** Re-derive the Redis features of a tenant (or all) from Postgres: after Redis lost its data. */
  rebuildFeatures: q.job<RecsysRebuildFeaturesPayload>('recsys.rebuild-features', {
    jobId: (d) => `recsys-rebuild.${d.tenantId ?? 'all'}`,
    options: { attempts: 3, removeOnComplete: true, removeOnFail: { count: 30 } },
  }),
};

export const RECSYS_JOBS = defineJobCatalog(RECSYS_QUEUE, RecsysJobs, [
  schedule('recsys-aggregate-items', '*/5 * * * *', RecsysJobs.aggregateItems, {}),
  schedule('recsys-reconcile-events', '* * * * *', RecsysJobs.reconcileEvents, {}),
  schedule('recsys-maintain-partitions', '7 0 * * *', RecsysJobs.maintainPartitions, {}),
]);
