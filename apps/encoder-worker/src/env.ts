import { IsInt, Matches, Max, Min } from 'class-validator';
import { EncodersEnv } from '@frontier/multimodal-encoders';

/** encoder-worker's environment: the encoders' variables (ENCODER_*, VISION_ENCODER_DIR) and how it listens. */
export class EncoderWorkerEnv extends EncodersEnv {
  /** Request–reply transports to listen on (the gateway's ENCODERS picks one): `redis`, `nats` or both. */
  @Matches(/^(redis|nats)(,(redis|nats))?$/, { message: 'ENCODER_TRANSPORTS must be redis, nats or redis,nats' })
  ENCODER_TRANSPORTS: string = 'redis,nats';

  /** encode-batch jobs (multimodal-encode queue) run at once; each encodes a few images at background priority. */
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 1;
}

export const transportsOf = (env: EncoderWorkerEnv): Array<'redis' | 'nats'> => [...new Set(env.ENCODER_TRANSPORTS.split(',') as Array<'redis' | 'nats'>)];
