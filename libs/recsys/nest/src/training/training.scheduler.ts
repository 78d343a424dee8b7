import type { JobQueue } from '@frontier/platform-queue';
import { RecsysTrainingJobs, type RecsysTrainingMode } from '@frontier/recsys-contracts';
import { windowEndFor, type TrainingService } from './training.service';

export interface ScheduleReport {
  mode: RecsysTrainingMode;
  windowEnd: string;
  tenants: string[];
}

/**
 * The scheduled fan-out (`recsys.train-schedule`): the window of `mode` that just closed, and one
 * `recsys.train-model` job per tenant with impressions in it. The job id is the run's key, so a
 * fan-out repeated for the same window queues nothing new (and a run done is a no-op anyway).
 */
export class TrainingScheduler {
  constructor(
    private readonly training: TrainingService,
    private readonly jobs: JobQueue,
  ) {}

  async fanOut(mode: RecsysTrainingMode, now: Date = new Date()): Promise<ScheduleReport> {
    const windowEnd = windowEndFor(mode, now);
    const tenants = await this.training.tenantsToTrain(mode, windowEnd);
    for (const tenantId of tenants) await this.jobs.enqueue(RecsysTrainingJobs.trainModel, { tenantId, mode, windowEnd: windowEnd.toISOString() });
    return { mode, windowEnd: windowEnd.toISOString(), tenants };
  }
}
