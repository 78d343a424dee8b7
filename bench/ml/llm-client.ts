/**
 * LLM client overhead per streamed token: the loopback vLLM-format server (in a worker thread, so
 * it has its own core, like a real upstream) streams N tokens with zero delay; we time
 *   - baseline: raw fetch + reading the body bytes, no parsing;
 *   - client:   createOpenAiChatModel().stream() — SSE parsing, JSON per chunk, deltas yielded;
 *   - parser:   SseParser + chunk parsing alone over the recorded body bytes (no HTTP).
 * Runs alternate baseline/client; medians over the runs; overhead = median of the paired
 * (client − baseline) differences, which is steadier than a difference of medians on a busy box.
 *
 *   node -r @swc-node/register bench/ml/llm-client.ts [tokens=2000] [runs=31]
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createOpenAiChatModel, parseStreamChunk, SseParser } from '@frontier/ml-llm';
import { median, printHeadline, round, sink } from '../lib/harness';

const TOKENS = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 31);
const WARMUP = 3;
const MODEL = 'loopback-llm';

function startServerInWorker(): Promise<{ baseUrl: string; worker: Worker }> {
  const entry = resolve(__dirname, 'llm/loopback-worker.ts');
  const code = `require('@swc-node/register'); require(${JSON.stringify(entry)});`;
  const worker = new Worker(code, { eval: true, workerData: { model: MODEL, replyTokens: TOKENS } });
  return new Promise((ok, fail) => {
    worker.once('message', (baseUrl: string) => ok({ baseUrl, worker }));
    worker.once('error', fail);
  });
}

async function main(): Promise<void> {
  const { baseUrl, worker } = await startServerInWorker();
  const messages = [{ role: 'user' as const, content: 'Stream a long answer, please.' }];
  const body = JSON.stringify({ model: MODEL, messages, stream: true, stream_options: { include_usage: true }, max_tokens: TOKENS });
  const model = createOpenAiChatModel({ baseUrl, model: MODEL });

  let recorded: Uint8Array[] = [];
  async function raw(): Promise<number> {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const ms = performance.now() - t0;
    recorded = chunks;
    return ms;
  }
  async function client(): Promise<number> {
    const t0 = performance.now();
    let deltas = 0;
    for await (const c of model.stream({ messages, maxTokens: TOKENS })) if (c.type === 'delta') deltas++;
    const ms = performance.now() - t0;
    if (deltas !== TOKENS) throw new Error(`expected ${TOKENS} deltas, got ${deltas}`);
    return ms;
  }
  function parserOnly(): number {
    const t0 = performance.now();
    const p = new SseParser();
    let n = 0;
    for (const chunk of recorded) {
      for (const e of p.pushBytes(chunk)) if (e.data !== '[DONE]') n += parseStreamChunk(e.data).content.length > 0 ? 1 : 0;
    }
    sink(n);
    return performance.now() - t0;
  }

  for (let i = 0; i < WARMUP; i++) {
    await raw();
    await client();
    parserOnly();
  }
  const rawMs: number[] = [];
  const clientMs: number[] = [];
  const parserMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    rawMs.push(await raw());
    clientMs.push(await client());
    parserMs.push(parserOnly());
  }
  await worker.terminate();

  const bytes = recorded.reduce((n, c) => n + c.length, 0);
  const us = (ms: number) => (ms * 1000) / TOKENS;
  const baseline = median(rawMs);
  const ours = median(clientMs);
  const parser = median(parserMs);
  const overhead = median(clientMs.map((c, i) => c - rawMs[i]));
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  console.log(`stream of ${TOKENS} tokens, ${bytes} bytes in ${recorded.length} reads; ${RUNS} runs (medians)`);
  console.log(`baseline raw fetch + read:   ${baseline.toFixed(2)} ms  (${us(baseline).toFixed(2)} µs/token)`);
  console.log(`client stream():             ${ours.toFixed(2)} ms  (${us(ours).toFixed(2)} µs/token)`);
  console.log(`SSE + chunk parsing alone:   ${parser.toFixed(2)} ms  (${us(parser).toFixed(2)} µs/token)`);
  console.log(`client overhead (paired):    ${us(overhead).toFixed(2)} µs/token; client/baseline ${(ours / baseline).toFixed(2)}×`);
  printHeadline('ml-llm-client', {
    tokens: TOKENS,
    runs: RUNS,
    cores: cpus().length,
    baseline_us_per_token: round(us(baseline), 2),
    client_us_per_token: round(us(ours), 2),
    overhead_us_per_token: round(us(overhead), 2),
    parser_only_us_per_token: round(us(parser), 2),
    ratio_client_vs_raw: round(ours / baseline, 2),
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
