import { jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { MULTIMODAL_JOBS, MultimodalJobs } from './jobs';

describe('multimodal job contracts', () => {
  it('the multimodal queue carries item processing', () => {
    expect(MULTIMODAL_JOBS.queue).toBe('multimodal');
    expect(jobNames(MULTIMODAL_JOBS)).toEqual(['multimodal.process-item']);
    expect(MULTIMODAL_JOBS.schedules).toEqual([]);
  });

  it('one processing per item, with the default retries', () => {
    const options = jobOptionsFor(MultimodalJobs.processItem, { tenantId: 't', itemId: 'i-1' });
    expect(options.jobId).toBe('multimodal-item.i-1');
    expect(options).toMatchObject({ attempts: 5, backoff: { type: 'exponential' } });
  });
});
