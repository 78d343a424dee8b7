import { CAPPED_EXPONENTIAL, defineJobCatalog, queueOf } from '@frontier/platform-jobs';
import type { EncodeImageInput } from './encoders';

/** Long encoder work through BullMQ, consumed by encoder-worker: batch pre-encoding into the encoder cache. */
export const ENCODER_QUEUE = 'multimodal-encode';

/** One image of a batch: always by content hash (a job never carries image bytes; the gateway put them in the blob store). */
export type EncodeBatchImage = Omit<EncodeImageInput, 'dataB64'>;

export interface EncodeBatchPayload {
  /** Caller's id for the batch (e.g. the gateway's async job id): the job's idempotency key. No ':'. */
  batchId: string;
  images: EncodeBatchImage[];
}

/** What an encode-batch job returns (its BullMQ return value); the encodings themselves go to the cache. */
export interface EncodeBatchResult {
  batchId: string;
  /** Images encoded now. */
  encoded: number;
  /** Images already in the cache. */
  cached: number;
  failed: Array<{ part: string; code: string; message: string }>;
}

const q = queueOf(ENCODER_QUEUE);

export const EncoderJobs = {
  /** Encode many images (resize, OCR, NSFW) into the encoder cache, so later requests for them are cache hits. */
  encodeBatch: q.job<EncodeBatchPayload>('multimodal.encode-batch', {
    jobId: (d) => `multimodal-encode.${d.batchId}`,
    // a worker busy with interactive requests defers batch work (the handler retries busy chunks itself first)
    options: { attempts: 5, backoff: { type: CAPPED_EXPONENTIAL, delay: 2_000, maxDelay: 30_000 }, removeOnComplete: { age: 3600, count: 1_000 } },
  }),
};

export const ENCODER_JOBS = defineJobCatalog(ENCODER_QUEUE, EncoderJobs);
