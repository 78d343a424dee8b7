import { MlInputError, ModelUnavailableError, QueueFullError, UpstreamError } from './errors';

describe('ML errors', () => {
  it('carry the fields callers map to HTTP statuses', () => {
    const e = new MlInputError('corrupt_media', 'image', 'not a decodable image');
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('image: not a decodable image');
    expect([e.code, e.field, e.name]).toEqual(['corrupt_media', 'image', 'MlInputError']);
    expect(new ModelUnavailableError('vad', 'silero-v5', 'file missing').message).toBe('vad model silero-v5 unavailable: file missing');
    expect(new UpstreamError(429, 'http', 'rate limited', true).retryable).toBe(true);
    expect(new QueueFullError('ocr', 16).message).toContain('16 waiting');
  });
});
