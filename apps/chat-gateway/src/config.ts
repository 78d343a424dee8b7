import { readFileSync } from 'node:fs';
import { resolveModelsConfig } from '@frontier/ml-registry';
import { encodersGatewayConfig, speechModelsEnv, type EncodersEnv } from '@frontier/multimodal-encoders';
import { textSafetyFromEnv, webhooksFromEnv, type GatewayConfig } from '@frontier/multimodal-nest';
import type { PriceTable } from '@frontier/multimodal-domain';
import type { ChatGatewayEnv } from './env';

function priceTable(raw: string | undefined): PriceTable | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as PriceTable;
  } catch {
    throw new Error('PRICE_TABLE must be JSON: {"*": {"text_input": 0.45, "text_output": 0.45, "image": 0.45, "audio": 0.45, "video": 0.45}}');
  }
}

/** The gateway's configuration from its two validated env objects. */
export function gatewayConfig(env: ChatGatewayEnv, encoders: EncodersEnv): GatewayConfig {
  const memory = env.MEMORY_API_URL
    ? (() => {
        if (!env.MEMORY_API_KEY) throw new Error('MEMORY_API_KEY is required when MEMORY_API_URL is set');
        return { baseUrl: env.MEMORY_API_URL, apiKey: env.MEMORY_API_KEY, writeBack: env.MEMORY_WRITE_BACK };
      })()
    : undefined;
  let imageTool: GatewayConfig['imageTool'] = { kind: env.IMAGE_TOOL === 'render' ? 'render' : 'off' };
  if (env.IMAGE_TOOL === 'openai') {
    if (!env.IMAGE_GEN_BASE_URL || !env.IMAGE_GEN_MODEL) throw new Error('IMAGE_GEN_BASE_URL and IMAGE_GEN_MODEL are required when IMAGE_TOOL=openai');
    imageTool = { kind: 'openai', baseUrl: env.IMAGE_GEN_BASE_URL, model: env.IMAGE_GEN_MODEL, ...(env.IMAGE_GEN_API_KEY ? { apiKey: env.IMAGE_GEN_API_KEY } : {}) };
  }
  return {
    models: [
      {
        id: env.GATEWAY_MODEL ?? env.UPSTREAM_MODEL,
        upstreamModel: env.UPSTREAM_MODEL,
        profile: env.GATEWAY_PROFILE,
        contextTokens: env.GATEWAY_CONTEXT_TOKENS,
        maxOutputTokens: env.GATEWAY_MAX_OUTPUT_TOKENS,
        vision: env.GATEWAY_VISION,
        ...(env.GATEWAY_TOKENIZER_DIR ? { tokenizerDir: env.GATEWAY_TOKENIZER_DIR } : {}),
      },
    ],
    upstream: { baseUrl: env.UPSTREAM_BASE_URL, ...(env.UPSTREAM_API_KEY ? { apiKey: env.UPSTREAM_API_KEY } : {}) },
    limits: { maxImages: env.GATEWAY_MAX_IMAGES, maxAudio: env.GATEWAY_MAX_AUDIO, maxVideos: env.GATEWAY_MAX_VIDEOS, defaultMaxTokens: env.GATEWAY_DEFAULT_MAX_TOKENS, imageSafety: env.GATEWAY_IMAGE_SAFETY, videoFrames: env.GATEWAY_VIDEO_FRAMES, safetyParallel: env.GATEWAY_SAFETY_PARALLEL },
    media: { allowHosts: (env.MEDIA_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean), timeoutMs: env.MEDIA_FETCH_TIMEOUT_MS },
    encoders: encodersGatewayConfig(encoders),
    quota: { rpm: env.MULTIMODAL_RPM, tpm: env.MULTIMODAL_TPM, dailyBudgetUsd: env.MULTIMODAL_DAILY_BUDGET_USD, monthlyBudgetUsd: env.MULTIMODAL_MONTHLY_BUDGET_USD },
    priceTable: priceTable(env.PRICE_TABLE),
    memory,
    audio: { transcribe: env.GATEWAY_ASR, models: resolveModelsConfig(speechModelsEnv(encoders)) },
    safety: { enabled: env.GATEWAY_SAFETY, text: textSafetyFromEnv(env), nsfw: { explicit: encoders.ENCODER_NSFW_EXPLICIT, suggestive: encoders.ENCODER_NSFW_SUGGESTIVE }, ...(env.GATEWAY_AUDIO_DEEPFAKE ? { audioDeepfakeUrl: env.GATEWAY_AUDIO_DEEPFAKE } : {}) },
    realtime: {
      streamingAsr: env.REALTIME_STREAMING_ASR,
      ...(env.REALTIME_TLS_CERT_FILE && env.REALTIME_TLS_KEY_FILE
        ? { tls: { cert: readFileSync(env.REALTIME_TLS_CERT_FILE, 'utf8'), key: readFileSync(env.REALTIME_TLS_KEY_FILE, 'utf8'), port: env.REALTIME_TLS_PORT, host: env.HOST } }
        : {}),
    },
    jobs: { thresholdS: env.GATEWAY_VIDEO_JOB_SECONDS, ...webhooksFromEnv(env) },
    imageTool,
  };
}
