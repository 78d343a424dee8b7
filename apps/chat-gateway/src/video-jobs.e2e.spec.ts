import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeVideo } from '@frontier/multimodal-encoders/testing';
import { verifyWebhook } from '@frontier/multimodal-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';
import { spawnWorker, type SpawnedApp } from './testing/processes';

type LoopbackPart = { type: string; text?: string };
const SECRET = 'a-webhook-secret-for-tests';

describe('chat-gateway async video jobs: a 60-s clip → 202 + job id → multimodal-worker (a real process, BullMQ) makes its context → GET /v1/jobs/:id, a signed webhook, the result as context in a follow-up (ffmpeg-made clip; loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let prisma: PrismaService;
  let worker: SpawnedApp;
  let hooks: Server;
  let hookUrl = '';
  const received: Array<{ body: string; signature: string }> = [];

  const headers = () => ({ authorization: `Bearer ${world.key}`, 'content-type': 'application/json' });
  const post = (content: unknown, extra: Record<string, string> = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...headers(), ...extra }, body: JSON.stringify({ model: world.llm.model, max_tokens: 16, messages: [{ role: 'user', content }] }) });
  const video = (bytes: Buffer) => ({ type: 'video_url', video_url: { url: `data:video/mp4;base64,${bytes.toString('base64')}` } });
  const getJob = async (id: string) => (await fetch(`${gw.url}/v1/jobs/${id}`, { headers: headers() })).json() as Promise<Record<string, unknown>>;

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-frontier-signature'] ?? '') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/jobs`;
    world = await startWorld('videojobs');
    const env = { ENCODER_OCR: 'true', GATEWAY_VISION: 'false', JOB_WEBHOOK_SECRET: SECRET, JOB_WEBHOOK_HOSTS: '127.0.0.1' };
    gw = await world.start(env);
    prisma = gw.app.get(PrismaService);
    worker = spawnWorker('apps/multimodal-worker/src/main.ts', {
      DATABASE_URL: world.db.url,
      REDIS_URL: world.redis.url,
      REDIS_PREFIX: world.redis.prefix,
      ENCODERS: 'inline',
      ENCODER_OCR: 'true',
      ENCODER_NSFW: 'false',
      JOB_WEBHOOK_SECRET: SECRET,
      JOB_WEBHOOK_HOSTS: '127.0.0.1',
    });
  }, 120_000);
  afterAll(async () => {
    worker?.child.kill();
    await world.close();
    await new Promise((r) => hooks.close(r));
  }, 30_000);

  it('a 60-s clip is accepted as a job that completes: its frame text at 0:30 is in the result, the webhook is signed, a follow-up uses it, frames are billed', async () => {
    const clip = makeVideo({ durationS: 60, fps: 5, text: { value: 'INVOICE 42', fromS: 29.9, toS: 31.5 }, tone: 440, width: 480, height: 270 });
    const res = await post([{ type: 'text', text: 'What is written in this video?' }, video(clip)], { 'x-frontier-webhook': hookUrl });
    const accepted = (await res.json()) as { id: string; object: string; status: string; part: string };
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${accepted.id}`);
    expect(accepted).toMatchObject({ object: 'multimodal.job', status: 'queued', part: 'messages[0].content[1]' });
    expect(world.llm.stats.chatRequests).toBe(0); // nothing reached the upstream

    let job: Record<string, unknown> = {};
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      job = await getJob(accepted.id);
      if (job['status'] === 'completed' || job['status'] === 'failed') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (job['status'] !== 'completed') throw new Error(`job ${JSON.stringify(job)}\nworker log:\n${worker.log()}`);
    const result = job['result'] as { prompt_text: string; frames: Array<{ at: string; text: string | null }>; duration_s: number };
    expect(result.frames).toHaveLength(60);
    expect(result.frames.filter((f) => f.text).map((f) => f.at)).toEqual(['0:30', '0:31']);
    expect(result.prompt_text).toMatch(/at 0:30, text read from the frame: INVOICE ?42/i);
    expect(job['usage_hint']).toEqual({ type: 'file', file: { file_id: accepted.id } });

    // the webhook: delivered once, signed with the shared secret
    const until = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    expect(verifyWebhook(SECRET, received[0].body, received[0].signature)).toBe(true);
    expect(JSON.parse(received[0].body)).toMatchObject({ id: accepted.id, status: 'completed' });

    // the follow-up: the job's context as a file part reaches the upstream
    const follow = await post([{ type: 'text', text: 'What is written in this video?' }, { type: 'file', file: { file_id: accepted.id } }]);
    expect(follow.status).toBe(200);
    const sent = (world.llm.lastRequestBody?.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : (m.content as LoopbackPart[]).map((p) => p.text ?? '').join('\n'))).join('\n');
    expect(sent).toMatch(/INVOICE ?42/i);

    // billed once, as job_<id>: 60 frames
    const event = await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: accepted.id } });
    const frames = (event.lines as Array<{ modality: string; unit: string; units: number }>).find((l) => l.modality === 'video' && l.unit === 'frames');
    expect(frames?.units).toBe(60);
  }, 300_000);

  it('an unknown job id as file_id → 400 naming it, GET → 404; a webhook off the allow-list → 400 naming the header', async () => {
    const unknown = 'job_00000000-0000-4000-8000-000000000000';
    const res = await post([{ type: 'text', text: 'hi' }, { type: 'file', file: { file_id: unknown } }]);
    const json = (await res.json()) as { error: { param: string; code: string } };
    expect(res.status).toBe(400);
    expect(json.error).toMatchObject({ param: 'messages[0].content[1].file.file_id', code: 'job_not_found' });
    expect((await fetch(`${gw.url}/v1/jobs/${unknown}`, { headers: headers() })).status).toBe(404);
    const clip = makeVideo({ durationS: 16, tone: 440, width: 160, height: 90 });
    const bad = await post([{ type: 'text', text: 'hi' }, video(clip)], { 'x-frontier-webhook': 'https://evil.example.com/hook' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('x-frontier-webhook');
  }, 60_000);
});
