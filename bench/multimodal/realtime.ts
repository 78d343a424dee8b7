/**
 * Realtime voice latency (issue 15): end of speech → first answer token, p50/p95 over --turns
 * turns, driven by the official `openai` SDK realtime client (openai/realtime/ws, over wss://)
 * against a chat-gateway process; a loopback upstream stands in for the hosted LLM. Each turn is an
 * espeak-ng utterance streamed in real time (100-ms chunks every 100 ms) followed by --silence-ms of
 * silence; server VAD with silence_duration_ms 200. Stage medians: end of speech → speech_stopped,
 * → transcript, → first token.
 *
 * Row `shipped` is the service default (streaming ASR: the resident recogniser hears the speech
 * while the user talks); row `per-turn` is the baseline (REALTIME_STREAMING_ASR=false: each turn's
 * segment transcribed at its end). One gateway process per row, turns interleaved.
 *
 * Needs Postgres (a private database is made and dropped), Redis on loopback, openssl, espeak-ng.
 *
 *   node -r @swc-node/register bench/multimodal/realtime.ts [--turns 20] [--silence-ms 700]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { Client } from 'pg';
import { resample } from '@frontier/ml-audio';
import { espeak } from '@frontier/ml-audio/testing';
import { startLoopbackLlmServer } from '@frontier/ml-llm';
import { createTestDatabase, freePort } from '@frontier/platform-testing';
import { benchArgs, printHeadline, round, usageError } from '../lib/harness';
import { benchTenantKey, killAll, launchGateway, pct, runBench, waitReady } from './gateway-procs';

const USAGE = 'bench/multimodal/realtime.ts [--turns 20] [--silence-ms 700]';
const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
for (const k of flags.keys()) if (!['turns', 'silence-ms'].includes(k)) usageError(`unknown flag --${k}; usage: ${USAGE}`);
const TURNS = Number(flags.get('turns') ?? 20);
const SILENCE_MS = Number(flags.get('silence-ms') ?? 700);
const PREFIX = `bench-realtime-${process.pid}`;
const RATE = 24_000;
const CHUNK = RATE / 10;

type Event = { type: string; at: number; [k: string]: unknown };

/** PCM16 24 kHz of an utterance, then silence; and where the speech ends (ms). */
function utterance(text: string, silenceMs: number): { pcm: Int16Array; speechEndMs: number } {
  const a = resample(espeak(text), RATE).samples;
  let last = a.length - 1;
  while (last > 0 && Math.abs(a[last] ?? 0) < 0.01) last--;
  const pcm = new Int16Array(a.length + (RATE * silenceMs) / 1000);
  for (let i = 0; i < a.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round((a[i] ?? 0) * 32767)));
  return { pcm, speechEndMs: ((last + 1) * 1000) / RATE };
}

type Llm = Awaited<ReturnType<typeof startLoopbackLlmServer>>;
interface Turn {
  total: number;
  vad: number;
  asr: number;
  llm: number;
}

/** A chat-gateway process (wss:// realtime) and an official SDK realtime client connected to it. */
async function startVariant(name: string, streaming: boolean, databaseUrl: string, dir: string, cert: string, llm: Llm, key: string) {
  const port = await freePort();
  const tlsPort = await freePort();
  const child = launchGateway({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `${PREFIX}-${name}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    UPSTREAM_BASE_URL: llm.baseUrl,
    UPSTREAM_MODEL: llm.model,
    ENCODERS: 'inline',
    RATE_LIMIT_PER_KEY: '1000000',
    REALTIME_TLS_CERT_FILE: join(dir, 'cert.pem'),
    REALTIME_TLS_KEY_FILE: join(dir, 'key.pem'),
    REALTIME_TLS_PORT: String(tlsPort),
    REALTIME_STREAMING_ASR: String(streaming),
  });
  await waitReady(`http://127.0.0.1:${port}/readyz`, child);
  const events: Event[] = [];
  const waitFor = async (pred: (e: Event) => boolean, ms: number, from = 0): Promise<Event> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = events.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`${name}: no event within ${ms} ms; got ${events.slice(from).map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const client = new OpenAI({ apiKey: key, baseURL: `https://127.0.0.1:${tlsPort}/v1` });
  const ws = new OpenAIRealtimeWS({ model: llm.model, options: { ca: cert } }, client);
  ws.on('event', (e) => void events.push({ ...(e as unknown as Event), at: performance.now() }));
  ws.on('error', () => undefined);
  await waitFor((e) => e.type === 'session.created', 30_000);
  ws.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200 } } } } } as never);
  await waitFor((e) => e.type === 'session.updated', 30_000);
  /** Streams the utterance in real time (a 100-ms chunk every 100 ms) and times the answer. */
  const turn = async (u: { pcm: Int16Array; speechEndMs: number }): Promise<Turn> => {
    const from = events.length;
    const t0 = performance.now();
    for (let i = 0, k = 0; i < u.pcm.length; i += CHUNK, k++) {
      const wait = t0 + k * 100 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      ws.send({ type: 'input_audio_buffer.append', audio: Buffer.from(u.pcm.buffer, u.pcm.byteOffset + i * 2, Math.min(CHUNK, u.pcm.length - i) * 2).toString('base64') });
    }
    const first = await waitFor((e) => e.type === 'response.output_text.delta', 20_000, from);
    await waitFor((e) => e.type === 'response.done', 20_000, from);
    const end = t0 + u.speechEndMs;
    const at = (type: string) => events.slice(from).find((e) => e.type === type)?.at ?? NaN;
    return {
      total: first.at - end,
      vad: at('input_audio_buffer.speech_stopped') - end,
      asr: at('conversation.item.input_audio_transcription.completed') - at('input_audio_buffer.speech_stopped'),
      llm: first.at - at('conversation.item.input_audio_transcription.completed'),
    };
  };
  return { name, streaming, ws, turn };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rt-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const llm = await startLoopbackLlmServer({ model: 'bench-llm', replyTokens: 12 });
  const db = await createTestDatabase('bench_realtime');
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const rts: OpenAIRealtimeWS[] = [];
  try {
    const { key } = await benchTenantKey(pg, PREFIX);
    const rows = [];
    // one gateway per row; turns interleaved so both see the same machine load
    const variants = [await startVariant('shipped', true, db.url, dir, cert, llm, key), await startVariant('per-turn', false, db.url, dir, cert, llm, key)];
    rts.push(...variants.map((v) => v.ws));
    const lat = variants.map(() => [] as number[]);
    const stages = variants.map(() => ({ vad: [] as number[], asr: [] as number[], llm: [] as number[] }));
    for (let i = 0; i < TURNS; i++) {
      const u = utterance(i % 2 ? 'What is the weather like today?' : 'Set a timer for ten minutes.', SILENCE_MS);
      for (const [j, v] of variants.entries()) {
        const t = await v.turn(u);
        lat[j]?.push(t.total);
        stages[j]?.vad.push(t.vad);
        stages[j]?.asr.push(t.asr);
        stages[j]?.llm.push(t.llm);
      }
    }
    for (const [j, v] of variants.entries()) {
      const st = stages[j] ?? { vad: [], asr: [], llm: [] };
      const row = {
        name: v.name,
        asr: v.streaming ? 'streaming' : 'per-turn transcribe',
        turns: TURNS,
        p50_ms: round(pct(lat[j] ?? [], 50), 0),
        p95_ms: round(pct(lat[j] ?? [], 95), 0),
        median_speech_stopped_ms: round(pct(st.vad, 50), 0),
        median_transcript_ms: round(pct(st.asr, 50), 0),
        median_first_token_ms: round(pct(st.llm, 50), 0),
      };
      console.log(`${row.name} (${row.asr}): end of speech → first token p50 ${row.p50_ms} ms, p95 ${row.p95_ms} ms; stage medians: speech_stopped ${row.median_speech_stopped_ms} ms, transcript ${row.median_transcript_ms} ms, first token ${row.median_first_token_ms} ms`);
      rows.push(row);
    }
    printHeadline('multimodal-realtime-latency', { turns: TURNS, silence_ms: SILENCE_MS, silence_duration_ms: 200, target_p95_ms: 600, rows });
  } finally {
    for (const ws of rts) ws.close();
    killAll();
    await pg.end();
    await db.drop();
    await llm.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
