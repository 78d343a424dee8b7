/**
 * One Realtime WebSocket session, speaking the subset of OpenAI's Realtime protocol the gateway
 * serves: `session.update` (server VAD threshold, prefix padding, silence duration),
 * `input_audio_buffer.append|commit|clear`, `response.cancel`. Audio (PCM16, 24 kHz, mono, base64)
 * goes through Silero VAD as it arrives; with a streaming recogniser (`openStream`, one resident per
 * session) the speech is fed to it while the user talks, so the end of a turn only waits for the
 * tail — otherwise the turn's segment is transcribed at its end. The LLM call starts at once, its
 * text streamed back as `response.output_text.delta`. Speech while an answer streams (barge-in) cancels it. Any other client event is answered with an `error` naming it.
 * With a {@link RealtimeMeter} each response is admitted against the key's limits and budgets (a
 * refusal is an `error` event, and no response starts) and billed when it ends (completed, cancelled
 * or failed): the audio committed since the last response, the prompt's text, the answer.
 */
import { randomBytes } from 'node:crypto';
import type { BillingEventPayload } from '@frontier/multimodal-contracts';
import type { ChatMessage, ChatModel, SpeechRecognizer, SpeechStream, VadEvent, VadOptions, VadStream, VoiceActivityDetector } from '@frontier/ml-ports';
import type { RealtimeMeter } from './realtime.meter';

export const REALTIME_RATE = 24_000;

export interface RealtimeDeps {
  vad: VoiceActivityDetector;
  asr: SpeechRecognizer;
  upstream: ChatModel;
  upstreamModel: string;
  model: string;
  send(event: Record<string, unknown>): void;
  log?(message: string): void;
  /** Limits and billing of each response (absent: nothing is admitted or billed — unit tests). */
  meter?: RealtimeMeter | null;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const SERVED = new Set(['session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'response.cancel']);

interface TurnDetection {
  type: 'server_vad' | 'none';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
}

export class RealtimeSession {
  readonly id = id('sess');
  private turn: TurnDetection = { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };
  private instructions = '';
  private stream: VadStream;
  private audio: Int16Array[] = [];
  private samples = 0;
  private itemId = id('item');
  private response: { id: string; abort: AbortController } | null = null;
  private readonly history: ChatMessage[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  /** The session's resident recogniser (null: the provider does not stream; transcribe() per turn). */
  private readonly asrStream: SpeechStream | null;
  /** Inside a VAD speech segment: audio goes to the recogniser as it arrives. */
  private inSpeech = false;
  /** Audio committed since the last response (seconds, its transcripts' tokens): billed with the next one. */
  private heard = { seconds: 0, tokens: 0 };

  constructor(private readonly d: RealtimeDeps) {
    this.asrStream = d.asr.openStream?.(REALTIME_RATE) ?? null;
    this.stream = this.newStream();
    d.send({ type: 'session.created', event_id: id('event'), session: this.session() });
  }

  /** One client message (a JSON text frame). */
  receive(raw: string): void {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.error('invalid_json', 'The event is not JSON', null);
    }
    const type = typeof e['type'] === 'string' ? e['type'] : '';
    const eventId = typeof e['event_id'] === 'string' ? e['event_id'] : null;
    if (!SERVED.has(type)) return this.error('unsupported_event', `This gateway does not serve the event type "${type}"; it serves ${[...SERVED].join(', ')}`, eventId, 'type');
    // events are handled in order; audio pushes must not overtake each other
    this.chain = this.chain.then(() => this.handle(type, e, eventId)).catch((err: unknown) => this.d.log?.(`realtime ${this.id}: ${String(err)}`));
  }

  close(): void {
    this.response?.abort.abort();
    this.asrStream?.close();
  }

  private async handle(type: string, e: Record<string, unknown>, eventId: string | null): Promise<void> {
    switch (type) {
      case 'session.update':
        return this.update(e['session'], eventId);
      case 'input_audio_buffer.append': {
        if (typeof e['audio'] !== 'string') return this.error('invalid_value', 'audio must be base64 PCM16 (24 kHz mono)', eventId, 'audio');
        const buf = Buffer.from(e['audio'], 'base64');
        const pcm = new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.byteLength & ~1)));
        this.audio.push(pcm);
        this.samples += pcm.length;
        if (this.turn.type !== 'server_vad') return;
        const f = new Float32Array(pcm.length);
        for (let i = 0; i < pcm.length; i++) f[i] = pcm[i] / 32768;
        const events = await this.stream.push(f);
        if (this.inSpeech) this.asrStream?.push(f);
        for (const ev of events) this.onVad(ev);
        return;
      }
      case 'input_audio_buffer.commit':
        this.d.send({ type: 'input_audio_buffer.committed', event_id: id('event'), item_id: this.itemId, previous_item_id: null });
        return this.endTurn(0, (this.samples * 1000) / REALTIME_RATE);
      case 'input_audio_buffer.clear':
        this.reset();
        this.d.send({ type: 'input_audio_buffer.cleared', event_id: id('event') });
        return;
      default:
        this.cancel('client_cancelled');
    }
  }

  private update(s: unknown, eventId: string | null): void {
    if (typeof s !== 'object' || s === null) return this.error('invalid_value', 'session must be an object', eventId, 'session');
    const o = s as Record<string, unknown>;
    // answers are text only: asking for audio out (beta `modalities`, GA `output_modalities`) is refused naming the field
    for (const field of ['output_modalities', 'modalities']) {
      const m = o[field];
      if (Array.isArray(m) && m.some((x) => x !== 'text')) return this.error('unsupported_value', `session.${field} ${JSON.stringify(m)} is not served: this gateway answers in text only (["text"]); audio output (response.audio.delta) is not implemented`, eventId, `session.${field}`);
    }
    if (typeof o['instructions'] === 'string') this.instructions = o['instructions'];
    // beta: session.turn_detection; GA: session.audio.input.turn_detection
    const audio = (o['audio'] as Record<string, Record<string, unknown>> | undefined)?.['input'];
    const td = (audio?.['turn_detection'] ?? o['turn_detection']) as Record<string, unknown> | null | undefined;
    if (td === null) this.turn = { ...this.turn, type: 'none' };
    else if (td) {
      if (td['type'] !== undefined && td['type'] !== 'server_vad') return this.error('unsupported_value', `turn_detection.type ${String(td['type'])} is not served (server_vad only)`, eventId, 'session.turn_detection.type');
      const num = (k: string, min: number, max: number, d: number) => {
        const v = td[k];
        return typeof v === 'number' && v >= min && v <= max ? v : d;
      };
      this.turn = {
        type: 'server_vad',
        threshold: num('threshold', 0.01, 0.99, this.turn.threshold),
        prefix_padding_ms: num('prefix_padding_ms', 0, 5000, this.turn.prefix_padding_ms),
        silence_duration_ms: num('silence_duration_ms', 0, 10000, this.turn.silence_duration_ms),
      };
    }
    this.stream = this.newStream();
    this.d.send({ type: 'session.updated', event_id: id('event'), session: this.session() });
  }

  private onVad(ev: VadEvent): void {
    if (ev.type === 'speech_started') {
      // barge-in: the user talks over the answer
      if (this.response) this.cancel('turn_detected');
      this.d.send({ type: 'input_audio_buffer.speech_started', event_id: id('event'), audio_start_ms: Math.round(ev.atMs), item_id: this.itemId });
      if (this.asrStream && !this.inSpeech) {
        // the speech so far (atMs carries the prefix padding) at once, then each chunk as it arrives
        this.inSpeech = true;
        this.asrStream.push(this.slice(ev.atMs, (this.samples * 1000) / REALTIME_RATE));
      }
      return;
    }
    this.d.send({ type: 'input_audio_buffer.speech_stopped', event_id: id('event'), audio_end_ms: Math.round(ev.atMs), item_id: this.itemId });
    this.d.send({ type: 'input_audio_buffer.committed', event_id: id('event'), item_id: this.itemId, previous_item_id: null });
    if (this.asrStream && this.inSpeech) {
      this.inSpeech = false;
      // everything pushed after the segment's end is the VAD's silence wait
      void this.endTurn(ev.segment.startMs, ev.segment.endMs, Math.max(0, (this.samples * 1000) / REALTIME_RATE - ev.segment.endMs));
    } else void this.endTurn(ev.segment.startMs, ev.segment.endMs);
  }

  /** Transcribes [fromMs, toMs) of the buffer (streamed: the recogniser's utterance, `silenceMs` its known tail) and starts the answer at once. */
  private async endTurn(fromMs: number, toMs: number, silenceMs?: number): Promise<void> {
    const itemId = this.itemId;
    this.itemId = id('item');
    const t =
      this.asrStream && silenceMs !== undefined
        ? await this.asrStream.end({ silenceMs })
        : await this.d.asr.transcribe({ samples: this.slice(fromMs, toMs), sampleRate: REALTIME_RATE });
    const transcript = t.text.trim();
    this.d.send({ type: 'conversation.item.input_audio_transcription.completed', event_id: id('event'), item_id: itemId, content_index: 0, transcript });
    if (!transcript) return;
    this.heard = { seconds: this.heard.seconds + Math.max(0, toMs - fromMs) / 1000, tokens: this.heard.tokens + (this.d.meter?.countText(transcript) ?? 0) };
    this.history.push({ role: 'user', content: transcript });
    void this.respond();
  }

  private async respond(): Promise<void> {
    this.cancel('turn_detected');
    const r = { id: id('resp'), abort: new AbortController() };
    this.response = r;
    const itemId = id('item');
    const messages: ChatMessage[] = [...(this.instructions ? [{ role: 'system' as const, content: this.instructions }] : []), ...this.history];
    const heard = this.heard;
    this.heard = { seconds: 0, tokens: 0 };
    const meter = this.d.meter ?? null;
    const promptTokens = meter ? meter.countText(messages.map((m) => m.content).join('\n')) : 0;
    const admitted = meter ? await meter.admit(promptTokens) : { admission: null };
    if ('refused' in admitted) {
      // over the key's limits or budget: no response starts, the client is told why
      if (this.response === r) this.response = null;
      this.d.send({ type: 'error', event_id: id('event'), error: { ...admitted.refused, param: null, event_id: null } });
      return;
    }
    this.d.send({ type: 'response.created', event_id: id('event'), response: { id: r.id, object: 'realtime.response', status: 'in_progress', output: [] } });
    let text = '';
    let status: BillingEventPayload['status'] = 'completed';
    let outputTokens: number | null = null;
    try {
      const maxTokens = meter?.reservedOutputTokens;
      for await (const c of this.d.upstream.stream({ messages, model: this.d.upstreamModel, signal: r.abort.signal, ...(maxTokens ? { maxTokens } : {}) })) {
        if (c.type === 'done' && c.usage) outputTokens = c.usage.completionTokens;
        if (c.type !== 'delta' || !c.content) continue;
        text += c.content;
        this.d.send({ type: 'response.output_text.delta', event_id: id('event'), response_id: r.id, item_id: itemId, output_index: 0, content_index: 0, delta: c.content });
      }
    } catch (e) {
      status = r.abort.signal.aborted ? 'cancelled' : 'failed';
      if (status === 'failed') this.d.log?.(`realtime upstream failed: ${String(e)}`);
    }
    if (this.response === r) this.response = null;
    // billed before response.done (which reports the usage); the first token never waits for it
    const out = meter ? (status === 'completed' && outputTokens !== null ? outputTokens : meter.countText(text)) : 0;
    const lines = meter ? await meter.bill(r.id, admitted.admission, status, { promptTokens, audioTokens: heard.tokens, audioSeconds: heard.seconds, outputTokens: out }) : null;
    if (status === 'completed') {
      this.history.push({ role: 'assistant', content: text });
      this.d.send({ type: 'response.output_text.done', event_id: id('event'), response_id: r.id, item_id: itemId, output_index: 0, content_index: 0, text });
    }
    this.d.send({
      type: 'response.done',
      event_id: id('event'),
      response: {
        id: r.id,
        object: 'realtime.response',
        status,
        output: status === 'completed' ? [{ id: itemId, type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }] : [],
        ...(lines ? { usage: { total_tokens: promptTokens + out, input_tokens: promptTokens, output_tokens: out, input_token_details: { text_tokens: Math.max(0, promptTokens - heard.tokens), audio_tokens: heard.tokens }, output_token_details: { text_tokens: out, audio_tokens: 0 }, cost_usd: Math.round(lines.reduce((a, l) => a + l.costUsd, 0) * 1e9) / 1e9 } } : {}),
      },
    });
  }

  private cancel(_reason: string): void {
    this.response?.abort.abort();
  }

  private slice(fromMs: number, toMs: number): Float32Array {
    const all = new Int16Array(this.samples);
    let at = 0;
    for (const c of this.audio) {
      all.set(c, at);
      at += c.length;
    }
    const a = Math.max(0, Math.floor((fromMs * REALTIME_RATE) / 1000));
    const b = Math.min(all.length, Math.ceil((toMs * REALTIME_RATE) / 1000));
    const out = new Float32Array(Math.max(0, b - a));
    for (let i = 0; i < out.length; i++) out[i] = all[a + i] / 32768;
    return out;
  }

  private reset(): void {
    this.audio = [];
    this.samples = 0;
    this.stream = this.newStream();
  }

  private newStream(): VadStream {
    this.inSpeech = false;
    this.asrStream?.discard();
    const o: VadOptions = { threshold: this.turn.threshold, prefixPaddingMs: this.turn.prefix_padding_ms, minSilenceMs: this.turn.silence_duration_ms };
    this.audio = [];
    this.samples = 0;
    return this.d.vad.stream(REALTIME_RATE, o);
  }

  private session(): Record<string, unknown> {
    return { id: this.id, object: 'realtime.session', model: this.d.model, instructions: this.instructions, turn_detection: this.turn.type === 'none' ? null : { ...this.turn }, input_audio_format: 'pcm16', output_modalities: ['text'] };
  }

  private error(code: string, message: string, eventId: string | null, param: string | null = null): void {
    this.d.send({ type: 'error', event_id: id('event'), error: { type: 'invalid_request_error', code, message, param, event_id: eventId } });
  }
}
