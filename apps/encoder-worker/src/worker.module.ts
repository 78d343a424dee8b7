import { Module, type DynamicModule } from '@nestjs/common';
import { ENCODER_JOBS } from '@frontier/multimodal-contracts';
import { EncodersModule, encoderServiceConfig, INLINE_MAX_BYTES, type EncoderModels } from '@frontier/multimodal-encoders';
import { QueueModule } from '@frontier/platform-queue';
import { encoderController } from './encoder.controller';
import { EncodeHandlers } from './encode.handlers';
import type { EncoderWorkerEnv } from './env';

/**
 * The encoder worker: the encoder service (models loaded at boot), its request–reply controller
 * (Redis and NATS transports are connected by the bootstrap) and the `multimodal-encode` consumer.
 * No Postgres: the worker needs Redis (blob store, cache, BullMQ) and, for NATS, the NATS server.
 */
@Module({})
export class WorkerModule {
  /** `models`: already loaded models (tests); default: load what the env asks for. */
  static register(env: EncoderWorkerEnv, models?: EncoderModels): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        // replies carry resized images up to 64 KB inline; larger ones go back through the blob store
        EncodersModule.forWorker(encoderServiceConfig(env, INLINE_MAX_BYTES), models),
        // the cluster (REDIS_CLUSTER_NODES) is REDIS_URL's: a separate ENCODER_REDIS_URL is a single Redis
        QueueModule.forRoot({ redisUrl: env.ENCODER_REDIS_URL ?? env.REDIS_URL, redisClusterNodes: env.ENCODER_REDIS_URL ? undefined : env.REDIS_CLUSTER_NODES, prefix: env.REDIS_PREFIX, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS }),
        QueueModule.forWorker({ catalogs: [ENCODER_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      controllers: [encoderController(env.ENCODER_CHANNEL_PREFIX)],
      providers: [EncodeHandlers],
    };
  }
}
