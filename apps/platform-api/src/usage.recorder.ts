import { Injectable } from '@nestjs/common';
import { JobName } from '@frontier/platform-jobs';
import { ApiKeyUsageRecorder } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';

/** Records key use as a job (deduplicated per key per minute by its jobId). */
@Injectable()
export class QueuedUsageRecorder extends ApiKeyUsageRecorder {
  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async record(keyId: string, usedAt: Date): Promise<void> {
    await this.jobs.enqueue(JobName.ApiKeyUsed, { keyId, usedAt: usedAt.toISOString() });
  }
}
