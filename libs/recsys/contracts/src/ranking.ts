import { defineJobCatalog, queueOf, schedule } from '@frontier/platform-jobs';

/**
 * Ranking's contracts (issue 12 item 4): the ANN index rebuild runs on a queue of its own, so a
 * minutes-long build of a large catalogue never holds up the feature jobs of the `recsys` queue;
 * and the pub/sub channels through which recsys-api replicas learn, without a restart, that items
 * changed, that a new index build is on disk and that a new model version went live.
 */
export const RECSYS_INDEX_QUEUE = 'recsys-index';

export interface RecsysRebuildIndexPayload {
  /** One tenant, or every tenant with items when absent. */
  tenantId?: string;
}

const q = queueOf(RECSYS_INDEX_QUEUE);

export const RecsysIndexJobs = {
  /** Build the HNSW index of a tenant's item embeddings from Postgres, write it to the index folder, announce it. */
  rebuildIndex: q.job<RecsysRebuildIndexPayload>('recsys.rebuild-index', {
    // one build per tenant at a time; removed when done, so the next request for one is not a no-op
    jobId: (d) => `recsys-index.${d.tenantId ?? 'all'}`,
    options: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: true },
  }),
};

/** Hourly (at minute 23) every tenant's index is rebuilt; recsys-api also asks for one when a tenant's buffer grows past its limit. */
export const RECSYS_INDEX_JOBS = defineJobCatalog(RECSYS_INDEX_QUEUE, RecsysIndexJobs, [schedule('recsys-rebuild-index', '23 * * * *', RecsysIndexJobs.rebuildIndex, {})]);

/** The model kind ranking serves (`recsys_model_versions.kind`). */
export const RECSYS_MODEL_KIND = 'two-tower-mlp';

/**
 * Redis pub/sub channels under the app's key prefix. Publishing is a hint that makes the change
 * visible at once; every subscriber also polls Postgres (the truth), so a lost message only delays.
 */
export function recsysChannels(prefix: string) {
  return {
    /** {@link RecsysItemsChangedMessage}: items were upserted or deleted (PUT/DELETE /v1/items). */
    itemsChanged: `${prefix}:recsys:items-changed`,
    /** {@link RecsysIndexBuiltMessage}: a new index build is the tenant's CURRENT one. */
    indexBuilt: `${prefix}:recsys:index-built`,
    /** {@link RecsysModelChangedMessage}: the live version of a tenant's model changed (promotion or rollback). */
    modelChanged: `${prefix}:recsys:model-changed`,
  };
}

export interface RecsysItemsChangedMessage {
  tenantId: string;
}

export interface RecsysIndexBuiltMessage {
  tenantId: string;
  buildId: string;
}

export interface RecsysModelChangedMessage {
  tenantId: string;
  kind: string;
  /** The version now live (recsys_model_versions.id). */
  versionId: string;
}
