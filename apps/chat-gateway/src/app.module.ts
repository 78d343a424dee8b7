import { Module, type DynamicModule } from '@nestjs/common';
import { MultimodalModule } from '@frontier/multimodal-nest';
import { PlatformModule } from '@frontier/platform-nest';
import type { ChatGatewayEnv } from './env';
import { MultimodalController } from './multimodal.controller';

@Module({})
export class AppModule {
  static register(env: ChatGatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forHttp({ service: 'chat-gateway', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX }), MultimodalModule],
      controllers: [MultimodalController],
    };
  }
}
