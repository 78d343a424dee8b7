import { Module, type DynamicModule } from '@nestjs/common';
import { resolveModelsConfig } from '@frontier/ml-registry';
import { MULTIMODAL_JOBS } from '@frontier/multimodal-contracts';
import { encodersGatewayConfig, speechModelsEnv } from '@frontier/multimodal-encoders';
import { createHttpDeepfakeDetector, createTextClassifier, MediaPipelineModule, MultimodalModule, textSafetyFromEnv, videoJobsProviders, webhooksFromEnv } from '@frontier/multimodal-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { MultimodalWorkerEnv } from './env';
import { MultimodalHandlers } from './multimodal.handlers';

@Module({})
export class WorkerModule {
  static register(env: MultimodalWorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker(platformSettings('multimodal-worker', env)),
        MultimodalModule.register({ reconcileAfterS: env.MULTIMODAL_RECONCILE_AFTER_S, usageRetentionDays: env.MULTIMODAL_USAGE_RETENTION_DAYS }),
        MediaPipelineModule.register({
          encoders: encodersGatewayConfig(env),
          audio: { transcribe: true, models: resolveModelsConfig(speechModelsEnv(env)) },
        }),
        QueueModule.forWorker({ catalogs: [MULTIMODAL_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [
        ...videoJobsProviders({
          thresholdS: 15,
          staleAfterS: env.VIDEO_JOB_STALE_S,
          ...webhooksFromEnv(env),
          // a job's checks are the gateway's: its text classifier on the soundtrack, the deepfake port, the key's NSFW thresholds
          textSafety: createTextClassifier(textSafetyFromEnv(env)),
          audioDeepfake: env.GATEWAY_AUDIO_DEEPFAKE ? createHttpDeepfakeDetector(env.GATEWAY_AUDIO_DEEPFAKE) : null,
          nsfw: { explicit: env.ENCODER_NSFW_EXPLICIT, suggestive: env.ENCODER_NSFW_SUGGESTIVE },
        }),
        MultimodalHandlers,
      ],
    };
  }
}
