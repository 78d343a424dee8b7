import { Injectable } from '@nestjs/common';
import { MultimodalJobs } from '@frontier/multimodal-contracts';
import { MultimodalService } from '@frontier/multimodal-nest';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `multimodal` queue: each calls one multimodal service method. */
@Injectable()
export class MultimodalHandlers {
  constructor(private readonly service: MultimodalService) {}

  @OnJob(MultimodalJobs.processItem)
  async processItem(data: JobOf<typeof MultimodalJobs.processItem>) {
    return this.service.process(data.tenantId, data.itemId);
  }
}
