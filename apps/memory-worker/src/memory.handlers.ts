import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';
import { MemoryJobs } from '@frontier/memory-contracts';
import { BiographyService, ExtractionService, ReconcilerService, type BiographyOutcome, type ExtractionOutcome, type ReconcileReport } from '@frontier/memory-nest';

/** Handlers of the `memory` queue: each calls one memory service method. */
@Injectable()
export class MemoryHandlers implements OnApplicationBootstrap {
  private readonly log = new Logger(MemoryHandlers.name);

  constructor(
    private readonly extraction: ExtractionService,
    private readonly biography: BiographyService,
    private readonly reconciler: ReconcilerService,
  ) {}

  /**
   * The start check: sessions a dead worker, an emptied Redis or an outage left unprocessed are
   * queued now rather than at the next minute. A failure (Postgres or Redis down at boot) does not
   * stop the worker: the every-minute run tries again.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      this.report('start check', await this.reconciler.reconcile());
    } catch (e) {
      this.log.warn(`start check failed (${e instanceof Error ? e.message : String(e)}); the every-minute reconcile retries`);
    }
  }

  @OnJob(MemoryJobs.extractSession)
  async extract(data: JobOf<typeof MemoryJobs.extractSession>): Promise<ExtractionOutcome> {
    const outcome = await this.extraction.process({ tenantId: data.tenantId, userId: data.userId }, data.sessionId);
    this.log.log(`session ${outcome.sessionId}: ${outcome.status} (${outcome.reason}), ${outcome.results.map((r) => r.event).join(' ') || 'no facts'}`);
    return outcome;
  }

  /** Every minute: sessions left unprocessed (failed job, lost job, never queued) are queued again. */
  @OnJob(MemoryJobs.reconcileSessions)
  async reconcile(data: JobOf<typeof MemoryJobs.reconcileSessions>): Promise<ReconcileReport> {
    return this.report('reconcile', await this.reconciler.reconcile(data.olderThanS));
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

  private report(what: string, r: ReconcileReport): ReconcileReport {
    if (r.stale) this.log.log(`${what}: ${r.stale} session(s) unprocessed past the bound: ${r.requeued} queued again, ${r.pending} pending, ${r.failed} given up`);
    return r;
  }
}
