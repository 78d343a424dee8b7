import { IsInt, Max, Min } from 'class-validator';
import { EncodersEnv } from '@frontier/multimodal-encoders';
import { MultimodalSharedEnv } from '@frontier/multimodal-nest';

/**
 * multimodal-worker's environment: billing, and async video jobs — whose frames go through the image
 * path (the encoder variables: ENCODERS=inline|redis|nats, ENCODER_*) and whose soundtrack through
 * the audio path (ML_VAD / ML_ASR of the ML registry), checked like the gateway's requests: the text
 * classifier (GATEWAY_TEXT_SAFETY, SAFETY_LLAMA_GUARD_*), the deepfake detector (GATEWAY_AUDIO_DEEPFAKE)
 * and the key's NSFW thresholds over ENCODER_NSFW_*; job webhooks signed with JOB_WEBHOOK_SECRET — the
 * fragment chat-gateway shares.
 */
export class MultimodalWorkerEnv extends MultimodalSharedEnv(EncodersEnv) {
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
}
