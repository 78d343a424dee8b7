import { Injectable } from '@nestjs/common';
import { PlatformJobs } from '@frontier/platform-contracts';
import { JobQueue } from '@frontier/platform-queue';
import { ApiKeyUsageRecorder } from './api-key.guard';

/** Keys remembered as recorded this minute (beyond this, a key may be queued twice in a minute: harmless). */
const REMEMBERED_KEYS = 10_000;

/**
 * The default in every HTTP app: key use becomes a `platform.api-key-used` job (deduplicated per
 * key per minute by its jobId) that platform-worker turns into `lastUsedAt`, off the request path.
 * Once per key per minute per process: the other requests of that minute cost no Redis call.
 */
@Injectable()
export class QueuedUsageRecorder extends ApiKeyUsageRecorder {
  private readonly recorded = new Map<string, number>();

  constructor(private readonly jobs: JobQueue) {
    super();
  }

  async record(keyId: string, usedAt: Date): Promise<void> {
    const minute = Math.floor(usedAt.getTime() / 60_000);
    if (this.recorded.get(keyId) === minute) return;
    this.recorded.delete(keyId);
    if (this.recorded.size >= REMEMBERED_KEYS) this.recorded.delete(this.recorded.keys().next().value as string);
    this.recorded.set(keyId, minute);
    try {
      await this.jobs.enqueue(PlatformJobs.apiKeyUsed, { keyId, usedAt: usedAt.toISOString() });
    } catch (e) {
      this.recorded.delete(keyId); // not queued: the next request tries again
      throw e;
    }
  }
}
