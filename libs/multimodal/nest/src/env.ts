/**
 * The environment fragment chat-gateway and multimodal-worker share: the text safety classifier
 * (the gateway checks prompts and answers with it, the worker a video job's soundtrack), the audio
 * deepfake detector, and the signed webhooks of async jobs. Each app's env class mixes it in, so one
 * env file configures both alike: `class ChatGatewayEnv extends MultimodalSharedEnv(HttpEnv)`.
 */
import { IsIn, IsOptional, IsString, IsUrl, MinLength } from 'class-validator';
import type { VideoJobsConfig } from './jobs/video-jobs.service';
import type { TextSafetyConfig } from './safety/text-classifier';

const url = { require_tld: false, protocols: ['http', 'https'] };

/** The variables of the fragment (what {@link textSafetyFromEnv} and {@link webhooksFromEnv} read). */
export interface MultimodalSharedEnvValues {
  GATEWAY_TEXT_SAFETY: 'rules' | 'llama-guard';
  SAFETY_LLAMA_GUARD_URL?: string;
  SAFETY_LLAMA_GUARD_MODEL?: string;
  SAFETY_LLAMA_GUARD_API_KEY?: string;
  GATEWAY_AUDIO_DEEPFAKE?: string;
  JOB_WEBHOOK_SECRET?: string;
  JOB_WEBHOOK_HOSTS?: string;
}

// a mixin's base constructor must take `any[]` (TypeScript's rule for mixin classes, TS2545)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvClass = new (...args: any[]) => object;

/** `Base` with the shared multimodal variables, validated with it. */
export function MultimodalSharedEnv<TBase extends EnvClass>(Base: TBase) {
  class SharedEnv extends Base implements MultimodalSharedEnvValues {
    /** The text classifier: offline phrase rules, or Llama Guard 3 on an OpenAI-compatible server (SAFETY_LLAMA_GUARD_URL + _MODEL). */
    @IsIn(['rules', 'llama-guard'])
    GATEWAY_TEXT_SAFETY: 'rules' | 'llama-guard' = 'rules';

    @IsOptional()
    @IsUrl(url)
    SAFETY_LLAMA_GUARD_URL?: string;

    @IsOptional()
    @IsString()
    SAFETY_LLAMA_GUARD_MODEL?: string;

    @IsOptional()
    @IsString()
    SAFETY_LLAMA_GUARD_API_KEY?: string;

    /** An audio deepfake detector over HTTP (POST the clip's bytes → `{ "fake": boolean }`); unset: no detector, the metadata says `audio_deepfake: 'not_run'`. */
    @IsOptional()
    @IsUrl(url)
    GATEWAY_AUDIO_DEEPFAKE?: string;

    /** HMAC-SHA256 key signing job webhooks (x-frontier-signature); unset: webhooks refused. */
    @IsOptional()
    @IsString()
    @MinLength(16)
    JOB_WEBHOOK_SECRET?: string;

    /** Hosts a job webhook may call, comma-separated (exact names). */
    @IsOptional()
    @IsString()
    JOB_WEBHOOK_HOSTS?: string;
  }
  return SharedEnv;
}

/** The configured text classifier; Llama Guard without its URL or model fails start-up naming them. */
export function textSafetyFromEnv(env: MultimodalSharedEnvValues): TextSafetyConfig {
  if (env.GATEWAY_TEXT_SAFETY !== 'llama-guard') return { kind: 'rules' };
  if (!env.SAFETY_LLAMA_GUARD_URL || !env.SAFETY_LLAMA_GUARD_MODEL) throw new Error('SAFETY_LLAMA_GUARD_URL and SAFETY_LLAMA_GUARD_MODEL are required when GATEWAY_TEXT_SAFETY=llama-guard');
  return { kind: 'llama-guard', baseUrl: env.SAFETY_LLAMA_GUARD_URL, model: env.SAFETY_LLAMA_GUARD_MODEL, ...(env.SAFETY_LLAMA_GUARD_API_KEY ? { apiKey: env.SAFETY_LLAMA_GUARD_API_KEY } : {}) };
}

/** The jobs' webhook settings: the signing secret and the hosts allowed. */
export function webhooksFromEnv(env: MultimodalSharedEnvValues): Pick<VideoJobsConfig, 'webhookSecret' | 'webhookAllowHosts'> {
  return {
    ...(env.JOB_WEBHOOK_SECRET ? { webhookSecret: env.JOB_WEBHOOK_SECRET } : {}),
    webhookAllowHosts: (env.JOB_WEBHOOK_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
  };
}
