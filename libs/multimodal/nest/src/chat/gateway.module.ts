import { Module, type DynamicModule } from '@nestjs/common';
import { IMAGE_ENCODER, EncodersModule, ImageInputs, type EncodersGatewayConfig, type ImageEncoderClient } from '@frontier/multimodal-encoders';
import { createMediaFetcher } from '@frontier/multimodal-data-access';
import { DEFAULT_PRICE_TABLE, meter, MEDIA_LIMITS, type PriceTable, type TextCounter } from '@frontier/multimodal-domain';
import { createOpenAiChatModel } from '@frontier/ml-llm';
import { ModelRegistry, type ModelsConfig } from '@frontier/ml-registry';
import { AudioTranscriber } from '@frontier/multimodal-encoders';
import { AUDIO_PORT, createAudioPort } from './audio';
import { BillingService } from '../billing/billing.service';
import type { MultimodalConfig } from '../config';
import { rateLimitHeaders } from '../limits/headers';
import { LimitsService, type Admission } from '../limits/limits.service';
import { MultimodalModule } from '../multimodal.module';
import { SpooledBilling } from './billing-spool';
import { ChatService, GATEWAY_LIMITS } from './chat.service';
import { createEncoderPort } from './encoder';
import { createOpenAiImageGenerator, type ImageGenerator } from './image-tool';
import { createMediaPort } from './media';
import { createMemoryClient, type MemoryClientConfig } from './memory-client';
import { createPlannerPort } from './planner';
import { BILLING_PORT, ENCODER_PORT, GATEWAY_MODELS, IMAGE_GENERATOR, LIMITS_PORT, MEDIA_PORT, MEMORY_CLIENT, PLANNER_PORT, UPSTREAM_MODEL, type BillingPort, type GatewayModel, type LimitsPort } from './ports';
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
  encoders: EncodersGatewayConfig;
  /** Per-key limits and budgets (shared through Redis). */
  quota: MultimodalConfig;
  priceTable?: PriceTable;
  memory?: MemoryClientConfig;
  /**
   * Audio for profiles without native audio: transcribed (ffmpeg → VAD → ASR, models from the ML
   * registry's ML_VAD / ML_ASR) and sent as timestamped text. Off: clips pass through as they are.
   */
  audio?: { transcribe: boolean; models: ModelsConfig };
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
      imports: [MultimodalModule.register(config.quota), EncodersModule.forGateway(config.encoders)],
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
          provide: ENCODER_PORT,
          inject: [IMAGE_ENCODER, ImageInputs],
          useFactory: (client: ImageEncoderClient, inputs: ImageInputs) => createEncoderPort(client, inputs, config.encoders.timeoutMs),
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
          provide: AUDIO_PORT,
          useValue: config.audio?.transcribe
            ? (() => {
                const registry = new ModelRegistry(config.audio.models);
                return createAudioPort(async () => new AudioTranscriber(await registry.get('vad'), await registry.get('asr')));
              })()
            : null,
        },
        ChatService,
      ],
      exports: [ChatService, MultimodalModule],
    };
  }
}
