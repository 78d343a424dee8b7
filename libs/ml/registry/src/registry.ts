import type { ChatModel, ImageSafetyClassifier, ModelRole, OcrEngine, SpeechRecognizer, TextEmbedder, VoiceActivityDetector } from '@frontier/ml-ports';
import { ModelUnavailableError } from '@frontier/ml-ports';
import type { ModelsConfig, RoleConfig } from './config';

export interface RoleModels {
  embedding: TextEmbedder;
  vad: VoiceActivityDetector;
  ocr: OcrEngine;
  nsfw: ImageSafetyClassifier;
  asr: SpeechRecognizer;
  llm: ChatModel;
}

type Closable = { close?: () => Promise<void> };

function need<T>(value: T | undefined, c: RoleConfig, what: string): T {
  if (value === undefined) throw new ModelUnavailableError(c.role, c.adapter, `${what} is not configured`);
  return value;
}

/** Builds the adapter a role is configured for. Heavy modules load only when their role is used. */
async function build(c: RoleConfig): Promise<unknown> {
  const key = `${c.role}:${c.adapter}`;
  switch (key) {
    case 'embedding:use':
      return (await import('@frontier/ml-embeddings')).createUseEmbedder();
    case 'embedding:onnx-dir':
      return (await import('@frontier/ml-embeddings')).createOnnxDirEmbedder({ dir: need(c.path, c, 'the model directory') });
    case 'embedding:openai':
      return (await import('@frontier/ml-embeddings')).createOpenAiEmbedder({
        baseUrl: need(c.baseUrl, c, 'the base URL'),
        model: need(c.model, c, 'the model name'),
        ...(c.apiKey ? { apiKey: c.apiKey } : {}),
        ...(c.dimension ? { dimension: c.dimension } : {}),
      });
    case 'vad:silero':
      return (await import('@frontier/ml-audio')).createSileroVad(c.path ? { modelPath: c.path } : {});
    case 'asr:pocketsphinx':
      return (await import('@frontier/ml-audio')).createPocketsphinxAsr();
    case 'asr:whisper-onnx':
      return (await import('@frontier/ml-audio')).createWhisperOnnxAsr({ dir: need(c.path, c, 'the model directory') });
    case 'asr:openai':
      return (await import('@frontier/ml-audio')).createOpenAiAsr({
        baseUrl: need(c.baseUrl, c, 'the base URL'),
        model: need(c.model, c, 'the model name'),
        ...(c.apiKey ? { apiKey: c.apiKey } : {}),
      });
    case 'ocr:paddle':
      return (await import('@frontier/ml-vision')).createPaddleOcr(c.path ? { modelDir: c.path } : {});
    case 'nsfw:nsfwjs':
      return (await import('@frontier/ml-vision')).createNsfwjs();
    case 'nsfw:onnx-dir':
      return (await import('@frontier/ml-vision')).createOnnxImageClassifier({ dir: need(c.path, c, 'the model directory') });
    case 'llm:openai':
      return (await import('@frontier/ml-llm')).createOpenAiChatModel({
        baseUrl: need(c.baseUrl, c, 'the base URL'),
        model: need(c.model, c, 'the model name'),
        ...(c.apiKey ? { apiKey: c.apiKey } : {}),
      });
    case 'llm:llama-cpp':
      // node-llama-cpp (native, ESM) loads only when this adapter is configured
      return (await import('@frontier/ml-llama-cpp')).createLlamaCppChatModel({
        modelPath: need(c.path, c, 'the GGUF file'),
        ...(c.contextSize ? { contextSize: c.contextSize } : {}),
        ...(c.threads ? { threads: c.threads } : {}),
        ...(c.gpu ? { gpu: c.gpu } : {}),
      });
    case 'llm:none':
      throw new ModelUnavailableError('llm', 'none', 'no LLM is configured (set ML_LLM=openai:<base url>#<model> or ML_LLM=llama-cpp:<file.gguf>); offline defaults are used instead');
    default:
      throw new ModelUnavailableError(c.role, c.adapter, `no factory for adapter ${c.adapter}`);
  }
}

/**
 * The one place apps get models from: `await registry.get('embedding')`. Each role is built once,
 * on first use, from the resolved config (env / MODELS_CONFIG); `close()` releases them all.
 */
export class ModelRegistry {
  private readonly built = new Map<ModelRole, Promise<unknown>>();

  constructor(readonly config: ModelsConfig) {}

  /** Whether a role has a model (only `llm` can be `none`). */
  configured(role: ModelRole): boolean {
    return this.config.roles[role].adapter !== 'none';
  }

  get<R extends ModelRole>(role: R): Promise<RoleModels[R]> {
    let p = this.built.get(role);
    if (!p) {
      p = build(this.config.roles[role]).catch((e: unknown) => {
        this.built.delete(role); // a failed load may succeed later (a server comes up)
        if (e instanceof ModelUnavailableError) throw e;
        throw new ModelUnavailableError(role, this.config.roles[role].adapter, e instanceof Error ? e.message : String(e), { cause: e });
      });
      this.built.set(role, p);
    }
    return p as Promise<RoleModels[R]>;
  }

  /** The LLM when configured, else undefined (callers fall back to their offline path). */
  async optionalLlm(): Promise<ChatModel | undefined> {
    return this.configured('llm') ? this.get('llm') : undefined;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.built.values()]);
    this.built.clear();
    await Promise.all(all.map((r) => (r.status === 'fulfilled' ? (r.value as Closable).close?.() : undefined)));
  }
}
