import { execFileSync } from 'node:child_process';
import type { ChatModel, SpeechRecognizer, SpeechStream } from '@frontier/ml-ports';
import { createPocketsphinxAsr, createSileroVad, resample, type SileroVad } from '@frontier/ml-audio';
import { espeak } from '@frontier/ml-audio/testing';
import { REALTIME_RATE, RealtimeSession } from './realtime.session';

/** Live (not zombie) processes of a process group. */
const alive = (pgid: number) =>
  execFileSync('ps', ['-e', '-o', 'pgid=,stat='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([g, stat]) => Number(g) === pgid && stat && !stat.startsWith('Z')).length;

/** The upstream LLM is a stub (one delta echoing the transcript): this spec is about the recogniser. */
const upstream = {
  modelId: 'stub',
  adapter: 'stub',
  async *stream(req: { messages: { content: string }[] }) {
    yield { type: 'delta', content: `heard: ${req.messages[req.messages.length - 1].content}` };
  },
} as unknown as ChatModel;

describe('RealtimeSession with a streaming recogniser (Silero VAD, resident pocketsphinx; upstream LLM stubbed)', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await createSileroVad();
  });
  afterAll(() => vad.close());

  it('feeds speech to one resident recogniser across turns and kills it when the session closes', async () => {
    const real = await createPocketsphinxAsr();
    const opened: SpeechStream[] = [];
    const asr: SpeechRecognizer = {
      ...real,
      openStream: (rate: number) => {
        const s = real.openStream?.(rate) as SpeechStream;
        opened.push(s);
        return s;
      },
    };
    const events: Record<string, unknown>[] = [];
    const session = new RealtimeSession({ vad, asr, upstream, upstreamModel: 'stub', model: 'm', send: (e) => events.push(e) });
    const pgid = (opened[0] as unknown as { pid: number }).pid;
    try {
      session.receive(JSON.stringify({ type: 'session.update', session: { turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 300 } } }));
      for (const text of ['Remember to buy milk tomorrow morning.', 'Turn on the kitchen lights.']) {
        const speech = resample(espeak(text, ['-v', 'en-us', '-s', '140']), REALTIME_RATE).samples;
        const pcm = new Int16Array(speech.length + REALTIME_RATE); // 1 s of silence after
        for (let i = 0; i < speech.length; i++) pcm[i] = Math.round(Math.max(-1, Math.min(1, speech[i])) * 32767);
        for (let i = 0; i < pcm.length; i += 2400) session.receive(JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.from(pcm.buffer, pcm.byteOffset + i * 2, Math.min(2400, pcm.length - i) * 2).toString('base64') }));
      }
      const done = () => events.filter((e) => e['type'] === 'conversation.item.input_audio_transcription.completed');
      for (let i = 0; i < 300 && done().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(done()).toHaveLength(2);
      for (const e of done()) expect(String(e['transcript']).length).toBeGreaterThan(0);
      expect(opened).toHaveLength(1); // one recogniser for the session, reused by both turns
      expect(alive(pgid)).toBeGreaterThan(0);
    } finally {
      session.close();
    }
    for (let i = 0; i < 50 && alive(pgid) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pgid)).toBe(0); // no orphan decoder
  }, 60_000);

  it('audio output asked for (GA output_modalities, beta modalities) → an error event naming the field; text only is accepted', async () => {
    const events: Record<string, unknown>[] = [];
    const asr: SpeechRecognizer = { modelId: 'none', adapter: 'none', transcribe: async () => ({ text: '', segments: [] }) } as unknown as SpeechRecognizer;
    const session = new RealtimeSession({ vad, asr, upstream, upstreamModel: 'stub', model: 'm', send: (e) => events.push(e) });
    try {
      session.receive(JSON.stringify({ type: 'session.update', event_id: 'e1', session: { output_modalities: ['audio', 'text'] } }));
      session.receive(JSON.stringify({ type: 'session.update', event_id: 'e2', session: { modalities: ['audio'] } }));
      session.receive(JSON.stringify({ type: 'session.update', event_id: 'e3', session: { output_modalities: ['text'] } }));
      for (let i = 0; i < 100 && events.filter((e) => e['type'] !== 'session.created').length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      const errors = events.filter((e) => e['type'] === 'error').map((e) => e['error'] as { code: string; param: string; event_id: string; message: string });
      expect(errors.map((e) => [e.code, e.param, e.event_id])).toEqual([
        ['unsupported_value', 'session.output_modalities', 'e1'],
        ['unsupported_value', 'session.modalities', 'e2'],
      ]);
      expect(errors[0]?.message).toContain('text only');
      expect(events.filter((e) => e['type'] === 'session.updated')).toHaveLength(1);
    } finally {
      session.close();
    }
  });
});
