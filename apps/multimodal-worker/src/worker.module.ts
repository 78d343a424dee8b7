import { Module, type DynamicModule } from '@nestjs/common';
import { resolveModelsConfig } from '@frontier/ml-registry';
import { MULTIMODAL_JOBS } from '@frontier/multimodal-contracts';
import { encodersGatewayConfig, speechModelsEnv } from '@frontier/multimodal-encoders';
import { MediaPipelineModule, MultimodalModule, videoJobsProviders } from '@frontier/multimodal-nest';
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
          ...(env.JOB_WEBHOOK_SECRET ? { webhookSecret: env.JOB_WEBHOOK_SECRET } : {}),
          webhookAllowHosts: (env.JOB_WEBHOOK_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
        }),
        MultimodalHandlers,
      ],
    };
  }
}
