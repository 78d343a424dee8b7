import { Module, type DynamicModule } from '@nestjs/common';
import { RecsysModule } from '@frontier/recsys-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import type { RecsysApiEnv } from './env';

@Module({})
export class AppModule {
  static register(env: RecsysApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forHttp(platformSettings('recsys-api', env)), RecsysModule],
      controllers: [],
    };
  }
}
