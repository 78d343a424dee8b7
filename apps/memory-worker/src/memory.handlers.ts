import { Injectable, Logger } from '@nestjs/common';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';
import { MemoryJobs } from '@frontier/memory-contracts';
import { BiographyService, ExtractionService, type BiographyOutcome, type ExtractionOutcome } from '@frontier/memory-nest';

/** Handlers of the `memory` queue: each calls one memory service method. */
@Injectable()
export class MemoryHandlers {
  private readonly log = new Logger(MemoryHandlers.name);

  constructor(
    private readonly extraction: ExtractionService,
    private readonly biography: BiographyService,
  ) {}

  @OnJob(MemoryJobs.extractSession)
  async extract(data: JobOf<typeof MemoryJobs.extractSession>): Promise<ExtractionOutcome> {
    const outcome = await this.extraction.process({ tenantId: data.tenantId, userId: data.userId }, data.sessionId);
    this.log.log(`session ${outcome.sessionId}: ${outcome.status} (${outcome.reason}), ${outcome.results.map((r) => r.event).join(' ') || 'no facts'}`);
    return outcome;
  }

  /** Monthly: every user whose biography is missing, stale or older than a month gets a rebuild. */
  @OnJob(MemoryJobs.biographySweep)
  async sweep(data: JobOf<typeof MemoryJobs.biographySweep>): Promise<{ queued: number }> {
    return this.biography.sweep(data.olderThanDays ?? 30);
  }

  @OnJob(MemoryJobs.rebuildBiography)
  async rebuild(data: JobOf<typeof MemoryJobs.rebuildBiography>): Promise<BiographyOutcome> {
    return this.biography.rebuild({ tenantId: data.tenantId, userId: data.userId }, data.force ?? false);
  }
}
