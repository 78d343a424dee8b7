import { Controller, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { EncodeImagesReply, EncodeImagesRequest, EncoderHealth } from '@frontier/multimodal-contracts';
import { encoderPatterns, ImageEncoderService } from '@frontier/multimodal-encoders';

/**
 * The request–reply controller on both transports. Its patterns are the contract's
 * ENCODER_PATTERNS (`multimodal.encoder.encode-images`, `multimodal.encoder.health`), behind
 * ENCODER_CHANNEL_PREFIX when one is set — hence a class made per prefix.
 */
export function encoderController(channelPrefix = ''): Type<unknown> {
  const patterns = encoderPatterns(channelPrefix);

  @Controller()
  class EncoderController {
    constructor(private readonly service: ImageEncoderService) {}

    @MessagePattern(patterns.encodeImages)
    encodeImages(@Payload() req: EncodeImagesRequest): Promise<EncodeImagesReply> {
      return this.service.encodeImages(req);
    }

    @MessagePattern(patterns.health)
    health(): EncoderHealth {
      return this.service.health();
    }
  }
  return EncoderController;
}
