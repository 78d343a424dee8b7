import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayModule, type GatewayConfig } from '@frontier/multimodal-nest';
import { PlatformModule } from '@frontier/platform-nest';
import type { ChatGatewayEnv } from './env';
import { GatewayController } from './gateway.controller';

@Module({})
export class AppModule {
  static register(env: ChatGatewayEnv, gateway: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forHttp({ service: 'chat-gateway', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX }), GatewayModule.register(gateway)],
      controllers: [GatewayController],
    };
  }
}
