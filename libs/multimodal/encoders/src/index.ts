export { IMAGE_ENCODER, UNAVAILABLE_RETRY_AFTER_S, type ImageEncoderClient } from './client/image-encoder.client';
export { InlineEncoderClient } from './client/inline.client';
export {
  TransportEncoderClient,
  REQUEST_INLINE_BUDGET_BYTES,
  clientProxyOptions,
  natsTransportOptions,
  natsServerOptions,
  redisTransportOptions,
  redisServerOptions,
  type TransportClientOptions,
} from './client/transport.client';
export { encoderPatterns, ENCODER_NATS_QUEUE } from './client/patterns';
export { EncodersModule, ImageInputs } from './encoders.module';
export { ImageEncoderService, nsfwVerdict, REPLY_INLINE_BUDGET_BYTES } from './image-encoder.service';
export { BlobStore, prepareImageInput, sha256Hex, isSha256, encoderRedisOptions, redisReady, type ImagePartOptions } from './blob-store';
export {
  EncodersEnv,
  encoderServiceConfig,
  encodersGatewayConfig,
  speechModelsEnv,
  DEFAULT_SERVICE_CONFIG,
  INLINE_MAX_BYTES,
  type EncoderMode,
  type EncoderModelSpec,
  type EncoderServiceConfig,
  type EncodersGatewayConfig,
} from './config';
export { Admission, BusyError, type Priority } from './admission';
export { MicroBatcher, type BatcherOptions } from './batcher';
export { EncodingCache, Lru, encodingKey, type CachedEncoding } from './cache';
export { resizeForUpstream, InvalidImageError, GRAPHIC_ENTROPY_BITS, type ResizedImage, type ResizeOptions } from './image';
export { loadEncoderModels, closeModels, batchOf, type EncoderModels, type EncoderOcr, type EncoderNsfw } from './models';
export { createOnnxVisionEncoder, type VisionEncoder, type OnnxVisionEncoderOptions } from './vision-encoder';
export { AvError, probeMedia, decodeAudio, extractFrames, type AvProbe, type DecodedAudio, type ExtractedFrame, type AvRunOptions } from './av/ffmpeg';
export { AudioTranscriber, type AudioTranscript, type AudioTranscriberOptions } from './audio/transcriber';
