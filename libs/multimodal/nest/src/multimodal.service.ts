import { Injectable } from '@nestjs/common';
import { MultimodalJobs } from '@frontier/multimodal-contracts';
import { MultimodalItemRepository, type MultimodalItemRecord } from '@frontier/multimodal-data-access';
import { normalizeTitle } from '@frontier/multimodal-domain';
import { JobQueue } from '@frontier/platform-queue';
import { NotFoundError } from '@frontier/platform-util';

/** Multimodal's use cases: routes and job handlers each call one method. */
@Injectable()
export class MultimodalService {
  constructor(
    private readonly items: MultimodalItemRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** Stores an item and queues its processing. */
  async create(tenantId: string, title: string): Promise<MultimodalItemRecord> {
    const item = await this.items.create(tenantId, normalizeTitle(title));
    await this.jobs.enqueue(MultimodalJobs.processItem, { tenantId, itemId: item.id });
    return item;
  }

  async get(tenantId: string, id: string): Promise<MultimodalItemRecord> {
    const item = await this.items.get(tenantId, id);
    if (!item) throw new NotFoundError('id', `item ${id} not found`, 'multimodal.item_not_found');
    return item;
  }

  /** The `multimodal.process-item` job: marks the item processed (a deleted item is skipped). */
  async process(tenantId: string, itemId: string): Promise<MultimodalItemRecord | null> {
    return this.items.markProcessed(tenantId, itemId);
  }
}
