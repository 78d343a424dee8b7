import { jobNames, jobOptionsFor, retryWindow } from '@frontier/platform-jobs';
import { ENCODER_JOBS, ENCODER_QUEUE, EncoderJobs } from './encoder-jobs';

describe('encoder job contracts', () => {
  it('the multimodal-encode queue carries batch pre-encoding only, with no schedule', () => {
    expect(ENCODER_JOBS.queue).toBe(ENCODER_QUEUE);
    expect(ENCODER_QUEUE).toBe('multimodal-encode');
    expect(jobNames(ENCODER_JOBS)).toEqual(['multimodal.encode-batch']);
    expect(ENCODER_JOBS.schedules).toEqual([]);
  });

  it('one job per batch id, retried with a capped backoff for about a minute and a half', () => {
    const options = jobOptionsFor(EncoderJobs.encodeBatch, { batchId: 'b-1', images: [] });
    expect(options.jobId).toBe('multimodal-encode.b-1');
    expect(options).toMatchObject({ attempts: 5, backoff: { type: 'capped-exponential', delay: 2_000, maxDelay: 30_000 } });
    expect(retryWindow(options)).toBe(2_000 + 4_000 + 8_000 + 16_000);
  });
});
