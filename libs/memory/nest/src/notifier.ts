import { Injectable } from '@nestjs/common';
import { MemoryJobs, type MemoryScope } from '@frontier/memory-contracts';
import { JobQueue } from '@frontier/platform-queue';
import { MemoryChangeBus } from './change-bus';
import { MemoryNotifier } from './ports';

/**
 * memory-api's and memory-worker's notifier: a change is published on the change bus (other
 * processes refresh their index copy) and queues a debounced biography rebuild; a stored session
 * queues its extraction; a due biography is rebuilt at once. Jobs with a fixed id are queued with
 * {@link JobQueue.requeue}: a job that spent its attempts (an outage) is replaced, not kept as a
 * reason to do nothing for a week.
 */
@Injectable()
export class QueueingNotifier extends MemoryNotifier {
  constructor(
    private readonly jobs: JobQueue,
    private readonly bus: MemoryChangeBus,
  ) {
    super();
  }

  async changed(scope: MemoryScope): Promise<void> {
    await this.bus.publish(scope);
    await this.jobs.requeue(MemoryJobs.rebuildBiography, { tenantId: scope.tenantId, userId: scope.userId });
  }

  async sessionStored(scope: MemoryScope, sessionRowId: string): Promise<void> {
    await this.requeue(scope, sessionRowId);
  }

  override async requeue(scope: MemoryScope, sessionRowId: string): Promise<'queued' | 'pending'> {
    const r = await this.jobs.requeue(MemoryJobs.extractSession, { tenantId: scope.tenantId, userId: scope.userId, sessionId: sessionRowId });
    return r.added ? 'queued' : 'pending';
  }

  async biographyDue(scope: MemoryScope): Promise<void> {
    await this.jobs.requeue(MemoryJobs.rebuildBiography, { tenantId: scope.tenantId, userId: scope.userId }, { delay: 0 });
  }

  /** The hard delete of an erasure (a spent job is replaced; a waiting or running one left alone). */
  override async erasureRequested(erasureId: string): Promise<void> {
    await this.jobs.requeue(MemoryJobs.erase, { erasureId });
  }
}
