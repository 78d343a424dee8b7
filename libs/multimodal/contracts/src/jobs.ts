import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';

/** Multimodal's queue, consumed by multimodal-worker. */
export const MULTIMODAL_QUEUE = 'multimodal';

export interface MultimodalProcessItemPayload {
  tenantId: string;
  /** Row id of the stored item (multimodal_items.id). */
  itemId: string;
}

const q = queueOf(MULTIMODAL_QUEUE);

export const MultimodalJobs = {
  /** An item was stored: process it (once per item, however often it is queued). */
  processItem: q.job<MultimodalProcessItemPayload>('multimodal.process-item', {
    jobId: (d) => `multimodal-item.${d.itemId}`,
  }),
};

export const MULTIMODAL_JOBS = defineJobCatalog(MULTIMODAL_QUEUE, MultimodalJobs);
