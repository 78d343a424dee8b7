import { speechClip, transcode, type SpeechClip } from '@frontier/multimodal-encoders/testing';
import { PrismaService } from '@frontier/platform-prisma';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

type LoopbackPart = { type: string; text?: string };

describe('chat-gateway audio parts: ffmpeg → Silero VAD → pocketsphinx, the timestamped transcript in the upstream prompt, billed in seconds and transcript tokens (espeak-ng + sox speech; loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let prisma: PrismaService;
  let clip: SpeechClip;

  const post = (content: unknown) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: world.llm.model, messages: [{ role: 'user', content }] }),
    });
  const audio = (bytes: Buffer, format: string) => ({ type: 'input_audio', input_audio: { data: bytes.toString('base64'), format } });
  const upstreamText = () =>
    (world.llm.lastRequestBody?.messages ?? [])
      .map((m) => (typeof m.content === 'string' ? m.content : (m.content as LoopbackPart[]).map((p) => p.text ?? `<${p.type}>`).join('\n')))
      .join('\n');

  beforeAll(async () => {
    world = await startWorld('audio');
    gw = await world.start();
    prisma = gw.app.get(PrismaService);
    clip = speechClip(['Please call Stella.', 'Remember to buy milk tomorrow morning.'], [900, 1400], 1000);
  }, 90_000);
  afterAll(() => world.close(), 30_000);

  it.each(['wav', 'mp3', 'ogg', 'webm'] as const)('%s: the transcript with timestamps reaches the upstream in place of the clip, and the bill counts its seconds', async (format) => {
    const bytes = format === 'wav' ? clip.wav : transcode(clip.wav, format);
    const res = await post([{ type: 'text', text: 'What did I say?' }, audio(bytes, format)]);
    const body = (await res.json()) as { id: string; usage: { by_modality?: Record<string, unknown> } };
    expect(res.status).toBe(200);
    const sent = upstreamText();
    expect(sent).toContain('What did I say?');
    expect(sent).toMatch(/\[Audio 1, 0:0[67] long, transcript: \[0:00\.[5-9]–0:0\d\.\d\] \S+/);
    // pocketsphinx is weak: the words are checked on the lossless clip (sox -R makes it the same bytes every
    // run); after a lossy transcode its guesses vary with the codec, so only a transcript's presence is asserted
    if (format === 'wav' || format === 'mp3') expect(sent).toMatch(/tomorrow/);
    expect(sent).not.toContain('<input_audio>');
    const event = await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: body.id } });
    const lines = event.lines as Array<{ modality: string; unit: string; units: number; tokens: number }>;
    const seconds = lines.find((l) => l.modality === 'audio' && l.unit === 'seconds');
    expect(seconds?.units).toBeCloseTo(clip.durationMs / 1000, 0);
    expect(seconds?.tokens).toBeGreaterThan(5); // the transcript's text tokens
  }, 60_000);

  it.each([
    ['a corrupt mp3', () => {
      const b = Buffer.from(transcode(clip.wav, 'mp3'));
      for (let i = 400; i < b.length; i += 97) b[i] ^= 0xa5;
      return audio(b, 'mp3');
    }],
    ['a truncated wav', () => audio(clip.wav.subarray(0, Math.floor(clip.wav.length / 2)), 'wav')],
    ['a truncated ogg', () => {
      const b = transcode(clip.wav, 'ogg');
      return audio(b.subarray(0, Math.floor(b.length * 0.6)), 'ogg');
    }],
    ['text behind an audio format', () => audio(Buffer.from('this is not audio at all, only words'), 'wav')],
  ])('%s → 400 naming the part, nothing reaches the upstream, nothing billed', async (_name, part) => {
    const before = world.llm.stats.chatRequests;
    const events = await prisma.multimodalBillingEvent.count();
    const res = await post([{ type: 'text', text: 'hi' }, part()]);
    const json = (await res.json()) as { error: { param: string | null; message: string; type: string } };
    expect(res.status).toBe(400);
    expect(json.error.type).toBe('invalid_request_error');
    expect(`${json.error.param} ${json.error.message}`).toMatch(/messages\[0\]\.content\[1\]/);
    expect(world.llm.stats.chatRequests).toBe(before);
    expect(await prisma.multimodalBillingEvent.count()).toBe(events);
  }, 30_000);
});
