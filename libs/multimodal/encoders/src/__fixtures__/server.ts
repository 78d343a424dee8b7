/** A test encoder server: the service behind Nest's Redis and NATS transports in this process (as encoder-worker runs it). */
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { EncodeImagesRequest } from '@frontier/multimodal-contracts';
import { encoderPatterns } from '../client/patterns';
import { natsServerOptions, redisServerOptions } from '../client/transport.client';
import type { EncoderServiceConfig } from '../config';
import { EncodersModule } from '../encoders.module';
import { ImageEncoderService } from '../image-encoder.service';
import type { EncoderModels } from '../models';

export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

export async function startTestServer(config: EncoderServiceConfig, models: EncoderModels, prefix: string, redisUrl: string): Promise<INestApplication> {
  const p = encoderPatterns(prefix);
  @Controller()
  class TestEncoderController {
    constructor(private readonly service: ImageEncoderService) {}
    @MessagePattern(p.encodeImages)
    encode(@Payload() req: EncodeImagesRequest) {
      return this.service.encodeImages(req);
    }
    @MessagePattern(p.health)
    health() {
      return this.service.health();
    }
  }
  @Module({ imports: [EncodersModule.forWorker(config, models)], controllers: [TestEncoderController] })
  class TestServerModule {}
  const app = await NestFactory.create(TestServerModule, { logger: false });
  app.connectMicroservice<MicroserviceOptions>({ transport: Transport.REDIS, options: redisServerOptions(redisUrl) as never }, { inheritAppConfig: true });
  app.connectMicroservice<MicroserviceOptions>({ transport: Transport.NATS, options: natsServerOptions(NATS_URL) as never }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  return app;
}
