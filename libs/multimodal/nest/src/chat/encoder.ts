/**
 * The encoder port over the encoder client (inline, or encoder-worker over Redis/NATS): every planned
 * image sent in one request (the worker batches across requests), the reply mapped to answers:
 * encoders busy → 429 with Retry-After, unreachable → 503 with Retry-After (never a timeout), a
 * picture that will not decode → 400 naming the part.
 */
import type { EncodedImage } from '@frontier/multimodal-contracts';
import type { ImageEncoderClient, ImageInputs } from '@frontier/multimodal-encoders';
import { FrontierError, InvalidInputError } from '@frontier/platform-util';
import type { OpenAiAnswerable } from './openai-errors.filter';
import type { EncodeJob, EncoderPort } from './ports';

/** The encoders cannot take this request now (queue full, deadline unmeetable): 429 + Retry-After. */
export class EncodersBusyError extends FrontierError implements OpenAiAnswerable {
  constructor(message: string, retryAfterS: number) {
    super('unavailable', 'encoders_busy', message, { retryAfterS });
  }

  openAiAnswer() {
    const retry = String(Math.max(1, Math.ceil(this.retryAfterS ?? 1)));
    return { status: 429, headers: { 'retry-after': retry }, body: { error: { message: this.message, type: 'rate_limit_error', param: null, code: 'encoders_busy' } } };
  }
}

export function createEncoderPort(client: ImageEncoderClient, inputs: ImageInputs, timeoutMs: number): EncoderPort {
  return {
    async encode(requestId: string, jobs: EncodeJob[], signal: AbortSignal): Promise<Map<string, EncodedImage>> {
      const send = async () => {
        const images = await Promise.all(jobs.map((j) => inputs.prepare(j.bytes, { part: j.path, maxSide: j.maxSide, ocr: j.ocr, safety: j.safety })));
        return client.encodeImages({ requestId, images, deadline: Date.now() + timeoutMs }, signal);
      };
      let reply = await send();
      // a blob that expired between put and use comes back unavailable with retryAfterS 0: put it again, once
      if (!reply.ok && reply.code === 'unavailable' && reply.retryAfterS === 0 && !signal.aborted) reply = await send();
      if (!reply.ok) {
        if (reply.code === 'invalid_image') throw new InvalidInputError(reply.part ?? 'messages', reply.part ? `${reply.part}: ${reply.message}` : reply.message, 'invalid_image');
        if (reply.code === 'busy') throw new EncodersBusyError(`The image encoders are busy: ${reply.message}`, reply.retryAfterS ?? 1);
        throw new FrontierError('unavailable', 'encoders_unavailable', `The image encoders cannot be reached: ${reply.message}`, { retryAfterS: reply.retryAfterS ?? 2 });
      }
      return new Map(reply.images.map((i) => [i.part, i]));
    },
  };
}
