/**
 * Image output as a tool: the gateway offers the model a `generate_image` function; when the model
 * calls it the gateway streams `image.placeholder`, runs the generator, streams `image.completed`
 * (or tells the model the tool failed, so it answers in text), then lets the model continue.
 */
export const IMAGE_TOOL_NAME = 'generate_image';

export const IMAGE_TOOL_SPEC = {
  name: IMAGE_TOOL_NAME,
  description: 'Generate an image from a text prompt and show it to the user.',
  parameters: {
    type: 'object',
    properties: { prompt: { type: 'string', description: 'What the image shows' }, size: { type: 'string', enum: ['256x256', '512x512', '1024x1024'] } },
    required: ['prompt'],
  },
};

export interface GeneratedImage {
  mime: 'image/png';
  b64: string;
  width: number;
  height: number;
}

/** The image generation port: an OpenAI-compatible `/v1/images/generations` server in production. */
export interface ImageGenerator {
  readonly id: string;
  generate(prompt: string, size: { width: number; height: number }, signal?: AbortSignal): Promise<GeneratedImage>;
}

/** `POST {baseUrl}/images/generations` with `response_format: b64_json` (OpenAI, LocalAI, vLLM-omni…). */
export function createOpenAiImageGenerator(config: { baseUrl: string; apiKey?: string; model: string; timeoutMs?: number }): ImageGenerator {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/images/generations`;
  return {
    id: `openai-images:${config.model}`,
    async generate(prompt, size, signal) {
      const timeout = AbortSignal.timeout(config.timeoutMs ?? 60_000);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
        body: JSON.stringify({ model: config.model, prompt, n: 1, size: `${size.width}x${size.height}`, response_format: 'b64_json' }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (!res.ok) throw new Error(`image generation answered ${res.status}`);
      const body = (await res.json()) as { data?: Array<{ b64_json?: string }> };
      const b64 = body.data?.[0]?.b64_json;
      if (typeof b64 !== 'string' || b64 === '') throw new Error('image generation returned no image');
      return { mime: 'image/png', b64, width: size.width, height: size.height };
    },
  };
}

/** Parses the tool call's JSON arguments: `{prompt, size?}`; throws with a reason the model can read. */
export function parseImageToolArgs(raw: string): { prompt: string; width: number; height: number } {
  let args: unknown;
  try {
    args = JSON.parse(raw);
  } catch {
    throw new Error('arguments are not JSON');
  }
  const o = (typeof args === 'object' && args !== null ? args : {}) as { prompt?: unknown; size?: unknown };
  if (typeof o.prompt !== 'string' || o.prompt.trim() === '') throw new Error('prompt is required');
  const m = typeof o.size === 'string' ? /^(256|512|1024)x(256|512|1024)$/.exec(o.size) : null;
  return { prompt: o.prompt.slice(0, 4000), width: m ? Number(m[1]) : 512, height: m ? Number(m[2]) : 512 };
}
