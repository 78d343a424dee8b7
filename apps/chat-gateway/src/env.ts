import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { MultimodalSharedEnv } from '@frontier/multimodal-nest';
import { HttpEnv } from '@frontier/platform-config';

/** Reads the raw string (implicit conversion would already have made Boolean('false') true). */
const bool = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const v = obj[key];
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return ['true', '1', 'yes'].includes(s) ? true : ['false', '0', 'no'].includes(s) ? false : v;
};
const url = { require_tld: false, protocols: ['http', 'https'] };

/**
 * chat-gateway's environment (validated at boot; a bad value fails start-up naming the variable).
 * The encoder variables (ENCODERS, ENCODER_*) are EncodersEnv's, validated beside this one; the text
 * classifier, the deepfake detector and the job webhooks are the fragment multimodal-worker shares.
 */
export class ChatGatewayEnv extends MultimodalSharedEnv(HttpEnv) {
  /** The OpenAI-compatible upstream's API root, e.g. `http://vllm:8000/v1`. */
  @IsUrl(url)
  UPSTREAM_BASE_URL!: string;

  @IsOptional()
  @IsString()
  UPSTREAM_API_KEY?: string;

  /** The model name the upstream serves. */
  @IsString()
  @MinLength(1)
  UPSTREAM_MODEL!: string;

  /** The name clients ask for (default: UPSTREAM_MODEL). */
  @IsOptional()
  @IsString()
  GATEWAY_MODEL?: string;

  /** Token profile of the served model: llava-1.5, qwen2-vl, openai-tiles, anthropic, gemini. */
  @IsIn(['llava-1.5', 'qwen2-vl', 'openai-tiles', 'anthropic', 'gemini'])
  GATEWAY_PROFILE: string = 'llava-1.5';

  @Type(() => Number)
  @IsInt()
  @Min(512)
  @Max(10_000_000)
  GATEWAY_CONTEXT_TOKENS: number = 32_768;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GATEWAY_MAX_OUTPUT_TOKENS: number = 4_096;

  /** Output tokens reserved when a request sets no max_tokens. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GATEWAY_DEFAULT_MAX_TOKENS: number = 1_024;

  /** A directory with the served model's tokenizer.json (+ tokenizer_config.json): text is counted with it, local files only. */
  @IsOptional()
  @IsString()
  GATEWAY_TOKENIZER_DIR?: string;

  /** Does the upstream take images? When false, images reach it as their OCR text. */
  @Transform(bool)
  @IsBoolean({ message: 'GATEWAY_VISION must be true or false' })
  GATEWAY_VISION: boolean = true;

  /** NSFW check on every image (needs ENCODER_NSFW on the encoders); explicit images are refused. */
  @Transform(bool)
  @IsBoolean({ message: 'GATEWAY_IMAGE_SAFETY must be true or false' })
  GATEWAY_IMAGE_SAFETY: boolean = true;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(64)
  GATEWAY_MAX_IMAGES: number = 16;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(16)
  GATEWAY_MAX_AUDIO: number = 4;

  /** Transcribe audio parts (ffmpeg → Silero VAD → ML_ASR) for profiles without native audio; false passes clips through. */
  @Transform(bool)
  @IsBoolean({ message: 'GATEWAY_ASR must be true or false' })
  GATEWAY_ASR: boolean = true;

  /** Videos go as frames through the image path (+ the soundtrack's transcript) for profiles without native video; false passes them through. */
  @Transform(bool)
  @IsBoolean({ message: 'GATEWAY_VIDEO_FRAMES must be true or false' })
  GATEWAY_VIDEO_FRAMES: boolean = true;

  /** Safety on raw input (text + transcripts, images + frames with per-key NSFW thresholds) and on the streamed output. */
  @Transform(bool)
  @IsBoolean({ message: 'GATEWAY_SAFETY must be true or false' })
  GATEWAY_SAFETY: boolean = true;

  /** Safety checks beside the encoders (true) or before them (false: the serial baseline, for measurement). */
  @Transform(bool)
  @IsBoolean({ message: 'GATEWAY_SAFETY_PARALLEL must be true or false' })
  GATEWAY_SAFETY_PARALLEL: boolean = true;

  /** PEM certificate and key files: /v1/realtime is also served over wss:// on REALTIME_TLS_PORT (the openai SDK's realtime client dials wss:// only). */
  @IsOptional()
  @IsString()
  REALTIME_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  REALTIME_TLS_KEY_FILE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  REALTIME_TLS_PORT: number = 3443;

  /** Realtime turns fed to a streaming recogniser while the user talks (default); false: each turn transcribed at its end (the per-turn baseline the realtime bench compares). */
  @Transform(bool)
  @IsBoolean({ message: 'REALTIME_STREAMING_ASR must be true or false' })
  REALTIME_STREAMING_ASR: boolean = true;

  /** Videos longer than this (seconds) become async jobs (202 + GET /v1/jobs/:id). */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3600)
  GATEWAY_VIDEO_JOB_SECONDS: number = 15;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(8)
  GATEWAY_MAX_VIDEOS: number = 2;

  /** Hosts image/video URLs may be fetched from (comma-separated; `*.example.com` allowed). Empty: data: URLs only. */
  @IsOptional()
  @IsString()
  MEDIA_ALLOW_HOSTS?: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  MEDIA_FETCH_TIMEOUT_MS: number = 5_000;

  /** Per-key limits shared by every replica (0 = unlimited); per-key overrides live in multimodal_key_limits. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  MULTIMODAL_RPM: number = 0;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  MULTIMODAL_TPM: number = 0;

  @Type(() => Number)
  @Min(0)
  MULTIMODAL_DAILY_BUDGET_USD: number = 0;

  @Type(() => Number)
  @Min(0)
  MULTIMODAL_MONTHLY_BUDGET_USD: number = 0;

  /** Memory in the loop: memory-api's root (e.g. http://memory-api:3000) and a key with memory:read (+ memory:write for write-back). */
  @IsOptional()
  @IsUrl(url)
  MEMORY_API_URL?: string;

  @IsOptional()
  @IsString()
  MEMORY_API_KEY?: string;

  @Transform(bool)
  @IsBoolean({ message: 'MEMORY_WRITE_BACK must be true or false' })
  MEMORY_WRITE_BACK: boolean = true;

  /** The image tool: off, an OpenAI-compatible /v1/images/generations server, or `render` (draws the prompt; demos and tests only). */
  @IsIn(['off', 'openai', 'render'])
  IMAGE_TOOL: 'off' | 'openai' | 'render' = 'off';

  @IsOptional()
  @IsUrl(url)
  IMAGE_GEN_BASE_URL?: string;

  @IsOptional()
  @IsString()
  IMAGE_GEN_MODEL?: string;

  @IsOptional()
  @IsString()
  IMAGE_GEN_API_KEY?: string;

  /** Price table override (JSON, USD per 1M tokens: {"*": {"text_input": 0.45, …}}). */
  @IsOptional()
  @IsString()
  PRICE_TABLE?: string;
}
