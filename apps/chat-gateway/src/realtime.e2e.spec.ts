import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { resample } from '@frontier/ml-audio';
import { espeak } from '@frontier/ml-audio/testing';
import { KeyLimitsRepository } from '@frontier/multimodal-data-access';
import { BillingService, LimitsService, RealtimeServer, RejectionsService, type KeySpendResponse } from '@frontier/multimodal-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { startWorld, type Gateway, type GatewayWorld } from './testing/gateway-harness';

type Event = { type: string; [k: string]: unknown };
const RATE = 24_000;
const CHUNK = RATE / 10; // 100 ms

/** PCM16 24 kHz of an utterance, then `silenceMs` of silence; and where the speech ends (ms). */
function utterance(text: string, silenceMs: number): { pcm: Int16Array; speechEndMs: number } {
  const a = resample(espeak(text), RATE).samples;
  let last = a.length - 1;
  while (last > 0 && Math.abs(a[last]) < 0.01) last--;
  const pcm = new Int16Array(a.length + (RATE * silenceMs) / 1000);
  for (let i = 0; i < a.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(a[i] * 32767)));
  return { pcm, speechEndMs: ((last + 1) * 1000) / RATE };
}

describe('chat-gateway realtime: the official openai SDK realtime client (openai/realtime/ws, over wss://) streams speech in real time and gets the transcript and the answer; responses are billed and admitted under the key; barge-in cancels; unserved events are named (espeak-ng speech; pocketsphinx; loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  let gw: Gateway;
  let dir: string;
  let cert: string;
  let rt: OpenAIRealtimeWS;
  const events: Event[] = [];
  const waitFor = async (pred: (e: Event) => boolean, ms = 15_000, from = 0): Promise<Event> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = events.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no event within ${ms} ms; got ${events.slice(from).map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const stream = async (pcm: Int16Array): Promise<number> => {
    // real time: a 100-ms chunk every 100 ms; returns when the last chunk went out
    const t0 = performance.now();
    for (let i = 0, k = 0; i < pcm.length; i += CHUNK, k++) {
      const wait = t0 + k * 100 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      rt.send({ type: 'input_audio_buffer.append', audio: Buffer.from(pcm.buffer, pcm.byteOffset + i * 2, Math.min(CHUNK, pcm.length - i) * 2).toString('base64') });
    }
    return t0;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rt-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    world = await startWorld('realtime', { replyTokens: 12 });
    gw = await world.start({ REALTIME_TLS_CERT_FILE: join(dir, 'cert.pem'), REALTIME_TLS_KEY_FILE: join(dir, 'key.pem'), REALTIME_TLS_PORT: '0' });
    const port = gw.app.get(RealtimeServer).tlsPort;
    const client = new OpenAI({ apiKey: world.key, baseURL: `https://127.0.0.1:${port}/v1` });
    rt = new OpenAIRealtimeWS({ model: world.llm.model, options: { ca: cert } }, client);
    rt.on('event', (e) => void events.push({ ...(e as unknown as Event), at: performance.now() }));
    rt.on('error', () => undefined); // error events are asserted from the event log
    await waitFor((e) => e.type === 'session.created');
    rt.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200 } } } } } as never);
    await waitFor((e) => e.type === 'session.updated');
  }, 120_000);
  afterAll(async () => {
    rt?.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('an utterance in real time → speech_started/stopped, the transcript, response.created, text deltas, response.done; the upstream got the transcript', async () => {
    const from = events.length;
    const u = utterance('What time is it in Paris?', 800);
    await stream(u.pcm);
    const tr = await waitFor((e) => e.type === 'conversation.item.input_audio_transcription.completed', 15_000, from);
    expect(String(tr['transcript']).length).toBeGreaterThan(0);
    await waitFor((e) => e.type === 'response.done', 15_000, from);
    const types = events.slice(from).map((e) => e.type);
    for (const t of ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'response.created', 'response.output_text.delta', 'response.output_text.done', 'response.done']) expect(types).toContain(t);
    expect(JSON.stringify(world.llm.lastRequestBody?.messages)).toContain(String(tr['transcript']));

    // billed like a chat completion: one event under the key (request id = the response id), usage rows by modality
    const done = events.slice(from).find((e) => e.type === 'response.done') as Event;
    const r = done['response'] as { id: string; usage: { input_tokens: number; output_tokens: number; input_token_details: { audio_tokens: number } } };
    expect(r.usage.output_tokens).toBeGreaterThan(0);
    expect(r.usage.input_token_details.audio_tokens).toBeGreaterThan(0);
    const prisma = gw.app.get(PrismaService);
    const event = await prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: r.id } });
    expect(event).toMatchObject({ keyId: world.keyId, tenantId: world.tenantId, status: 'completed' });
    await gw.app.get(BillingService).expand(event.id);
    const rows = await prisma.multimodalUsage.findMany({ where: { requestId: r.id } });
    const by = Object.fromEntries(rows.map((x) => [`${x.modality}/${x.direction}`, x]));
    expect(Number(by['audio/input']?.units)).toBeGreaterThan(0.5); // seconds of the committed speech
    expect(Number(by['audio/input']?.units)).toBeLessThan(5);
    expect(by['audio/input']?.unit).toBe('seconds');
    expect(by['text/output']?.tokens).toBe(r.usage.output_tokens);
    expect(by['text/input']?.tokens).toBe(r.usage.input_tokens - r.usage.input_token_details.audio_tokens);
    const summary = (await (await fetch(`${gw.url}/v1/usage?group_by=modality`, { headers: { authorization: `Bearer ${world.key}` } })).json()) as { data: Array<{ group: string; cost_usd: number }> };
    expect(summary.data.map((d) => d.group).sort()).toEqual(['audio', 'text']);
  }, 60_000);

  it('barge-in: speech while the answer streams cancels it', async () => {
    world.llm.tokenDelayMs = 150;
    const from = events.length;
    await stream(utterance('Tell me a long story.', 600).pcm);
    await waitFor((e) => e.type === 'response.output_text.delta', 20_000, from);
    const mark = events.length;
    await stream(utterance('Stop, stop.', 600).pcm);
    const done = await waitFor((e) => e.type === 'response.done', 20_000, mark - 1);
    world.llm.tokenDelayMs = 0;
    expect((done['response'] as { status: string }).status).toBe('cancelled');
    await waitFor((e) => e.type === 'response.done' && (e['response'] as { status: string }).status === 'completed', 20_000, mark);
  }, 90_000);

  it('an event it does not serve → an error event naming it', async () => {
    const from = events.length;
    rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } } as never);
    const err = await waitFor((e) => e.type === 'error', 5_000, from);
    expect((err['error'] as { code: string; message: string }).code).toBe('unsupported_event');
    expect((err['error'] as { message: string }).message).toContain('"conversation.item.create"');
  });

  it('turn after turn on one session: each utterance gets its transcript, a response and the answer, in protocol order (the latency is measured by bench/multimodal/realtime.ts, not here)', async () => {
    for (let i = 0; i < 3; i++) {
      const from = events.length;
      const u = utterance(i % 2 ? 'What is the weather like today?' : 'Set a timer for ten minutes.', 700);
      await stream(u.pcm);
      await waitFor((e) => e.type === 'response.done', 20_000, from);
      const order = (type: string) => events.slice(from).findIndex((e) => e.type === type);
      const stopped = order('input_audio_buffer.speech_stopped');
      const heard = order('conversation.item.input_audio_transcription.completed');
      const created = order('response.created');
      const delta = order('response.output_text.delta');
      expect(stopped).toBeGreaterThanOrEqual(0);
      expect(heard).toBeGreaterThan(stopped);
      expect(created).toBeGreaterThan(stopped);
      expect(delta).toBeGreaterThan(created);
      expect(order('response.done')).toBeGreaterThan(delta);
      expect(events.slice(from).some((e) => e.type === 'error')).toBe(false);
    }
  }, 120_000);

  it('a key over its daily budget: the next turn gets an `error` event (insufficient_quota) and no response; the refusal is counted for the key (GET /v1/usage/keys)', async () => {
    await gw.app.get(KeyLimitsRepository).set(world.tenantId, world.keyId, { dailyBudgetUsd: 0.000001 });
    gw.app.get(LimitsService).invalidate(world.keyId);
    try {
      // a turn spends more than a micro-dollar (the turns above already did, when they ran): the next one is refused
      let from = events.length;
      await stream(utterance('Are you still there?', 700).pcm);
      let first = await waitFor((e) => e.type === 'error' || e.type === 'response.done', 20_000, from);
      if (first.type === 'response.done') {
        from = events.length;
        await stream(utterance('Hello again.', 700).pcm);
        first = await waitFor((e) => e.type === 'error' || e.type === 'response.done', 20_000, from);
      }
      const err = first;
      expect(err['error']).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
      expect((err['error'] as { message: string }).message).toContain('daily budget');
      await new Promise((r) => setTimeout(r, 200));
      expect(events.slice(from).some((e) => e.type === 'response.created')).toBe(false);
      await gw.app.get(RejectionsService).flush();
      const res = (await (await fetch(`${gw.url}/v1/usage/keys`, { headers: { authorization: `Bearer ${world.key}` } })).json()) as KeySpendResponse;
      const mine = res.data.find((k) => k.key_id === world.keyId);
      expect(mine?.rejected.by_reason.budget_daily).toBe(1);
      expect(mine?.limits.daily_budget_usd).toBe(0.000001);
      expect(mine?.overridden).toEqual(['daily_budget_usd']);
      expect(mine?.spend.today_usd).toBeGreaterThan(0);
    } finally {
      await gw.app.get(KeyLimitsRepository).remove(world.tenantId, world.keyId);
      gw.app.get(LimitsService).invalidate(world.keyId);
    }
  }, 60_000);
});
