/**
 * Gateway overhead over the upstream's time to first token (issue 11): a streamed chat request's
 * TTFT (request sent → first content chunk) p50/p99, sequentially, for
 *   direct      — straight to the loopback upstream (vLLM's wire format, 0 ms per token);
 *   bare-proxy  — through a bare Node pass-through proxy process (the baseline);
 *   shipped     — through chat-gateway as it runs by default (its own process: auth, per-key limits
 *                 in Redis, the context plan, the upstream client, SSE re-framing; billing after the
 *                 stream), text only;
 *   shipped+img — the same with one 640×480 PNG (magic-number checks, plan, inline encoder resize).
 * Targets: shipped text-only p50 ≤ direct p50 + 1 ms; shipped p99 ≤ 2 × bare-proxy p99.
 *
 *   node -r @swc-node/register bench/multimodal/gateway.ts [--requests 300] [--warmup 30] [--image-side 640]
 */
import { Client } from 'pg';
import sharp from 'sharp';
import { startLoopbackLlmServer } from '@frontier/ml-llm';
import { freePort } from '@frontier/platform-testing';
import { benchArgs, printHeadline, round } from '../lib/harness';
import { benchTenantKey, killAll, launch, launchGateway, pct, runBench, waitReady } from './gateway-procs';

const { flags } = benchArgs();
const REQUESTS = Number(flags.get('requests') ?? 300);
const WARMUP = Number(flags.get('warmup') ?? 30);
const SIDE = Number(flags.get('image-side') ?? 640);
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/frontier';
const PREFIX = `bench-gw-${process.pid}`;

/** TTFT of one streamed request: ms from send to the first chunk carrying content. */
async function ttft(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = '';
  let first = -1;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    if (first < 0 && /"content":"[^"]/.test(buf)) first = performance.now() - t0;
  }
  if (first < 0) throw new Error('no content chunk');
  return first;
}

interface Row {
  name: string;
  n: number;
  p50_ms: number;
  p99_ms: number;
}

interface Variant {
  name: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Every variant once per round, in turn (one request at a time): a load spike on the machine falls
 * on all of them alike instead of on whichever series happened to run then.
 */
async function interleaved(variants: Variant[]): Promise<Row[]> {
  for (let i = 0; i < WARMUP; i++) for (const v of variants) await ttft(v.url, v.body, v.headers);
  const xs = variants.map(() => [] as number[]);
  for (let i = 0; i < REQUESTS; i++) for (const [j, v] of variants.entries()) xs[j]?.push(await ttft(v.url, v.body, v.headers));
  return variants.map((v, j) => {
    const row = { name: v.name, n: xs[j]?.length ?? 0, p50_ms: round(pct(xs[j] ?? [], 50), 3), p99_ms: round(pct(xs[j] ?? [], 99), 3) };
    console.log(`${v.name.padEnd(12)} p50 ${row.p50_ms.toFixed(3)} ms   p99 ${row.p99_ms.toFixed(3)} ms`);
    return row;
  });
}

async function main(): Promise<void> {
  const llm = await startLoopbackLlmServer({ model: 'bench-llm', replyTokens: 8 });
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  const { tenantId: tenant, key } = await benchTenantKey(pg, PREFIX);
  try {
    const gwPort = await freePort();
    // GATEWAY_NODE_ARGS: extra node flags for the gateway process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`)
    const nodeArgs = (process.env['GATEWAY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const gw = launchGateway({
      DATABASE_URL, REDIS_PREFIX: PREFIX, PORT: String(gwPort), HOST: '127.0.0.1',
      UPSTREAM_BASE_URL: llm.baseUrl, UPSTREAM_MODEL: llm.model, ENCODERS: 'inline', ENCODER_OCR: 'false', ENCODER_NSFW: 'false', GATEWAY_IMAGE_SAFETY: 'false',
      RATE_LIMIT_PER_KEY: '1000000', METRICS_ENABLED: 'true',
      // --gateway-env K=V,K=V: what a setting costs (e.g. RATE_LIMIT_PER_KEY=0, LOG_LEVEL=silent)
      ...Object.fromEntries((flags.get('gateway-env') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string])),
    }, nodeArgs);
    const proxyPort = await freePort();
    const upstreamRoot = llm.baseUrl.replace(/\/v1$/, '');
    const proxy = launch(['bench/multimodal/bare-proxy.mjs', String(proxyPort), upstreamRoot], {});
    await waitReady(`http://127.0.0.1:${gwPort}/readyz`, gw);
    await waitReady(`http://127.0.0.1:${proxyPort}/v1/models`, proxy);

    const messages = [{ role: 'user', content: 'What is the capital of France? Answer briefly.' }];
    const text = JSON.stringify({ model: llm.model, stream: true, messages });
    const png = await sharp({ create: { width: SIDE, height: Math.round((SIDE * 3) / 4), channels: 3, background: '#5a8' } }).png().toBuffer();
    const withImage = JSON.stringify({ model: llm.model, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]?.content }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] }] });
    const auth = { authorization: `Bearer ${key}` };
    console.log(`TTFT, ${REQUESTS} streamed requests per variant, one at a time, variants interleaved (after ${WARMUP} warm-up rounds); loopback upstream at 0 ms per token`);
    const [direct, bare, shipped, image] = (await interleaved([
      { name: 'direct', url: `${llm.baseUrl}/chat/completions`, body: text, headers: {} },
      { name: 'bare-proxy', url: `http://127.0.0.1:${proxyPort}/v1/chat/completions`, body: text, headers: {} },
      { name: 'shipped', url: `http://127.0.0.1:${gwPort}/v1/chat/completions`, body: text, headers: auth },
      { name: 'shipped+img', url: `http://127.0.0.1:${gwPort}/v1/chat/completions`, body: withImage, headers: auth },
    ])) as [Row, Row, Row, Row];
    const overheadP50 = round(shipped.p50_ms - direct.p50_ms, 3);
    const p99Ratio = round(shipped.p99_ms / bare.p99_ms, 2);
    console.log(`shipped overhead over direct, p50: +${overheadP50} ms (target ≤ +1 ms); shipped p99 / bare-proxy p99: ${p99Ratio}× (target ≤ 2×)`);
    printHeadline('multimodal-gateway-overhead', { requests: REQUESTS, image_side: SIDE, rows: [direct, bare, shipped, image], shipped_overhead_p50_ms: overheadP50, shipped_p99_over_bare_p99: p99Ratio });
  } finally {
    killAll();
    await pg.query('DELETE FROM tenants WHERE id = $1', [tenant]);
    await pg.end();
    await llm.close();
  }
}

runBench(main);
