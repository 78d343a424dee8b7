import { jobNames, jobOptionsFor, retryWindow } from '@frontier/platform-jobs';
import { RECSYS_TRAINING_JOBS, RecsysTrainingJobs } from './training';

describe('recsys training contracts', () => {
  it('training has a queue of its own: hourly head updates, a daily full retrain, one run per tenant, mode and window', () => {
    expect(RECSYS_TRAINING_JOBS.queue).toBe('recsys-training');
    expect(jobNames(RECSYS_TRAINING_JOBS)).toEqual(['recsys.train-schedule', 'recsys.train-model']);
    expect(RECSYS_TRAINING_JOBS.schedules.map((s) => [s.id, s.pattern, s.data])).toEqual([
      ['recsys-train-head', '20 * * * *', { mode: 'head' }],
      ['recsys-train-full', '40 2 * * *', { mode: 'full' }],
    ]);
    const o = jobOptionsFor(RecsysTrainingJobs.trainModel, { tenantId: 't1', mode: 'head', windowEnd: '2026-12-01T10:00:00.000Z' });
    expect(o.jobId).toBe(`recsys-train.t1.head.${Date.UTC(2026, 11, 1, 10)}`);
    // a busy or conflicting run is retried for over an hour (a dead worker's lease is 10 minutes)
    expect(retryWindow(o)).toBeGreaterThan(3_600_000);
  });
});
