import { Injectable, Logger } from '@nestjs/common';
import { RecsysTrainingJobs } from '@frontier/recsys-contracts';
import { TrainingScheduler, TrainingService, type ScheduleReport, type TrainOutcome } from '@frontier/recsys-nest';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `recsys-training` queue: each calls one training service method. */
@Injectable()
export class TrainingHandlers {
  private readonly log = new Logger(TrainingHandlers.name);

  constructor(
    private readonly scheduler: TrainingScheduler,
    private readonly training: TrainingService,
  ) {}

  /** Hourly (head) and daily (full): one training run queued per tenant with impressions in the window just closed. */
  @OnJob(RecsysTrainingJobs.trainSchedule)
  async schedule(data: JobOf<typeof RecsysTrainingJobs.trainSchedule>): Promise<ScheduleReport> {
    const report = await this.scheduler.fanOut(data.mode);
    if (report.tenants.length) this.log.log(`${data.mode} training queued for ${report.tenants.length} tenant(s), window ending ${report.windowEnd}`);
    return report;
  }

  /** One run: candidate trained and registered, then gated (promoted or rejected); a no-op when the window is done. */
  @OnJob(RecsysTrainingJobs.trainModel)
  async train(data: JobOf<typeof RecsysTrainingJobs.trainModel>): Promise<TrainOutcome> {
    return this.training.train({ tenantId: data.tenantId, mode: data.mode, windowEnd: new Date(data.windowEnd) });
  }
}
