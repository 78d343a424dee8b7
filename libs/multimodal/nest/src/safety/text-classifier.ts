/**
 * The text safety port and its two adapters: Llama Guard 3 served by any OpenAI-compatible server
 * (vLLM: the model's chat template builds the guard prompt; the completion is `safe` or `unsafe\nS…`),
 * and the offline phrase rules (the default). A Llama Guard answer that is not a verdict fails
 * closed: the request is answered 503, never let through unchecked.
 */
import { createOpenAiChatModel } from '@frontier/ml-llm';
import { classifyTextByRules, parseLlamaGuard, type TextVerdict } from '@frontier/multimodal-domain';
import { FrontierError } from '@frontier/platform-util';

export interface TextSafetyClassifier {
  /** `rules` or `llama-guard:<model>`: reported in the response's safety metadata. */
  readonly id: string;
  classify(text: string, signal: AbortSignal): Promise<TextVerdict>;
}

export function createRulesClassifier(): TextSafetyClassifier {
  return { id: 'rules', classify: async (text) => classifyTextByRules(text) };
}

export interface LlamaGuardOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

/** The text classifier a config names (the gateway's and the worker's env: GATEWAY_TEXT_SAFETY, SAFETY_LLAMA_GUARD_*). */
export type TextSafetyConfig = { kind: 'rules' } | ({ kind: 'llama-guard' } & LlamaGuardOptions);

export function createTextClassifier(c: TextSafetyConfig): TextSafetyClassifier {
  return c.kind === 'llama-guard' ? createLlamaGuardClassifier(c) : createRulesClassifier();
}

export function createLlamaGuardClassifier(o: LlamaGuardOptions): TextSafetyClassifier {
  const llm = createOpenAiChatModel({ baseUrl: o.baseUrl, model: o.model, apiKey: o.apiKey, timeoutMs: o.timeoutMs ?? 10_000 });
  return {
    id: `llama-guard:${o.model}`,
    async classify(text, signal) {
      let out: string;
      try {
        out = (await llm.complete({ messages: [{ role: 'user', content: text }], maxTokens: 20, temperature: 0, signal })).content;
      } catch (e) {
        if (signal.aborted) throw e;
        throw new FrontierError('unavailable', 'safety_unavailable', 'The content safety check is not available; try again shortly', { retryAfterS: 5, cause: e });
      }
      const v = parseLlamaGuard(out);
      if (!v) throw new FrontierError('unavailable', 'safety_unavailable', 'The content safety check gave no verdict; try again shortly', { retryAfterS: 5 });
      return v;
    },
  };
}
