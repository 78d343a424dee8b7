import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { EncodersEnv } from '@frontier/multimodal-encoders';

/**
 * multimodal-worker's environment: billing, and async video jobs — whose frames go through the image
 * path (the encoder variables: ENCODERS=inline|redis|nats, ENCODER_*) and whose soundtrack through
 * the audio path (ML_VAD / ML_ASR of the ML registry).
 */
export class MultimodalWorkerEnv extends EncodersEnv {
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 2;

  /** The billing reconciler queues events left unexpanded for this many seconds. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  MULTIMODAL_RECONCILE_AFTER_S: number = 60;

  /** Days of usage rows kept (billing evidence): older day partitions of multimodal_usage are dropped daily. */
  @IsInt()
  @Min(1)
  @Max(36_500)
  MULTIMODAL_USAGE_RETENTION_DAYS: number = 800;

  /** An async job queued or running with no progress for this long is queued again (a lost job, a dead worker). */
  @IsInt()
  @Min(5)
  @Max(86_400)
  VIDEO_JOB_STALE_S: number = 120;

  /** HMAC-SHA256 key signing job webhooks (the gateway's JOB_WEBHOOK_SECRET). */
  @IsOptional()
  @IsString()
  @MinLength(16)
  JOB_WEBHOOK_SECRET?: string;

  /** Hosts a job webhook may call, comma-separated. */
  @IsOptional()
  @IsString()
  JOB_WEBHOOK_HOSTS?: string;
}
