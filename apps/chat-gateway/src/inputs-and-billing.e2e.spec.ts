import OpenAI from 'openai';
import sharp from 'sharp';
import { BillingRepository } from '@frontier/multimodal-data-access';
import { estimateImageTokens } from '@frontier/multimodal-domain';
import { BillingService, RejectionsService, type KeySpendResponse } from '@frontier/multimodal-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

const b64 = (b: Buffer) => b.toString('base64');

describe('chat-gateway: bad inputs refused naming the part, nothing billed; streams billed exactly, cancelled ones for what was produced (loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let client: OpenAI;
  let prisma: PrismaService;
  let png: Buffer;

  const post = (body: unknown) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const events = () => prisma.multimodalBillingEvent.count();
  const user = (content: unknown) => ({ model: world.llm.model, messages: [{ role: 'user', content }] });
  const image = (url: string) => ({ type: 'image_url', image_url: { url } });

  beforeAll(async () => {
    world = await startWorld('inputs');
    gw = await world.start({ GATEWAY_MAX_IMAGES: '3' });
    client = new OpenAI({ apiKey: world.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    prisma = gw.app.get(PrismaService);
    png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } }).png().toBuffer();
  }, 60_000);
  afterAll(() => world.close(), 30_000);

  const cases: Array<[string, () => unknown, RegExp, string]> = [
    ['an unknown part type', () => user([{ type: 'hologram', hologram: {} }]), /messages\[0\]\.content\[0\]\.type/, 'unknown_part_type'],
    ['bad base64 in a data: URL', () => user([image('data:image/png;base64,iVBORw0K!!!')]), /messages\[0\]\.content\[0\]/, 'bad_base64'],
    ['a truncated PNG', () => user([image(`data:image/png;base64,${b64(png.subarray(0, png.length - 20))}`)]), /messages\[0\]\.content\[0\]/, 'truncated'],
    ['text behind an image MIME and extension', () => user([{ type: 'file', file: { file_data: `data:image/png;base64,${b64(Buffer.from('just some text, not a picture'))}`, filename: 'x.png' } }, image(`data:image/png;base64,${b64(Buffer.from('hello, not a png at all'))}`)]), /messages\[0\]\.content\[1\]/, 'kind_mismatch'],
    ['a WAV inside image_url', () => user([image(`data:image/png;base64,${b64(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]))}`)]), /messages\[0\]\.content\[0\]/, ''],
    ['too many images', () => user([1, 2, 3, 4].map(() => image(`data:image/png;base64,${b64(png)}`))), /messages\[0\]\.content\[3\]/, 'too_many_images'],
    ['an image in an assistant turn', () => ({ model: world.llm.model, messages: [{ role: 'assistant', content: [image(`data:image/png;base64,${b64(png)}`)] }, { role: 'user', content: 'hi' }] }), /messages\[0\]\.content\[0\]\.type/, ''],
    ['a remote URL with no host allowed', () => user([image('https://example.com/cat.png')]), /messages\[0\]\.content\[0\]\.image_url\.url/, 'host_not_allowed'],
    ['an unknown top-level argument', () => ({ ...user('hi'), temprature: 0.2 }), /temprature/, 'unknown_parameter'],
    ['a lone surrogate in text', () => user('bad \udc00 text'), /messages(\[0\]|\.0)\.content/, ''],
  ];

  it.each(cases)('%s → 400 naming the part, nothing billed', async (_name, body, field, code) => {
    const before = await events();
    const res = await post(body());
    const json = (await res.json()) as { error: { message: string; param: string | null; code: string | null; type: string } };
    expect(res.status).toBe(400);
    expect(json.error.type).toBe('invalid_request_error');
    expect(`${json.error.param ?? ''} ${json.error.message}`).toMatch(field);
    if (code) expect(json.error.code).toBe(code);
    expect(await events()).toBe(before);
    expect(world.llm.stats.chatRequests).toBe(0);
  });

  it('an oversized body is refused with 413, nothing billed', async () => {
    const before = await events();
    const res = await post(user([{ type: 'text', text: 'x'.repeat(49 * 1024 * 1024) }]));
    expect(res.status).toBe(413);
    expect(await events()).toBe(before);
  }, 30_000); // 49 MiB sent over loopback: slow on a loaded machine

  it('every refusal above is counted for the key by reason and day, no request text kept (GET /v1/usage/keys); a bad `days` is a 400 naming it', async () => {
    await gw.app.get(RejectionsService).flush();
    const get = (q = '') => fetch(`${gw.url}/v1/usage/keys${q}`, { headers: { authorization: `Bearer ${world.key}` } });
    const body = (await (await get()).json()) as KeySpendResponse;
    const mine = body.data.find((k) => k.key_id === world.keyId);
    expect(mine?.rejected.by_reason).toEqual({ invalid: cases.length, too_large: 1 });
    expect(mine?.rejected.by_day.every((d) => d.day === body.day)).toBe(true);
    expect(mine?.limits).toEqual({ rpm: 0, tpm: 0, daily_budget_usd: 0, monthly_budget_usd: 0 });
    expect(body.days).toHaveLength(7);
    expect(Object.keys((await prisma.multimodalRejection.findFirstOrThrow()) as object).sort()).toEqual(['count', 'day', 'keyId', 'lastAt', 'reason', 'tenantId']);
    const bad = await get('?days=0');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string; message: string } }).error).toMatchObject({ param: 'days', message: 'days must be from 1 to 90' });
  });

  it('bills a completed stream exactly (the upstream’s own token count) and expands it into usage rows by modality', async () => {
    const stream = await client.chat.completions.create({
      model: world.llm.model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${b64(png)}` } }] }],
    });
    let usage: OpenAI.CompletionUsage | undefined;
    let id = '';
    for await (const c of stream) {
      id = c.id;
      if (c.usage) usage = c.usage;
    }
    const repo = gw.app.get(BillingRepository);
    const event = await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: id } });
    expect(event.status).toBe('completed');
    await gw.app.get(BillingService).expand(event.id);
    const rows = await prisma.multimodalUsage.findMany({ where: { requestId: id } });
    const out = rows.find((r) => r.direction === 'output');
    expect(out?.tokens).toBe(usage?.completion_tokens);
    expect(rows.find((r) => r.modality === 'image')?.tokens).toBe(estimateImageTokens('llava-1.5', { width: 64, height: 48 }));
    expect(await repo.pendingEvents(new Date(), 10)).toEqual([]);
    const summary = (await (await fetch(`${gw.url}/v1/usage?group_by=modality`, { headers: { authorization: `Bearer ${world.key}` } })).json()) as { data: Array<{ group: string; tokens: number; cost_usd: number }> };
    expect(summary.data.map((d) => d.group).sort()).toEqual(['image', 'text']);
    expect(summary.data.every((d) => d.cost_usd > 0)).toBe(true);
  });

  it('a cancelled stream aborts the upstream and is billed for the tokens produced', async () => {
    world.llm.tokenDelayMs = 40;
    world.llm.scriptReplies('one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty');
    const ctl = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: world.llm.model, stream: true, messages: [{ role: 'user', content: 'count for me' }] }),
      signal: ctl.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!/five/.test(seen)) seen += new TextDecoder().decode((await reader.read()).value);
    const id = /"id":"(chatcmpl-[0-9a-f]+)"/.exec(seen)?.[1] ?? '';
    ctl.abort();
    const deadline = Date.now() + 5_000;
    let event = null;
    while (!event && Date.now() < deadline) {
      event = await prisma.multimodalBillingEvent.findUnique({ where: { requestId: id } });
      if (!event) await new Promise((r) => setTimeout(r, 50));
    }
    world.llm.tokenDelayMs = 0;
    expect(event?.status).toBe('cancelled');
    const lines = event?.lines as Array<{ direction: string; tokens: number }>;
    const produced = lines.find((l) => l.direction === 'output')?.tokens ?? 0;
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(40); // far fewer than the whole reply would have been
    await new Promise((r) => setTimeout(r, 100));
    expect(world.llm.stats.clientDisconnects).toBeGreaterThan(0);
  });
});
