import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ChatModel } from '@frontier/ml-ports';
import type { Principal } from '@frontier/platform-nest';
import type { Response } from 'express';
import { AUDIO_PORT, type AudioPort } from './audio';
import { JobAccepted, VideoJobsService } from '../jobs/video-jobs.service';
import { SAFETY_PORT, type SafetyPort } from '../safety/safety';
import type { ImageGenerator } from './image-tool';
import type { MemoryClient } from './memory-client';
import {
  BILLING_PORT,
  ENCODER_PORT,
  GATEWAY_MODELS,
  IMAGE_GENERATOR,
  LIMITS_PORT,
  MEDIA_PORT,
  MEMORY_CLIENT,
  PLANNER_PORT,
  UPSTREAM_MODEL,
  type BillingPort,
  type EncoderPort,
  type GatewayModel,
  type LimitsPort,
  type MediaPort,
  type PlannerPort,
} from './ports';
import { prepare, type GatewayLimits } from './prepare';
import { respondJson, respondStream } from './respond';

export const GATEWAY_LIMITS = Symbol('GATEWAY_LIMITS');

/** The chat-completions use case: plan, admit, encode, call the upstream, answer, bill. */
@Injectable()
export class ChatService {
  private readonly log = new Logger('Chat');

  constructor(
    @Inject(GATEWAY_MODELS) private readonly models: GatewayModel[],
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(MEDIA_PORT) private readonly media: MediaPort,
    @Inject(PLANNER_PORT) private readonly planner: PlannerPort,
    @Inject(ENCODER_PORT) private readonly encoder: EncoderPort,
    @Inject(LIMITS_PORT) private readonly quota: LimitsPort,
    @Inject(BILLING_PORT) private readonly billing: BillingPort,
    @Inject(UPSTREAM_MODEL) private readonly upstream: ChatModel,
    @Optional() @Inject(MEMORY_CLIENT) private readonly memory: MemoryClient | null = null,
    @Optional() @Inject(IMAGE_GENERATOR) private readonly images: ImageGenerator | null = null,
    @Optional() @Inject(AUDIO_PORT) private readonly audio: AudioPort | null = null,
    @Optional() @Inject(VideoJobsService) private readonly jobs: VideoJobsService | null = null,
    @Optional() @Inject(SAFETY_PORT) private readonly safety: SafetyPort | null = null,
  ) {}

  /**
   * `POST /v1/chat/completions`. Refusals (bad input, over budget, rate limited, encoders busy) throw
   * before anything is written; a stream's later failures are reported inside the stream.
   */
  async complete(principal: Principal, body: unknown, res: Response, namedEvents: boolean, webhook?: string): Promise<void> {
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) abort.abort(new Error('client disconnected'));
    };
    res.on('close', onClose);
    let p;
    try {
      p = await prepare(
        { models: this.models, limits: this.limits, media: this.media, planner: this.planner, encoder: this.encoder, quota: this.quota, memory: this.memory, audio: this.audio, jobs: this.jobs, safety: this.safety },
        principal,
        body,
        abort.signal,
        { webhook },
      );
    } catch (e) {
      if (!(e instanceof JobAccepted)) throw e;
      // a clip over the threshold: accepted as an async job, to poll (GET /v1/jobs/:id) or be called back
      res.off('close', onClose);
      res.status(202).setHeader('location', `/v1/jobs/${String(e.body['id'])}`);
      res.json(e.body);
      return;
    }
    const safety = this.safety;
    const deps = {
      upstream: this.upstream,
      planner: this.planner,
      billing: this.billing,
      quota: this.quota,
      images: this.images,
      memory: this.memory,
      log: (m: string) => this.log.warn(m),
      // the rules on every delta, the configured classifier in chunks beside the stream
      outputScanner: safety ? (signal: AbortSignal) => safety.outputScanner(signal) : null,
    };
    if (p.request.stream) return respondStream(deps, principal, p, res, namedEvents, abort);
    try {
      const body = await respondJson(deps, principal, p, abort.signal);
      for (const [k, v] of Object.entries(this.quota.headers(p.admission))) res.setHeader(k, v);
      res.status(200).json(body);
    } catch (e) {
      // the upstream failed before any answer: nothing was produced, the reservation is returned
      await this.quota.settle(p.admission, 0, 0).catch(() => undefined);
      throw e;
    } finally {
      res.off('close', onClose);
    }
  }

  /** `GET /v1/models`: the served models in OpenAI's list shape, with their context budget. */
  listModels(): Record<string, unknown> {
    return {
      object: 'list',
      data: this.models.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: 'frontier', context_window: m.contextTokens, max_output_tokens: m.maxOutputTokens, profile: m.profile, vision: m.vision })),
    };
  }
}
