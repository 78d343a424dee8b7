import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@frontier/platform-nest';
import type { PlatformApiEnv } from './env';
import { TenantsController } from './tenants/tenants.controller';

@Module({})
export class AppModule {
  static register(env: PlatformApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forHttp({ service: 'platform-api', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX, adminToken: env.ADMIN_TOKEN }),
      ],
      controllers: [TenantsController],
    };
  }
}
