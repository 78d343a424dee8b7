import type { EncodeImagesReply, EncodeImagesRequest, EncoderHealth } from '@frontier/multimodal-contracts';
import type { ImageEncoderService } from '../image-encoder.service';
import { abortable, unavailable, type ImageEncoderClient } from './image-encoder.client';

/** `ENCODERS=inline`: the service in the gateway's own process (no transport, no copies). */
export class InlineEncoderClient implements ImageEncoderClient {
  constructor(
    readonly service: ImageEncoderService,
    /** Close the service with the client (it was created for this client). */
    private readonly owned = true,
  ) {}

  async encodeImages(req: EncodeImagesRequest, signal?: AbortSignal): Promise<EncodeImagesReply> {
    const aborted = abortable(signal, () => unavailable('encode request aborted by the caller', 0));
    try {
      return await Promise.race([this.service.encodeImages(req), aborted.promise]);
    } finally {
      aborted.dispose();
    }
  }

  async health(): Promise<EncoderHealth> {
    return this.service.health();
  }

  async close(): Promise<void> {
    if (this.owned) await this.service.close();
  }
}
