import { makeVideo } from '@frontier/multimodal-encoders/testing';
import { PrismaService } from '@frontier/platform-prisma';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

type LoopbackPart = { type: string; text?: string };

describe('chat-gateway video parts: ffprobe → the plan’s frames → OCR through the image path → the upstream prompt with timestamps (ffmpeg-made clips; PaddleOCR inline; loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let prisma: PrismaService;

  const post = (content: unknown, extra: Record<string, unknown> = {}) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: world.llm.model, messages: [{ role: 'user', content }], ...extra }),
    });
  const video = (bytes: Buffer) => ({ type: 'video_url', video_url: { url: `data:video/mp4;base64,${bytes.toString('base64')}` } });
  const upstreamText = () =>
    (world.llm.lastRequestBody?.messages ?? [])
      .map((m) => (typeof m.content === 'string' ? m.content : (m.content as LoopbackPart[]).map((p) => p.text ?? `<${p.type}>`).join('\n')))
      .join('\n');

  beforeAll(async () => {
    world = await startWorld('video');
    // no vision upstream: frames reach it as their OCR text
    gw = await world.start({ ENCODER_OCR: 'true', GATEWAY_VISION: 'false', GATEWAY_CONTEXT_TOKENS: '1500' });
    prisma = gw.app.get(PrismaService);
  }, 120_000);
  afterAll(() => world.close(), 30_000);

  it('a 2-s clip at the plan’s 1 fps: frames at 0:00 and 0:01, the text frame’s OCR reaches the prompt at its time, frames billed', async () => {
    const clip = makeVideo({ durationS: 2, text: { value: 'INVOICE 42', fromS: 0.95, toS: 1.8 }, tone: 440 });
    world.llm.reset();
    const res = await post([{ type: 'text', text: 'What is written in the video?' }, video(clip)], { max_tokens: 16 });
    const body = (await res.json()) as { id: string };
    expect(res.status).toBe(200);
    const sent = upstreamText();
    expect(sent).toContain('[Video 1, 0:02 long, 2 frames (sampled at 1 fps)]');
    expect(sent).toMatch(/\[Video 1 at 0:01, text read from the frame: INVOICE ?42\]/i);
    expect(sent).not.toMatch(/at 0:00, text read/);
    const event = await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: body.id } });
    const lines = event.lines as Array<{ modality: string; unit: string; units: number; tokens: number }>;
    const frames = lines.find((l) => l.modality === 'video' && l.unit === 'frames');
    expect(frames).toMatchObject({ units: 2, tokens: 2 * 576 });
  }, 120_000);

  it('keyframes only when the sampled frames do not fit: the keyframe with the text is picked, its OCR in the prompt "at 0:06.5"', async () => {
    const clip = makeVideo({ durationS: 12, text: { value: 'INVOICE 42', fromS: 6.5, toS: 7.5 }, tone: 330, keyframesAtS: [0, 6.5] });
    world.llm.reset();
    const res = await post([{ type: 'text', text: 'What is written?' }, video(clip)], { max_tokens: 16 });
    expect(res.status).toBe(200);
    const sent = upstreamText();
    expect(sent).toContain('[Video 1, 0:12 long, 2 frames (keyframes only)]');
    expect(sent).toMatch(/\[Video 1 at 0:06\.5, text read from the frame: INVOICE ?42\]/i);
    expect(sent).toMatch(/\[Video 1 soundtrack, 0:12 long/);
  }, 120_000);

  it.each([
    ['a truncated mp4', () => {
      const b = makeVideo({ durationS: 3, tone: 440 });
      return b.subarray(0, Math.floor(b.length * 0.7));
    }],
    ['an mp4 with a damaged stream', () => {
      const b = Buffer.from(makeVideo({ durationS: 3, tone: 440, text: { value: 'X', fromS: 0, toS: 3 } }));
      for (let i = Math.floor(b.length * 0.3); i < b.length; i += 53) b[i] ^= 0xff;
      return b;
    }],
  ])('%s → 400 naming the part, nothing reaches the upstream', async (_name, make) => {
    world.llm.reset();
    const res = await post([{ type: 'text', text: 'hi' }, video(make())], { max_tokens: 16 });
    const json = (await res.json()) as { error: { param: string | null; message: string } };
    expect(res.status).toBe(400);
    expect(`${json.error.param} ${json.error.message}`).toMatch(/messages\[0\]\.content\[1\]/);
    expect(world.llm.stats.chatRequests).toBe(0);
  }, 60_000);
});
