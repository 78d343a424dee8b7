import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeyUsageRecorder, PlatformModule } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { PlatformApiEnv } from './env';
import { TenantsController } from './tenants/tenants.controller';
import { QueuedUsageRecorder } from './usage.recorder';

@Module({})
export class AppModule {
  static register(env: PlatformApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        QueueModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX }),
        PlatformModule.forHttp(
          { service: 'platform-api', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX, adminToken: env.ADMIN_TOKEN },
          [{ provide: ApiKeyUsageRecorder, useClass: QueuedUsageRecorder }],
        ),
      ],
      controllers: [TenantsController],
    };
  }
}
