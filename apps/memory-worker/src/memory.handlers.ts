import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';
import { MemoryJobs } from '@frontier/memory-contracts';
import { BiographyService, ErasureService, ExtractionService, ReconcilerService, SyncService, type ErasureReport, type ReconcileReport } from '@frontier/memory-nest';

/**
 * What a finished job keeps in Redis (its result, and the queue's events stream): counts, never a
 * fact's text or a memory id — an erasure must not find copies there.
 */
export interface ExtractJobSummary {
  status: string;
  reason: string;
  events: Record<string, number>;
}

/** Handlers of the `memory` queue: each calls one memory service method. */
@Injectable()
export class MemoryHandlers implements OnApplicationBootstrap {
  private readonly log = new Logger(MemoryHandlers.name);

  constructor(
    private readonly extraction: ExtractionService,
    private readonly biography: BiographyService,
    private readonly reconciler: ReconcilerService,
    private readonly erasure: ErasureService,
    private readonly sync: SyncService,
  ) {}

  /**
   * The start check: sessions a dead worker, an emptied Redis or an outage left unprocessed are
   * queued now rather than at the next minute. A failure (Postgres or Redis down at boot) does not
   * stop the worker: the every-minute run tries again.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      this.report('start check', await this.reconciler.reconcile());
      const e = await this.erasure.reconcile(0);
      if (e.requeued) this.log.log(`start check: ${e.requeued} erasure(s) pending: queued again`);
    } catch (e) {
      this.log.warn(`start check failed (${e instanceof Error ? e.message : String(e)}); the every-minute reconcile retries`);
    }
  }

  @OnJob(MemoryJobs.extractSession)
  async extract(data: JobOf<typeof MemoryJobs.extractSession>): Promise<ExtractJobSummary> {
    const outcome = await this.extraction.process({ tenantId: data.tenantId, userId: data.userId }, data.sessionId);
    const events: Record<string, number> = {};
    for (const r of outcome.results) events[r.event] = (events[r.event] ?? 0) + 1;
    this.log.log(`session ${data.sessionId}: ${outcome.status}, ${outcome.results.map((r) => r.event).join(' ') || 'no facts'}`);
    return { status: outcome.status, reason: outcome.status === 'skipped' ? outcome.reason : 'processed', events };
  }

  /** The hard delete of one erasure (idempotent; retried through outages until its report is written). */
  @OnJob(MemoryJobs.erase)
  async erase(data: JobOf<typeof MemoryJobs.erase>): Promise<ErasureReport> {
    return this.erasure.process(data.erasureId);
  }

  /** Every minute: erasures still pending (a lost or spent job, never queued) get their job again. */
  @OnJob(MemoryJobs.reconcileErasures)
  async reconcileErasures(data: JobOf<typeof MemoryJobs.reconcileErasures>): Promise<{ pending: number; requeued: number; swept: number }> {
    return this.erasure.reconcile(data.olderThanS);
  }

  /** Daily: the sync change log keeps its retention (counts only in the job's result). */
  @OnJob(MemoryJobs.compactSync)
  async compactSync(data: JobOf<typeof MemoryJobs.compactSync>): Promise<{ removed: number }> {
    return { removed: await this.sync.compactExpired(data.retentionDays) };
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

  /** Answers the outcome without the biography's text (kept in Postgres, erasable; not in Redis). */
  @OnJob(MemoryJobs.rebuildBiography)
  async rebuild(data: JobOf<typeof MemoryJobs.rebuildBiography>): Promise<{ rebuilt: boolean; factCount: number; generator: string }> {
    const { rebuilt, factCount, generator } = await this.biography.rebuild({ tenantId: data.tenantId, userId: data.userId }, data.force ?? false);
    return { rebuilt, factCount, generator };
  }

  private report(what: string, r: ReconcileReport): ReconcileReport {
    if (r.stale) this.log.log(`${what}: ${r.stale} session(s) unprocessed past the bound: ${r.requeued} queued again, ${r.pending} pending, ${r.failed} given up`);
    return r;
  }
}
