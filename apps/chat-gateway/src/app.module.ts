import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayModule, type GatewayConfig } from '@frontier/multimodal-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import type { ChatGatewayEnv } from './env';
import { GatewayController } from './gateway.controller';

@Module({})
export class AppModule {
  static register(env: ChatGatewayEnv, gateway: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forHttp(platformSettings('chat-gateway', env)), GatewayModule.register(gateway)],
      controllers: [GatewayController],
    };
  }
}
