import { EnvValidationError, loadEnv } from '@frontier/platform-config';
import { EncodersEnv, encodersGatewayConfig, encoderServiceConfig } from './config';

describe('EncodersEnv and the configs built from it', () => {
  it('defaults: NATS to a worker, 15 s timeout, OCR and NSFW loaded, verdict thresholds 0.7 / 0.6', () => {
    const env = loadEnv(EncodersEnv, { REDIS_URL: 'redis://r:6379', REDIS_PREFIX: 'prod' });
    expect(encodersGatewayConfig(env)).toEqual({
      mode: 'nats',
      redisUrl: 'redis://r:6379',
      keyPrefix: 'prod:enc',
      transportRedisUrl: 'redis://r:6379',
      natsUrl: 'nats://127.0.0.1:4222',
      channelPrefix: '',
      timeoutMs: 15_000,
      inlineMaxBytes: 65_536,
    });
    const s = encoderServiceConfig(env, 65_536);
    expect(s).toMatchObject({ concurrency: 4, queueCapacity: 32, batchWindowMs: 5, maxBatch: 8, inlineReplyMaxBytes: 65_536, nsfw: { explicit: 0.7, suggestive: 0.6 }, models: { ocr: true, nsfw: true, nsfwWorkers: 1, onnxThreads: 1, ocrConcurrency: 2 } });
  });

  it('inline mode carries the service config; ENCODER_REDIS_URL overrides REDIS_URL', () => {
    const env = loadEnv(EncodersEnv, { ENCODERS: 'inline', ENCODER_REDIS_URL: 'redis://enc:6380/2', ENCODER_OCR: 'false', ENCODER_NSFW_EXPLICIT: '0.5', VISION_ENCODER_DIR: '/models/clip' });
    const c = encodersGatewayConfig(env);
    expect(c.mode).toBe('inline');
    expect(c.service).toMatchObject({ redisUrl: 'redis://enc:6380/2', inlineReplyMaxBytes: Infinity, nsfw: { explicit: 0.5 }, models: { ocr: false, visionEncoderDir: '/models/clip' } });
  });

  it('fails at boot naming the variable', () => {
    const bad = (vars: Record<string, string>) => {
      try {
        loadEnv(EncodersEnv, vars, 'chat-gateway');
      } catch (e) {
        return (e as EnvValidationError).problems.map((p) => p.variable);
      }
      return [];
    };
    expect(bad({ ENCODERS: 'grpc' })).toEqual(['ENCODERS']);
    expect(bad({ ENCODER_NATS_URL: 'http://x' })).toEqual(['ENCODER_NATS_URL']);
    expect(bad({ ENCODER_TIMEOUT_MS: '10' })).toEqual(['ENCODER_TIMEOUT_MS']);
    expect(bad({ ENCODER_NSFW_SUGGESTIVE: '1.5', ENCODER_OCR: 'maybe' })).toEqual(['ENCODER_NSFW_SUGGESTIVE', 'ENCODER_OCR']);
  });
});
