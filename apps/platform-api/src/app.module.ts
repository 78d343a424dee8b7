import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import type { PlatformApiEnv } from './env';
import { TenantsController } from './tenants/tenants.controller';

@Module({})
export class AppModule {
  static register(env: PlatformApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forHttp(platformSettings('platform-api', env)),
      ],
      controllers: [TenantsController],
    };
  }
}
