import { Module, type DynamicModule } from '@nestjs/common';
import { createMediaFetcher } from '@frontier/multimodal-data-access';
import { DEFAULT_PRICE_TABLE, meter, MEDIA_LIMITS, type PriceTable, type TextCounter } from '@frontier/multimodal-domain';
import { createOpenAiChatModel } from '@frontier/ml-llm';
import { BillingService } from '../billing/billing.service';
import type { MultimodalConfig } from '../config';
import { rateLimitHeaders } from '../limits/headers';
import { LimitsService, type Admission } from '../limits/limits.service';
import { MultimodalModule } from '../multimodal.module';
import { SpooledBilling } from './billing-spool';
import { ChatService, GATEWAY_LIMITS } from './chat.service';
import { createOpenAiImageGenerator, type ImageGenerator } from './image-tool';
import { createMediaPort } from './media';
import { createMemoryClient, type MemoryClientConfig } from './memory-client';
import { createPlannerPort } from './planner';
import { MediaPipelineModule, type MediaPipelineConfig } from './media-pipeline.module';
import { videoJobsProviders } from '../jobs/video-jobs.providers';
import { VideoJobsService, type VideoJobsConfig } from '../jobs/video-jobs.service';
import { REALTIME_CONFIG, RealtimeServer, type RealtimeConfig } from '../realtime/realtime.server';
import { createHttpDeepfakeDetector } from '../safety/audio-deepfake';
import { createSafetyPort, keySafetyThresholds, SAFETY_PORT, type NsfwThresholds } from '../safety/safety';
import { createTextClassifier, type TextSafetyConfig } from '../safety/text-classifier';
import { KeySafetyRepository } from '@frontier/multimodal-data-access';
import { classifyTextByRules } from '@frontier/multimodal-domain';
import { BILLING_PORT, GATEWAY_MODELS, IMAGE_GENERATOR, LIMITS_PORT, MEDIA_PORT, MEMORY_CLIENT, PLANNER_PORT, UPSTREAM_MODEL, type BillingPort, type GatewayModel, type LimitsPort } from './ports';
import type { GatewayLimits } from './prepare';
import { createRenderImageGenerator } from './render-image-generator';
import { loadTokenizerCounter } from './tokenizer-counter';

/** Everything the chat gateway is configured with (the app builds it from its validated env). */
export interface GatewayConfig {
  models: GatewayModel[];
  upstream: { baseUrl: string; apiKey?: string; timeoutMs?: number };
  limits: GatewayLimits;
  /** Remote media: hosts allowed (empty: data: URLs only), per-fetch timeout, and private addresses allowed (tests). */
  media: { allowHosts: string[]; timeoutMs: number; allowPrivateAddresses?: string[] };
  encoders: MediaPipelineConfig['encoders'];
  /** Per-key limits and budgets (shared through Redis). */
  quota: MultimodalConfig;
  priceTable?: PriceTable;
  memory?: MemoryClientConfig;
  audio?: MediaPipelineConfig['audio'];
  /**
   * Safety on raw input and on the streamed output: text through Llama Guard 3 (an OpenAI-compatible
   * endpoint) or the offline rules; images/frames through NSFW with per-key thresholds. Off: only the
   * encoder's own verdict (part 1's behaviour).
   */
  safety?: { enabled: boolean; text: TextSafetyConfig; nsfw?: NsfwThresholds; /** A deepfake detector's URL; absent: the check does not run. */ audioDeepfakeUrl?: string };
  /** The Realtime WebSocket (`/v1/realtime`): on the HTTP server, plus a wss:// listener when a certificate is given. */
  realtime?: RealtimeConfig;
  /** Long clips as async jobs (threshold, webhooks). */
  jobs?: VideoJobsConfig;
  imageTool: { kind: 'off' } | { kind: 'render' } | { kind: 'openai'; baseUrl: string; model: string; apiKey?: string } | { kind: 'custom'; generator: ImageGenerator };
}

/**
 * The chat gateway's use cases wired from config: ChatService (plan → admit → encode → upstream →
 * SSE → bill) over the media checks, the planner, the encoder client (inline or encoder-worker),
 * the Redis limits and the billing outbox; UsageService for `GET /v1/usage`. Needs `PlatformModule`.
 */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    const prices = config.priceTable ?? DEFAULT_PRICE_TABLE;
    const fetcher = config.media.allowHosts.length
      ? createMediaFetcher({ allowHosts: config.media.allowHosts, maxBytes: MEDIA_LIMITS.video.maxBytes, timeoutMs: config.media.timeoutMs, maxRedirects: 3, allowPrivateAddresses: config.media.allowPrivateAddresses })
      : null;
    const images: ImageGenerator | null =
      config.imageTool.kind === 'off'
        ? null
        : config.imageTool.kind === 'render'
          ? createRenderImageGenerator()
          : config.imageTool.kind === 'custom'
            ? config.imageTool.generator
            : createOpenAiImageGenerator(config.imageTool);
    return {
      module: GatewayModule,
      imports: [MultimodalModule.register(config.quota), MediaPipelineModule.register({ encoders: config.encoders, audio: config.audio })],
      providers: [
        { provide: GATEWAY_MODELS, useValue: config.models },
        { provide: GATEWAY_LIMITS, useValue: config.limits },
        { provide: MEDIA_PORT, useValue: createMediaPort({ fetcher }) },
        {
          provide: PLANNER_PORT,
          useFactory: async () => {
            const own = new Map<string, TextCounter>();
            for (const m of config.models) if (m.tokenizerDir) own.set(m.id, await loadTokenizerCounter(m.tokenizerDir));
            return createPlannerPort((model, usage) => meter(usage, prices, model.id), own);
          },
        },
        {
          provide: LIMITS_PORT,
          inject: [LimitsService],
          useFactory: (limits: LimitsService): LimitsPort => ({
            admit: (p, estimatedTokens) => limits.admit({ tenantId: p.tenantId, keyId: p.keyId, estimatedTokens }),
            settle: async (a, actualTokens, costUsd) => void (await limits.settle(a as Admission, { actualTokens, costUsd })),
            headers: (a) => rateLimitHeaders(a as Admission),
          }),
        },
        // events wait in a spool while Postgres is unreachable (SpooledBilling closes with the app)
        { provide: BILLING_PORT, inject: [BillingService], useFactory: (b: BillingService): BillingPort => new SpooledBilling(async (e) => void (await b.record(e))) },
        { provide: UPSTREAM_MODEL, useValue: createOpenAiChatModel({ baseUrl: config.upstream.baseUrl, apiKey: config.upstream.apiKey, model: config.models[0]?.upstreamModel ?? 'model', timeoutMs: config.upstream.timeoutMs ?? 60_000 }) },
        { provide: MEMORY_CLIENT, useValue: config.memory ? createMemoryClient(config.memory) : null },
        { provide: IMAGE_GENERATOR, useValue: images },
        {
          provide: SAFETY_PORT,
          inject: [KeySafetyRepository],
          useFactory: (keys: KeySafetyRepository) => {
            const s = config.safety;
            if (!s?.enabled) return null;
            return createSafetyPort({
              text: createTextClassifier(s.text),
              output: (text) => classifyTextByRules(text).categories,
              ...(s.nsfw ? { nsfw: s.nsfw } : {}),
              keyThresholds: keySafetyThresholds(keys),
              imageSafety: config.limits.imageSafety ?? true,
              audioDeepfake: s.audioDeepfakeUrl ? createHttpDeepfakeDetector(s.audioDeepfakeUrl) : null,
            });
          },
        },
        // async jobs check what the request path checks: the key's NSFW thresholds, the configured text classifier, the deepfake port
        ...videoJobsProviders({
          thresholdS: 15,
          ...config.jobs,
          priceTable: prices,
          ...(config.safety?.nsfw ? { nsfw: config.safety.nsfw } : {}),
          ...(config.safety?.enabled === false ? { textSafety: null } : config.safety ? { textSafety: createTextClassifier(config.safety.text) } : {}),
          ...(config.safety?.audioDeepfakeUrl ? { audioDeepfake: createHttpDeepfakeDetector(config.safety.audioDeepfakeUrl) } : {}),
        }),
        ChatService,
        { provide: REALTIME_CONFIG, useValue: config.realtime ?? {} },
        RealtimeServer,
      ],
      exports: [ChatService, MultimodalModule, VideoJobsService, RealtimeServer],
    };
  }
}
