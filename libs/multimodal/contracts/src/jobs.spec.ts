import { jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { MULTIMODAL_JOBS, MultimodalJobs } from './jobs';

describe('multimodal job contracts', () => {
  it('the multimodal queue carries billing and async video jobs, each with its reconciler, and the daily usage-partition maintenance', () => {
    expect(MULTIMODAL_JOBS.queue).toBe('multimodal');
    expect(jobNames(MULTIMODAL_JOBS).sort()).toEqual(['multimodal.maintain-partitions', 'multimodal.reconcile-billing', 'multimodal.reconcile-jobs', 'multimodal.record-usage', 'multimodal.video-context']);
    expect(MULTIMODAL_JOBS.schedules.map((s) => [s.id, s.pattern])).toEqual([
      ['multimodal-reconcile-billing', '* * * * *'],
      ['multimodal-reconcile-jobs', '* * * * *'],
      ['multimodal-maintain-partitions', '17 0 * * *'],
    ]);
  });

  it('one video-context run per async job', () => {
    expect(jobOptionsFor(MultimodalJobs.videoContext, { jobId: 'j-1' })).toMatchObject({ jobId: 'multimodal-video.j-1', attempts: 3 });
  });

  it('one usage recording per billing event, with the default retries', () => {
    const options = jobOptionsFor(MultimodalJobs.recordUsage, { eventId: 'e-1' });
    expect(options.jobId).toBe('multimodal-usage.e-1');
    expect(options).toMatchObject({ attempts: 5, backoff: { type: 'exponential' } });
  });
});
