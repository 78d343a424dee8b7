/**
 * The event-bus stream recsys-api publishes each stored event batch on (message id = batch id, so
 * a retried publish is dropped). recsys-worker consumes it in two groups: `features` applies the
 * batch to the users' window features; `training` marks the tenant's new training data.
 * Postgres stays the truth: a batch whose publish failed or whose consumer died is found unfeatured
 * by the reconciler (`recsys.reconcile-events`) and featured through the job queue.
 */
export const RECSYS_EVENTS_STREAM = 'recsys-events';

export const RecsysEventGroups = {
  features: 'features',
  training: 'training',
} as const;

/** A batch of events committed to Postgres. */
export interface RecsysBatchStored {
  tenantId: string;
  batchId: string;
}
