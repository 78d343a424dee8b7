import OpenAI from 'openai';
import sharp from 'sharp';
import { decodeSse } from '@frontier/multimodal-domain';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

/** A PNG of `w`×`h` (a plain colour card). */
async function png(w: number, h: number): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toBuffer();
}
const dataUrl = (mime: string, b: Buffer) => `data:${mime};base64,${b.toString('base64')}`;

describe('chat-gateway driven by the official openai SDK (loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    world = await startWorld('sdk');
    gw = await world.start({ IMAGE_TOOL: 'render' });
    client = new OpenAI({ apiKey: world.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  }, 60_000);
  afterAll(() => world.close(), 30_000);
  beforeEach(() => world.llm.reset());

  it('answers a text request, non-streaming, with usage', async () => {
    const r = await client.chat.completions.create({ model: world.llm.model, messages: [{ role: 'user', content: 'What do you remember about coffee?' }] });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams the same text with stream_options.include_usage', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about trains' }];
    const whole = await client.chat.completions.create({ model: world.llm.model, messages });
    const stream = await client.chat.completions.create({ model: world.llm.model, messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(whole.choices[0].message.content);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
    expect(world.llm.lastRequestBody?.stream_options).toEqual({ include_usage: true });
  });

  it('plans a text + image request before encoding, sends the resized image upstream, and streams named events', async () => {
    const image = await png(1280, 960);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json', 'x-frontier-events': '1' },
      body: JSON.stringify({
        model: world.llm.model,
        stream: true,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: dataUrl('image/png', image) } }] }],
      }),
    });
    const text = await res.text();
    expect({ status: res.status, text: res.status === 200 ? '' : text }).toEqual({ status: 200, text: '' });
    const frames = decodeSse(text);
    const names = frames.map((f) => f.event ?? 'data');
    expect(names[0]).toBe('response.created');
    expect(names).toEqual(expect.arrayContaining(['response.output_text.delta', 'billing', 'response.completed']));
    expect(names.indexOf('billing')).toBeLessThan(names.indexOf('response.completed'));
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const created = JSON.parse(frames[0].data) as { budget: { by_modality: Record<string, number>; images: Array<{ tokens: number }> } };
    expect(created.budget.by_modality.image).toBe(576); // llava-1.5: 576 tokens per image, whatever its size
    const completed = JSON.parse(frames.find((f) => f.event === 'response.completed')?.data ?? '{}') as { usage: { by_modality: Record<string, { input_tokens: number }> } };
    expect(completed.usage.by_modality.image.input_tokens).toBe(576);
    // the upstream got the image resized by the encoder, not the original bytes
    const sent = world.llm.lastRequestBody?.messages?.[0].content as Array<{ type: string; image_url?: { url: string } }>;
    const url = sent.find((p) => p.type === 'image_url')?.image_url?.url ?? '';
    const meta = await sharp(Buffer.from(url.split(',')[1], 'base64')).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(336);
  });

  it('degrades images before refusing, and refuses with 400 context_length_exceeded as the SDK’s BadRequestError', async () => {
    const image = await png(800, 600);
    const many = Array.from({ length: 12 }, () => ({ type: 'image_url' as const, image_url: { url: dataUrl('image/png', image) } }));
    // 12 × 576 = 6912 tokens + the reserve does not fit 8192 at 336 px; at 280 px (400 each) it does
    const fits = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json', 'x-frontier-events': '1' },
      body: JSON.stringify({ model: world.llm.model, stream: true, max_tokens: 2000, messages: [{ role: 'user', content: [{ type: 'text', text: 'compare' }, ...many] }] }),
    });
    const created = JSON.parse(decodeSse(await fits.text())[0].data) as { budget: { steps: string[]; by_modality: { image: number } } };
    expect(created.budget.steps.length).toBeGreaterThan(0);
    expect(created.budget.by_modality.image).toBeLessThan(12 * 576);

    const err = await client.chat.completions
      .create({ model: world.llm.model, max_tokens: 4000, messages: [{ role: 'user', content: [{ type: 'text', text: 'x '.repeat(12000) }, ...many] }] })
      .catch((e: unknown) => e);
    if (!(err instanceof OpenAI.BadRequestError)) throw new Error(`not a BadRequestError: ${JSON.stringify(err)}`);
    const e = err as InstanceType<typeof OpenAI.BadRequestError> & { error: { details: { estimated: number; limit: number; tried: string[] } } };
    expect(e.status).toBe(400);
    expect(e.code).toBe('context_length_exceeded');
    expect(e.error.details.limit).toBe(8192);
    expect(e.error.details.estimated).toBeGreaterThan(4192);
    expect(e.error.details.tried.length).toBeGreaterThan(0);
    expect(e.message).toMatch(/context/i);
  });

  it('runs the image tool: placeholder, then the image, then the model answers', async () => {
    world.llm.scriptToolCall({ name: 'generate_image', arguments: '{"prompt": "a red bicycle at dusk"}' });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json', 'x-frontier-events': '1' },
      body: JSON.stringify({ model: world.llm.model, stream: true, messages: [{ role: 'user', content: 'Draw me a red bicycle' }] }),
    });
    const frames = decodeSse(await res.text());
    const names = frames.map((f) => f.event ?? 'data');
    expect(names.indexOf('image.placeholder')).toBeGreaterThan(-1);
    expect(names.indexOf('image.placeholder')).toBeLessThan(names.indexOf('image.completed'));
    const completed = JSON.parse(frames.find((f) => f.event === 'image.completed')?.data ?? '{}') as { b64_json: string };
    expect((await sharp(Buffer.from(completed.b64_json, 'base64')).metadata()).format).toBe('png');
    // the model got the tool's observation and answered in text after it
    const last = world.llm.lastRequestBody?.messages ?? [];
    expect(last.at(-1)).toMatchObject({ role: 'tool', content: expect.stringMatching(/generated/) });
    expect(names.lastIndexOf('response.output_text.delta')).toBeGreaterThan(names.indexOf('image.completed'));
  });

  it('tells the model when the image tool fails, and the model answers in text', async () => {
    world.llm.scriptToolCall({ name: 'generate_image', arguments: '{"size": "512x512"}' }); // no prompt: the tool fails
    const r = await client.chat.completions.create({ model: world.llm.model, messages: [{ role: 'user', content: 'Draw something' }] });
    expect(r.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(world.llm.lastRequestBody?.messages?.at(-1)).toMatchObject({ role: 'tool', content: expect.stringMatching(/^error: image generation failed/) });
  });

  it('translates vLLM’s in-stream error into OpenAI’s, which the SDK raises', async () => {
    world.llm.failNext({ type: 'stream_error', afterTokens: 2, message: 'engine died', code: 500 });
    const stream = await client.chat.completions.create({ model: world.llm.model, stream: true, messages: [{ role: 'user', content: 'hello there' }] });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String((err as Error).message)).toMatch(/engine died/);
    expect(seen.join('').length).toBeGreaterThan(0);
  });

  it('an unreachable or overloaded upstream is a 503 with Retry-After (the SDK’s InternalServerError), never a 500 or a hang', async () => {
    world.llm.failNext({ type: 'http', status: 503, retryAfter: '0' }, 3); // the client's 2 retries too
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: world.llm.model, stream: true, messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    world.llm.failNext({ type: 'http', status: 400, message: 'prompt too long for this engine' });
    const err = await client.chat.completions.create({ model: world.llm.model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String((err as Error).message)).toMatch(/prompt too long/);
  });

  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([world.llm.model]);
  });

  it('answers 401 in OpenAI’s shape (the SDK’s AuthenticationError)', async () => {
    const bad = new OpenAI({ apiKey: 'sk-nope', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: world.llm.model, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
