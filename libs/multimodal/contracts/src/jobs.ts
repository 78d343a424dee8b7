import { defineJobCatalog, queueOf, schedule } from '@frontier/platform-jobs';

/** Multimodal's queue, consumed by multimodal-worker (billing, usage roll-ups). */
export const MULTIMODAL_QUEUE = 'multimodal';

export interface MultimodalRecordUsagePayload {
  /** Row id of the stored billing event (multimodal_billing_events.id): the job carries no data of its own. */
  eventId: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a scheduled job with no payload
export type MultimodalReconcileBillingPayload = {};

export interface MultimodalVideoContextPayload {
  /** Row id of the async job (multimodal_jobs.id): the clip and the plan are in the row. */
  jobId: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a scheduled job with no payload
export type MultimodalReconcileJobsPayload = {};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a scheduled job with no payload
export type MultimodalMaintainPartitionsPayload = {};

const q = queueOf(MULTIMODAL_QUEUE);

export const MultimodalJobs = {
  /** A billing event was stored (Postgres, the truth): expand it into usage rows (once per event). */
  recordUsage: q.job<MultimodalRecordUsagePayload>('multimodal.record-usage', {
    jobId: (d) => `multimodal-usage.${d.eventId}`,
  }),
  /** Every minute: billing events stored but not yet expanded (a lost job, a Redis restart) are queued again. */
  reconcileBilling: q.job<MultimodalReconcileBillingPayload>('multimodal.reconcile-billing', {
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  /** A long clip accepted as an async job (202): its frames and soundtrack made into context, once per job. */
  videoContext: q.job<MultimodalVideoContextPayload>('multimodal.video-context', {
    jobId: (d) => `multimodal-video.${d.jobId}`,
    options: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { count: 1_000 }, removeOnFail: { count: 1_000 } },
  }),
  /** Every minute: async jobs left queued or running past the bound (a lost job, a dead worker) are queued again. */
  reconcileJobs: q.job<MultimodalReconcileJobsPayload>('multimodal.reconcile-jobs', {
    options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  }),
  /** Daily (and at worker start): multimodal_usage day partitions ahead; those past MULTIMODAL_USAGE_RETENTION_DAYS dropped. */
  maintainPartitions: q.job<MultimodalMaintainPartitionsPayload>('multimodal.maintain-partitions', {
    options: { attempts: 3, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
  }),
};

export const MULTIMODAL_JOBS = defineJobCatalog(MULTIMODAL_QUEUE, MultimodalJobs, [
  schedule('multimodal-reconcile-billing', '* * * * *', MultimodalJobs.reconcileBilling, {}),
  schedule('multimodal-reconcile-jobs', '* * * * *', MultimodalJobs.reconcileJobs, {}),
  schedule('multimodal-maintain-partitions', '17 0 * * *', MultimodalJobs.maintainPartitions, {}),
]);



