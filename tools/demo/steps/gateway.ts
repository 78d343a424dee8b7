import OpenAI from 'openai';
import sharp from 'sharp';
import { startLoopbackLlmServer } from '@frontier/ml-llm';
import { decodeSse } from '@frontier/multimodal-domain';
import { call, exitOf, head, line, ok, start, startHttpApp, until, type DemoContext } from '../lib';

/** A "screenshot" with text in it, made here (sharp renders an SVG): the OCR input of the demo. */
async function screenshot(lines: string[]): Promise<Buffer> {
  const text = lines.map((l, i) => `<text x="24" y="${56 + i * 44}" font-family="DejaVu Sans, sans-serif" font-size="30" fill="#111">${l}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="${80 + lines.length * 44}"><rect width="100%" height="100%" fill="#fff"/><rect x="8" y="8" width="884" height="${64 + lines.length * 44}" fill="none" stroke="#999"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
const usd = (x: number) => `$${x.toFixed(6)}`;

/**
 * The multimodal gateway as real processes — chat-gateway, encoder-worker (OCR + NSFW over NATS) and
 * multimodal-worker (billing) — with a loopback OpenAI-compatible upstream (a stand-in that makes
 * up words: no LLM weights ship here), driven through the official `openai` npm SDK.
 */
export async function gateway(ctx: DemoContext): Promise<void> {
  head('Multimodal chat gateway (real processes; the official openai SDK as the client)');
  if (!ctx.apiKey) throw new Error('the platform step must run first (it issues the API key)');
  const llm = await startLoopbackLlmServer({ model: 'demo-vlm' });
  try {
    const channel = `demo${Date.now().toString(36)}`;
    const encoders = { ENCODERS: 'nats', ENCODER_CHANNEL_PREFIX: channel, ENCODER_TRANSPORTS: 'nats' };
    const encoderWorker = exitOf(start('encoder-worker', 'apps/encoder-worker/src/main.ts', encoders), 'encoder-worker');
    start('multimodal-worker', 'apps/multimodal-worker/src/main.ts', {});
    const base = await startHttpApp('chat-gateway', 'apps/chat-gateway/src/main.ts', {
      ...encoders,
      UPSTREAM_BASE_URL: llm.baseUrl,
      UPSTREAM_MODEL: llm.model,
      GATEWAY_PROFILE: 'llava-1.5',
      GATEWAY_CONTEXT_TOKENS: '4096',
      // a text-only upstream: images reach it as the text OCR reads from them
      GATEWAY_VISION: 'false',
      IMAGE_TOOL: 'render',
    });
    ctx.urls = { ...ctx.urls, gateway: base };
    // the encoder worker loads its models (OCR, NSFW) while the gateway starts: a 1-token request with a tiny image until it answers
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).png().toBuffer();
    const probe = { model: llm.model, max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl(tiny) } }] }] };
    await Promise.race([until('the encoder worker', async () => ((await call(base, 'POST', '/v1/chat/completions', probe, ctx.apiKey)).status === 200 ? true : undefined), 180_000), encoderWorker]);
    ok(`chat-gateway ${base}, encoder-worker (OCR + NSFW, over NATS) and multimodal-worker (billing) started; upstream: loopback stand-in ${llm.baseUrl}`);
    const client = new OpenAI({ apiKey: ctx.apiKey, baseURL: `${base}/v1`, maxRetries: 2 });
    ok(`GET /v1/models → ${(await client.models.list()).data.map((m) => m.id).join(', ')}`);

    // 1. text + a screenshot, streamed through the SDK
    const shot = await screenshot(['Invoice 4821', 'Total due 1250 EUR', 'Pay by 15 December']);
    const stream = await client.chat.completions.create({
      model: llm.model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'When is this invoice due, and how much?' }, { type: 'image_url', image_url: { url: dataUrl(shot) } }] }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const c of stream) {
      chunks += 1;
      text += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = c.usage;
    }
    ok(`text + screenshot, streamed: ${chunks} chunks, usage ${usage?.prompt_tokens} in / ${usage?.completion_tokens} out`);
    line(`    reply (the stand-in's words): ${text}`);
    const seen = llm.lastRequestBody?.messages?.[0]?.content;
    const ocr = (Array.isArray(seen) ? seen.map((p) => p.text ?? '').join(' ') : String(seen)).match(/\[Image 1[^\]]*\]/)?.[0];
    line(`    the upstream saw the image as: ${(ocr ?? '(no OCR text)').replace(/\n/g, ' / ')}`);

    // 2. a request too large for the 4,096-token context: the plan degrades it before any encoder runs
    const pic = await screenshot(['Photo of a whiteboard']);
    const history = Array.from({ length: 12 }, (_, i) => [
      { role: 'user' as const, content: `Earlier question ${i}: ${'tell me more about the quarterly numbers and the plan '.repeat(12)}` },
      { role: 'assistant' as const, content: `Earlier answer ${i}: ${'the numbers went up and the plan holds '.repeat(12)}` },
    ]).flat();
    const images = Array.from({ length: 5 }, () => ({ type: 'image_url' as const, image_url: { url: dataUrl(pic) } }));
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.apiKey}`, 'content-type': 'application/json', 'x-frontier-events': '1' },
      body: JSON.stringify({ model: llm.model, stream: true, max_tokens: 800, messages: [...history, { role: 'user', content: [{ type: 'text', text: 'Compare these five photos' }, ...images] }] }),
    });
    const frames = decodeSse(await res.text());
    const created = JSON.parse(frames.find((f) => f.event === 'response.created')?.data ?? '{}') as { budget: { estimated_tokens: number; limit_tokens: number; steps: string[]; by_modality: Record<string, number>; dropped_turns: number[] } };
    const billing = JSON.parse(frames.find((f) => f.event === 'billing')?.data ?? '{}') as { lines: Array<{ modality: string; direction: string; tokens: number; units: number; unit: string; costUsd: number }>; total_usd: number };
    ok(`too large as sent (24 turns + 5 images into 4,096 tokens): planned to ${created.budget.estimated_tokens} tokens + 800 reserved ≤ ${created.budget.limit_tokens}`);
    for (const s of created.budget.steps) line(`    degraded: ${s}`);
    line(`    by modality: ${Object.entries(created.budget.by_modality).map(([m, t]) => `${m} ${t}`).join(', ')}`);
    line(`    bill: ${billing.lines.map((l) => `${l.modality}/${l.direction} ${l.tokens} tok ${usd(l.costUsd)}`).join('; ')} — total ${usd(billing.total_usd)}`);

    // 3. one that cannot fit at all: OpenAI's 400 context_length_exceeded, as the SDK's typed error
    const err = await client.chat.completions.create({ model: llm.model, max_tokens: 3000, messages: [{ role: 'user', content: 'summarise: ' + 'lorem ipsum dolor sit amet '.repeat(900) }] }).catch((e: unknown) => e);
    if (err instanceof OpenAI.BadRequestError) {
      const details = (err.error as { details?: { estimated: number; limit: number; tried: string[] } }).details;
      ok(`impossible request → ${err.status} ${err.code} (openai.BadRequestError): estimated ${details?.estimated} > limit ${details?.limit}; tried ${details?.tried.length ?? 0} step(s)`);
      line(`    ${err.message}`);
    } else throw new Error(`expected a 400 context_length_exceeded, got ${String(err)}`);

    // 4. the image tool: placeholder → image → the model goes on
    llm.scriptToolCall({ name: 'generate_image', arguments: '{"prompt": "a lighthouse at dawn"}' });
    const tool = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.apiKey}`, 'content-type': 'application/json', 'x-frontier-events': '1' },
      body: JSON.stringify({ model: llm.model, stream: true, messages: [{ role: 'user', content: 'Draw a lighthouse at dawn' }] }),
    });
    const named = decodeSse(await tool.text()).flatMap((f) => (f.event ? [f.event] : []));
    ok(`image tool call → ${[...new Set(named)].filter((e) => e.startsWith('image.')).join(' → ')} (then the model's text)`);

    // 5. spend by modality, from Postgres usage rows the multimodal-worker wrote from the billing events
    const usage2 = await until('usage rows', async () => {
      const u = await call(base, 'GET', '/v1/usage?group_by=modality', undefined, ctx.apiKey);
      const data = u.body['data'] as Array<{ group: string; tokens: number; cost_usd: number }> | undefined;
      return data && data.length >= 2 ? data : undefined;
    });
    ok(`GET /v1/usage?group_by=modality → ${usage2.map((d) => `${d.group}: ${d.tokens} tokens ${usd(d.cost_usd)}`).join('; ')}`);
  } finally {
    await llm.close();
  }
}
