import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobName, type JobOf } from '@frontier/platform-jobs';
import { OnJob, JobQueue } from '@frontier/platform-queue';
import { processSession, rebuildBiography, usersNeedingBiography, type ExtractionOutcome, type BiographyOutcome, type MemoryRuntime } from '@frontier/memory-data-access';
import type { ModelRegistry } from '@frontier/ml-registry';
import { MEMORY_RUNTIME, MODEL_REGISTRY } from './tokens';

/** Handlers of the `memory` queue: each one calls one memory service function. */
@Injectable()
export class MemoryHandlers {
  private readonly log = new Logger(MemoryHandlers.name);

  constructor(
    @Inject(MEMORY_RUNTIME) private readonly runtime: MemoryRuntime,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
    private readonly jobs: JobQueue,
  ) {}

  @OnJob(JobName.MemoryExtractSession)
  async extract(data: JobOf<JobName.MemoryExtractSession>): Promise<ExtractionOutcome> {
    const scope = { tenantId: data.tenantId, userId: data.userId };
    const outcome = await processSession(this.runtime.deps, scope, data.sessionId);
    if (outcome.changed) {
      await this.runtime.bus.publish(scope);
      await this.jobs.enqueue(JobName.MemoryRebuildBiography, scope);
    }
    this.log.log(`session ${outcome.sessionId}: ${outcome.status} (${outcome.reason}), ${outcome.results.map((r) => r.event).join(' ') || 'no facts'}`);
    return outcome;
  }

  /** Monthly: every user whose biography is missing, stale or older than a month gets a rebuild. */
  @OnJob(JobName.MemoryBiographySweep)
  async sweep(data: JobOf<JobName.MemoryBiographySweep>): Promise<{ queued: number }> {
    const users = await usersNeedingBiography(this.runtime.deps, data.olderThanDays ?? 30);
    for (const scope of users) await this.jobs.enqueue(JobName.MemoryRebuildBiography, scope, { delay: 0 });
    return { queued: users.length };
  }

  @OnJob(JobName.MemoryRebuildBiography)
  async biography(data: JobOf<JobName.MemoryRebuildBiography>): Promise<BiographyOutcome> {
    return rebuildBiography(this.runtime.deps, { tenantId: data.tenantId, userId: data.userId }, await this.registry.optionalLlm(), data.force ?? false);
  }
}
