import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeVideo, speechClip } from '@frontier/multimodal-encoders/testing';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

describe('chat-gateway audio deepfake port (GATEWAY_AUDIO_DEEPFAKE): stub detector and stub ASR over loopback HTTP — no deepfake model ships; real Postgres + Redis', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let detector: Server;
  let asr: Server;
  let fake = false;
  let detectorCalls = 0;
  let lastBody = Buffer.alloc(0);

  const post = (body: unknown) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const listen = async (s: Server) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    // the stub detector answers what the test says; it also scores (an internal the caller must never see)
    detector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        detectorCalls++;
        lastBody = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ fake, score: fake ? 0.97 : 0.03 }));
      });
    });
    asr = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'please call stella', language: 'en', duration: 1, segments: [{ start: 0, end: 1, text: 'please call stella' }] })));
    });
    const detectorUrl = await listen(detector);
    const asrUrl = await listen(asr);
    world = await startWorld('deepfake');
    gw = await world.start({ GATEWAY_AUDIO_DEEPFAKE: `${detectorUrl}/detect`, ML_ASR: `openai:${asrUrl}/v1#whisper-1` });
  }, 120_000);
  afterAll(async () => {
    await world.close();
    await Promise.all([detector, asr].map((s) => new Promise((r) => s.close(r))));
  }, 30_000);

  it('stub detector flags the clip → 400 content_policy_violation naming the part, no score in the message, nothing reached the upstream; a clean clip passes with audio_deepfake: passed', async () => {
    const clip = speechClip(['Please call Stella.'], [300], 300);
    const body = { model: world.llm.model, max_tokens: 32, messages: [{ role: 'user', content: [{ type: 'text', text: 'Answer the question in the recording.' }, { type: 'input_audio', input_audio: { data: clip.wav.toString('base64'), format: 'wav' } }] }] };
    world.llm.reset();
    fake = true;
    const refused = await post(body);
    const json = (await refused.json()) as { error: { code: string; param: string; message: string } };
    expect(refused.status).toBe(400);
    expect(json.error).toMatchObject({ code: 'content_policy_violation', param: 'messages[0].content[1]' });
    expect(json.error.message).toBe('messages[0].content[1] was refused by the audio safety check: synthetic or cloned voice');
    expect(world.llm.stats.chatRequests).toBe(0);
    expect(detectorCalls).toBe(1);

    fake = false;
    const ok = await post(body);
    const okBody = (await ok.json()) as { safety: Record<string, string> };
    expect(ok.status).toBe(200);
    expect(world.llm.stats.chatRequests).toBe(1);
    expect(okBody.safety).toMatchObject({ audio_deepfake: 'passed' });
    expect(detectorCalls).toBe(2);

    // text only: the detector is not called and the metadata says it did not run
    const text = await post({ model: world.llm.model, max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] });
    expect(((await text.json()) as { safety: Record<string, string> }).safety).toMatchObject({ audio_deepfake: 'not_run' });
    expect(detectorCalls).toBe(2);
  }, 60_000);

  it('a video’s soundtrack goes to the stub detector too, as WAV: flagged → 400 naming the video part (soundtrack), nothing reached the upstream; passed → audio_deepfake: passed', async () => {
    const clip = makeVideo({ durationS: 2, speech: 'Please call Stella.', width: 160, height: 90 });
    const body = { model: world.llm.model, max_tokens: 32, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is said in this video?' }, { type: 'video_url', video_url: { url: `data:video/mp4;base64,${clip.toString('base64')}` } }] }] };
    world.llm.reset();
    fake = true;
    const calls = detectorCalls;
    const refused = await post(body);
    const json = (await refused.json()) as { error: { code: string; param: string; message: string } };
    expect(refused.status).toBe(400);
    expect(json.error).toMatchObject({ code: 'content_policy_violation', param: 'messages[0].content[1]', message: 'messages[0].content[1] was refused by the audio safety check: synthetic or cloned voice (soundtrack)' });
    expect(world.llm.stats.chatRequests).toBe(0);
    expect(detectorCalls).toBe(calls + 1);
    expect(lastBody.subarray(0, 4).toString()).toBe('RIFF');

    fake = false;
    const ok = await post(body);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { safety: Record<string, string> }).safety).toMatchObject({ audio_deepfake: 'passed' });
  }, 60_000);
});
