/**
 * Safety overhead with and without parallelism (issue 15), same run: the latency of one chat request
 * (text + a distinct --image-side PNG, answered by the loopback upstream) through chat-gateway
 * processes that differ only in safety:
 *   none           — no safety (text check off, no NSFW);
 *   serial         — the text check (Llama Guard 3 stand-in: an OpenAI-compatible loopback server
 *                    answering `safe` after --guard-ms) BEFORE the image is encoded, NSFW on;
 *   shipped        — the same checks run BESIDE the encoder (GATEWAY_SAFETY_PARALLEL, the default);
 *   shipped-rules  — the offline default text check (phrase rules) beside the encoder, NSFW on.
 * Overhead = variant p50 − none p50; the headline ratio is serial overhead / shipped overhead.
 * Requests go one at a time, variants interleaved; every image is distinct (no encoder cache hit).
 *
 * Needs Postgres (a private database is made and dropped) and Redis on loopback.
 *
 *   node -r @swc-node/register bench/multimodal/safety.ts [--requests 40] [--warmup 5] [--guard-ms 60] [--image-side 640]
 */
import { Client } from 'pg';
import sharp from 'sharp';
import { startLoopbackLlmServer } from '@frontier/ml-llm';
import { createTestDatabase, freePort } from '@frontier/platform-testing';
import { benchArgs, printHeadline, round, usageError } from '../lib/harness';
import { rng } from '../lib/random';
import { benchTenantKey, killAll, launchGateway, pct, runBench, waitReady } from './gateway-procs';

const USAGE = 'bench/multimodal/safety.ts [--requests 40] [--warmup 5] [--guard-ms 60] [--image-side 640]';
const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
for (const k of flags.keys()) if (!['requests', 'warmup', 'guard-ms', 'image-side'].includes(k)) usageError(`unknown flag --${k}; usage: ${USAGE}`);
const REQUESTS = Number(flags.get('requests') ?? 40);
const WARMUP = Number(flags.get('warmup') ?? 5);
const GUARD_MS = Number(flags.get('guard-ms') ?? 60);
const SIDE = Number(flags.get('image-side') ?? 640);
const PREFIX = `bench-safety-${process.pid}`;

async function main(): Promise<void> {
  const llm = await startLoopbackLlmServer({ model: 'bench-llm', replyTokens: 4 });
  const guard = await startLoopbackLlmServer({ model: 'llama-guard-3-stand-in', tokenDelayMs: GUARD_MS });
  // a private database migrated from the current schema (dropped at the end)
  const db = await createTestDatabase('bench_safety');
  const DATABASE_URL = db.url;
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  try {
    const { key } = await benchTenantKey(pg, PREFIX);
    const base = { DATABASE_URL, HOST: '127.0.0.1', UPSTREAM_BASE_URL: llm.baseUrl, UPSTREAM_MODEL: llm.model, ENCODERS: 'inline', ENCODER_OCR: 'false', RATE_LIMIT_PER_KEY: '1000000', GATEWAY_VISION: 'true' };
    const guardEnv = { GATEWAY_TEXT_SAFETY: 'llama-guard', SAFETY_LLAMA_GUARD_URL: guard.baseUrl, SAFETY_LLAMA_GUARD_MODEL: guard.model };
    const configs: Array<[string, Record<string, string>]> = [
      ['none', { GATEWAY_SAFETY: 'false', GATEWAY_IMAGE_SAFETY: 'false', ENCODER_NSFW: 'false' }],
      ['serial', { ...guardEnv, GATEWAY_SAFETY_PARALLEL: 'false', ENCODER_NSFW: 'true', GATEWAY_IMAGE_SAFETY: 'true' }],
      ['shipped', { ...guardEnv, ENCODER_NSFW: 'true', GATEWAY_IMAGE_SAFETY: 'true' }],
      ['shipped-rules', { ENCODER_NSFW: 'true', GATEWAY_IMAGE_SAFETY: 'true' }],
    ];
    const variants: Array<{ name: string; url: string }> = [];
    for (const [name, env] of configs) {
      const port = await freePort();
      const child = launchGateway({ ...base, ...env, REDIS_PREFIX: `${PREFIX}-${name}`, PORT: String(port) });
      await waitReady(`http://127.0.0.1:${port}/readyz`, child);
      variants.push({ name, url: `http://127.0.0.1:${port}/v1/chat/completions` });
    }
    const r = rng(7);
    const h = Math.round((SIDE * 3) / 4);
    const image = async () => {
      const raw = Buffer.alloc(SIDE * h * 3);
      for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(r() * 256);
      return (await sharp(raw, { raw: { width: SIDE, height: h, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer()).toString('base64');
    };
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const once = async (url: string, b64: string): Promise<number> => {
      guard.scriptReplies('safe');
      const body = JSON.stringify({ model: llm.model, max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${b64}` } }] }] });
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: auth, body });
      await res.text();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      return performance.now() - t0;
    };
    console.log(`one request at a time, variants interleaved, ${REQUESTS} each after ${WARMUP} warm-up rounds; guard stand-in answers after ${GUARD_MS} ms; ${SIDE}×${h} distinct PNGs`);
    for (let i = 0; i < WARMUP; i++) for (const v of variants) await once(v.url, await image());
    guard.reset();
    const xs = variants.map(() => [] as number[]);
    for (let i = 0; i < REQUESTS; i++) for (const [j, v] of variants.entries()) xs[j]?.push(await once(v.url, await image()));
    const none = pct(xs[0] ?? [], 50);
    const rows = variants.map((v, j) => {
      const p50 = pct(xs[j] ?? [], 50);
      const row = { name: v.name, n: xs[j]?.length ?? 0, p50_ms: round(p50, 2), p95_ms: round(pct(xs[j] ?? [], 95), 2), overhead_p50_ms: round(p50 - none, 2) };
      console.log(`${v.name.padEnd(14)} p50 ${row.p50_ms} ms  p95 ${row.p95_ms} ms  overhead over none ${row.overhead_p50_ms} ms`);
      return row;
    });
    const serial = rows.find((x) => x.name === 'serial')?.overhead_p50_ms ?? 0;
    const shipped = rows.find((x) => x.name === 'shipped')?.overhead_p50_ms ?? 0;
    const ratio = shipped > 0 ? round(serial / shipped, 2) : null;
    console.log(`safety overhead, serial / parallel (shipped): ${ratio}×`);
    printHeadline('multimodal-safety-overhead', { requests: REQUESTS, guard_ms: GUARD_MS, image_side: SIDE, rows, serial_over_shipped_overhead: ratio });
  } finally {
    killAll();
    await pg.end();
    await db.drop();
    await llm.close();
    await guard.close();
  }
}

runBench(main);
