import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';

/** Transport between the gateway and the encoders: in-process, or a worker over Redis pub/sub or NATS. */
export type EncoderMode = 'inline' | 'redis' | 'nats';

/** Images up to this size travel inline (base64 in the message); larger ones by sha256 through the blob store. */
export const INLINE_MAX_BYTES = 64 * 1024;

/** Which models the encoder service loads. */
export interface EncoderModelSpec {
  /** PaddleOCR PP-OCRv4 (det + rec). Default true. */
  ocr: boolean;
  /** nsfwjs MobileNetV2 in worker threads. Default true. */
  nsfw: boolean;
  /** nsfwjs worker threads (each a model copy). Default 1. */
  nsfwWorkers: number;
  /** onnxruntime intra-op threads for OCR / the vision encoder (default 1); unset = onnxruntime's default (all cores). */
  onnxThreads?: number;
  /** Images PaddleOCR works on at once (its JS steps — box finding, crops, CTC — are single-threaded). Default 2. */
  ocrConcurrency?: number;
  /** A CLIP-style ONNX directory (`model.onnx`, input pixel_values [N,3,S,S]); unset = no embeddings. */
  visionEncoderDir?: string;
}

/** Everything {@link ImageEncoderService} needs (the worker's, or the gateway's in `inline` mode). */
export interface EncoderServiceConfig {
  /** Blob store and result cache. */
  redisUrl: string;
  /** `REDIS_CLUSTER_NODES` when the blob store and cache live on a Redis Cluster (`redisUrl` then gives credentials/TLS only). */
  redisClusterNodes?: string;
  /** Key prefix of the blob store and the cache, shared by the gateway and the workers (`<REDIS_PREFIX>:enc`). */
  keyPrefix: string;
  /** Images encoded at once. */
  concurrency: number;
  /** Images waiting for a slot beyond `concurrency`; more is answered `busy` at once. */
  queueCapacity: number;
  /** Cross-request batching: a model batch closes after this many ms, or at `maxBatch` images. */
  batchWindowMs: number;
  maxBatch: number;
  /** Result cache (Redis) TTL, seconds. */
  cacheTtlS: number;
  /** In-process LRU in front of Redis: entries and total base64 bytes. */
  lruEntries: number;
  lruMaxBytes: number;
  /** TTL of resized images put in the blob store for a transport reply, seconds. */
  replyBlobTtlS: number;
  /** A resized image larger than this goes back by outSha256 through the blob store (Infinity in-process). */
  inlineReplyMaxBytes: number;
  /** JPEG quality of resized photos. */
  jpegQuality: number;
  /** Largest decoded image, pixels. */
  maxPixels: number;
  /** Verdict thresholds: explicit when Porn + Hentai ≥ explicit; else suggestive when Sexy ≥ suggestive. */
  nsfw: { explicit: number; suggestive: number };
  models: EncoderModelSpec;
}

/** `EncodersModule.forGateway(config)`. */
export interface EncodersGatewayConfig {
  mode: EncoderMode;
  /** Blob store (the gateway puts image bytes, the worker gets them; resized images come back the same way). */
  redisUrl: string;
  /** `REDIS_CLUSTER_NODES` when the blob store lives on a Redis Cluster. */
  redisClusterNodes?: string;
  /** Same value as the workers' (`<REDIS_PREFIX>:enc`). */
  keyPrefix: string;
  /** Redis of the `redis` transport (pub/sub); default `redisUrl`. */
  transportRedisUrl?: string;
  /** NATS server(s) of the `nats` transport, comma-separated. */
  natsUrl?: string;
  /** Namespace put in front of the message patterns (one per deployment sharing a Redis/NATS; tests use a random one); '' = none. */
  channelPrefix?: string;
  /** A request over a transport gets no answer within this → `unavailable`. */
  timeoutMs: number;
  /** Inline images up to this many bytes (default 64 KB); in `inline` mode everything is inline. */
  inlineMaxBytes?: number;
  /** `inline` mode: the service run in-process. */
  service?: EncoderServiceConfig;
}

export const DEFAULT_SERVICE_CONFIG: Omit<EncoderServiceConfig, 'redisUrl' | 'keyPrefix'> = {
  concurrency: 4,
  queueCapacity: 32,
  batchWindowMs: 5,
  maxBatch: 8,
  cacheTtlS: 3_600,
  lruEntries: 256,
  lruMaxBytes: 64 * 1024 * 1024,
  replyBlobTtlS: 300,
  inlineReplyMaxBytes: Infinity,
  jpegQuality: 85,
  maxPixels: 40_000_000,
  nsfw: { explicit: 0.7, suggestive: 0.6 },
  // one onnxruntime thread per session, two images OCR'd at once: ~2× the images per CPU-second of
  // onnxruntime's all-cores default on the 2-core bench machine (bench/multimodal/encoder.ts)
  models: { ocr: true, nsfw: true, nsfwWorkers: 1, onnxThreads: 1, ocrConcurrency: 2 },
};

const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const value = obj[key];
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return ['true', '1', 'yes'].includes(v) ? true : ['false', '0', 'no'].includes(v) ? false : value;
};

const REDIS_URL = /^rediss?:\/\/[^\s]+$/;

/**
 * The encoders' variables (validated with `loadEnv(EncodersEnv, process.env, app)`): the worker's
 * env extends it; the gateway loads it next to its own env for `ENCODERS=inline|redis|nats`.
 */
export class EncodersEnv extends PlatformEnv {
  /** The audio path's speech models, as the ML registry reads them: ML_ASR=pocketsphinx (default) | whisper-onnx:<dir> | openai:<url>#<model>. */
  @IsOptional()
  @IsString()
  ML_ASR?: string;

  @IsOptional()
  @IsString()
  ML_ASR_API_KEY?: string;

  /** ML_VAD=silero (default) or silero:<file.onnx>. */
  @IsOptional()
  @IsString()
  ML_VAD?: string;

  /** Where relative model paths are resolved (default ./models). */
  @IsOptional()
  @IsString()
  MODELS_DIR?: string;

  /** Where the gateway's image encoders run: in-process, or an encoder-worker over Redis or NATS. */
  @IsIn(['inline', 'redis', 'nats'])
  ENCODERS: EncoderMode = 'nats';

  /** Redis of the blob store, the cache and the `redis` transport; default REDIS_URL. */
  @IsOptional()
  @Matches(REDIS_URL, { message: 'ENCODER_REDIS_URL must be a redis:// or rediss:// URL' })
  ENCODER_REDIS_URL?: string;

  /** NATS server(s), comma-separated. */
  @Matches(/^(nats|tls|ws|wss):\/\/[^\s,]+(,(nats|tls|ws|wss):\/\/[^\s,]+)*$/, { message: 'ENCODER_NATS_URL must be nats:// URL(s), comma-separated' })
  ENCODER_NATS_URL: string = 'nats://127.0.0.1:4222';

  /** Namespace of the message patterns (deployments sharing a Redis/NATS); empty = the patterns as the contract names them. */
  @IsOptional()
  @Matches(/^[a-z0-9_-]*$/i, { message: 'ENCODER_CHANNEL_PREFIX may hold only letters, digits, "_" and "-"' })
  ENCODER_CHANNEL_PREFIX?: string;

  /** A transport request unanswered this long is `unavailable`. */
  @IsInt()
  @Min(100)
  @Max(300_000)
  ENCODER_TIMEOUT_MS: number = 15_000;

  @IsInt()
  @Min(1)
  @Max(256)
  ENCODER_CONCURRENCY: number = DEFAULT_SERVICE_CONFIG.concurrency;

  @IsInt()
  @Min(0)
  @Max(100_000)
  ENCODER_QUEUE: number = DEFAULT_SERVICE_CONFIG.queueCapacity;

  @IsInt()
  @Min(0)
  @Max(1_000)
  ENCODER_BATCH_WINDOW_MS: number = DEFAULT_SERVICE_CONFIG.batchWindowMs;

  @IsInt()
  @Min(1)
  @Max(256)
  ENCODER_MAX_BATCH: number = DEFAULT_SERVICE_CONFIG.maxBatch;

  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  ENCODER_CACHE_TTL_S: number = DEFAULT_SERVICE_CONFIG.cacheTtlS;

  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ENCODER_LRU_ENTRIES: number = DEFAULT_SERVICE_CONFIG.lruEntries;

  @IsInt()
  @Min(1)
  @Max(100)
  ENCODER_JPEG_QUALITY: number = DEFAULT_SERVICE_CONFIG.jpegQuality;

  /** Porn + Hentai at or above this: explicit. */
  @IsNumber()
  @Min(0)
  @Max(1)
  ENCODER_NSFW_EXPLICIT: number = DEFAULT_SERVICE_CONFIG.nsfw.explicit;

  /** Sexy at or above this (and not explicit): suggestive. */
  @IsNumber()
  @Min(0)
  @Max(1)
  ENCODER_NSFW_SUGGESTIVE: number = DEFAULT_SERVICE_CONFIG.nsfw.suggestive;

  /** Load PaddleOCR. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'ENCODER_OCR must be true or false' })
  ENCODER_OCR: boolean = true;

  /** Load nsfwjs. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'ENCODER_NSFW must be true or false' })
  ENCODER_NSFW: boolean = true;

  @IsInt()
  @Min(1)
  @Max(64)
  ENCODER_NSFW_WORKERS: number = 1;

  /** Images OCR'd at once (with ENCODER_ONNX_THREADS=1, about the number of cores to give OCR). */
  @IsInt()
  @Min(1)
  @Max(64)
  ENCODER_OCR_CONCURRENCY: number = 2;

  /** onnxruntime intra-op threads per session (OCR, vision encoder); 0 = onnxruntime's default (all cores, spinning). */
  @IsInt()
  @Min(0)
  @Max(256)
  ENCODER_ONNX_THREADS: number = 1;

  /** CLIP-style ONNX directory (model.onnx, pixel_values [N,3,S,S]) for image embeddings; none ships. */
  @IsOptional()
  @IsString()
  VISION_ENCODER_DIR?: string;
}

/** The app's Redis Cluster carries the blob store and cache unless `ENCODER_REDIS_URL` names a Redis of their own. */
function blobClusterNodes(env: EncodersEnv): { redisClusterNodes?: string } {
  return !env.ENCODER_REDIS_URL && env.REDIS_CLUSTER_NODES ? { redisClusterNodes: env.REDIS_CLUSTER_NODES } : {};
}

/** The service's config from the validated env; `inlineReplyMaxBytes` is the worker's 64 KB or Infinity in-process. */
export function encoderServiceConfig(env: EncodersEnv, inlineReplyMaxBytes = Infinity): EncoderServiceConfig {
  return {
    ...DEFAULT_SERVICE_CONFIG,
    redisUrl: env.ENCODER_REDIS_URL ?? env.REDIS_URL,
    ...blobClusterNodes(env),
    keyPrefix: `${env.REDIS_PREFIX}:enc`,
    concurrency: env.ENCODER_CONCURRENCY,
    queueCapacity: env.ENCODER_QUEUE,
    batchWindowMs: env.ENCODER_BATCH_WINDOW_MS,
    maxBatch: env.ENCODER_MAX_BATCH,
    cacheTtlS: env.ENCODER_CACHE_TTL_S,
    lruEntries: env.ENCODER_LRU_ENTRIES,
    jpegQuality: env.ENCODER_JPEG_QUALITY,
    inlineReplyMaxBytes,
    nsfw: { explicit: env.ENCODER_NSFW_EXPLICIT, suggestive: env.ENCODER_NSFW_SUGGESTIVE },
    models: {
      ocr: env.ENCODER_OCR,
      nsfw: env.ENCODER_NSFW,
      nsfwWorkers: env.ENCODER_NSFW_WORKERS,
      ocrConcurrency: env.ENCODER_OCR_CONCURRENCY,
      ...(env.ENCODER_ONNX_THREADS ? { onnxThreads: env.ENCODER_ONNX_THREADS } : {}),
      ...(env.VISION_ENCODER_DIR ? { visionEncoderDir: env.VISION_ENCODER_DIR } : {}),
    },
  };
}

/** `EncodersModule.forGateway(encodersGatewayConfig(loadEnv(EncodersEnv, process.env, 'chat-gateway')))`. */
export function encodersGatewayConfig(env: EncodersEnv): EncodersGatewayConfig {
  const redisUrl = env.ENCODER_REDIS_URL ?? env.REDIS_URL;
  return {
    mode: env.ENCODERS,
    redisUrl,
    ...blobClusterNodes(env),
    keyPrefix: `${env.REDIS_PREFIX}:enc`,
    transportRedisUrl: redisUrl,
    natsUrl: env.ENCODER_NATS_URL,
    channelPrefix: env.ENCODER_CHANNEL_PREFIX ?? '',
    timeoutMs: env.ENCODER_TIMEOUT_MS,
    inlineMaxBytes: INLINE_MAX_BYTES,
    ...(env.ENCODERS === 'inline' ? { service: encoderServiceConfig(env) } : {}),
  };
}

/** The ML registry's variables of the audio path (ML_ASR, ML_ASR_API_KEY, ML_VAD, MODELS_DIR), for `resolveModelsConfig`. */
export function speechModelsEnv(env: EncodersEnv): Record<string, string | undefined> {
  return { ML_ASR: env.ML_ASR, ML_ASR_API_KEY: env.ML_ASR_API_KEY, ML_VAD: env.ML_VAD, MODELS_DIR: env.MODELS_DIR };
}
