import { Injectable } from '@nestjs/common';
import { EncoderJobs, type EncodeBatchResult } from '@frontier/multimodal-contracts';
import { ImageEncoderService } from '@frontier/multimodal-encoders';
import type { JobOf } from '@frontier/platform-jobs';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `multimodal-encode` queue: each calls one encoder service method. */
@Injectable()
export class EncodeHandlers {
  constructor(private readonly service: ImageEncoderService) {}

  @OnJob(EncoderJobs.encodeBatch)
  encodeBatch(data: JobOf<typeof EncoderJobs.encodeBatch>): Promise<EncodeBatchResult> {
    return this.service.preEncode(data);
  }
}
