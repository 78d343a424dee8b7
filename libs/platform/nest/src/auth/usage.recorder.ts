import { Injectable } from '@nestjs/common';
import { PlatformJobs } from '@frontier/platform-contracts';
import { JobQueue } from '@frontier/platform-queue';
import { ApiKeyUsageRecorder } from './api-key.guard';

/**
 * The default in every HTTP app: key use becomes a `platform.api-key-used` job (deduplicated per
 * key per minute by its jobId) that platform-worker turns into `lastUsedAt`, off the request path.
 */
@Injectable()
export class QueuedUsageRecorder extends ApiKeyUsageRecorder {
  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async record(keyId: string, usedAt: Date): Promise<void> {
    await this.jobs.enqueue(PlatformJobs.apiKeyUsed, { keyId, usedAt: usedAt.toISOString() });
  }
}
