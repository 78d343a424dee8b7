import { defineJobCatalog, queueOf, schedule } from '@frontier/platform-jobs';

/** Multimodal's queue, consumed by multimodal-worker (billing, usage roll-ups). */
export const MULTIMODAL_QUEUE = 'multimodal';

export interface MultimodalRecordUsagePayload {
  /** Row id of the stored billing event (multimodal_billing_events.id): the job carries no data of its own. */
  eventId: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a scheduled job with no payload
export type MultimodalReconcileBillingPayload = {};

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
};

export const MULTIMODAL_JOBS = defineJobCatalog(MULTIMODAL_QUEUE, MultimodalJobs, [
  schedule('multimodal-reconcile-billing', '* * * * *', MultimodalJobs.reconcileBilling, {}),
]);



