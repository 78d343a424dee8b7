/**
 * Ingest throughput of long-term memory (issue 4): LoCoMo sessions per second through
 * storeSession + processSession (significance, extraction, embedding, dedup/conflict, Postgres,
 * index) with the rule-based extractor, and with turns-as-observations for comparison; the real
 * USE-lite encoder (no cache); median of repeats; the share of the time spent in the encoder.
 *
 *   node -r @swc-node/register bench/memory/ingest.ts [--locomo <locomo-dev.json>] [repeats=3]
 *
 * --locomo: LoCoMo-format JSON (default ../shared/data/locomo-dev.json, when present).
 */
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { ruleBasedExtractor, turnObservationExtractor, type Extractor } from '@frontier/memory-domain';
import { createBenchMemory } from './lib/bench-memory';
import { benchArgs, datasetPath, median, printHeadline, round, usageError } from '../lib/harness';
import { openBenchDb } from './lib/bench-db';
import { loadLocomo } from './lib/locomo-data';
import { ingestConversation } from './lib/locomo-ingest';

const path = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const REPEATS = Number(benchArgs().positional[0] ?? 3);
if (!Number.isInteger(REPEATS) || REPEATS < 1) usageError(`repeats must be a whole number ≥ 1, got ${benchArgs().positional[0]}; usage: bench/memory/ingest.ts [--locomo <locomo-dev.json>] [repeats=3]`);

function timed(inner: TextEmbedder): TextEmbedder & { ms: number; texts: number } {
  const t = {
    modelId: inner.modelId,
    adapter: inner.adapter,
    dimension: inner.dimension,
    ms: 0,
    texts: 0,
    async embed(texts: readonly string[]) {
      const t0 = performance.now();
      const out = await inner.embed(texts);
      t.ms += performance.now() - t0;
      t.texts += texts.length;
      return out;
    },
  };
  return t;
}

async function main(): Promise<void> {
  const convs = loadLocomo(path);
  const use = await createUseEmbedder({ inline: true });
  await use.embed(['warm up the encoder']);
  const db = await openBenchDb('ingest');
  const results: Record<string, { sessionsPerS: number; embedShare: number; memories: number; sessions: number; forgotten: number; forgetRefused: number; runsS: number[] }> = {};
  try {
    const modes: Array<[string, Extractor, number]> = [
      ['rules', ruleBasedExtractor, REPEATS],
      ['turns', turnObservationExtractor, REPEATS],
    ];
    for (const [name, extractor, repeats] of modes) {
      const runs: Array<{ s: number; share: number; mem: number; sessions: number; forgotten: number; forgetRefused: number }> = [];
      for (let r = 0; r < repeats; r++) {
        const embedder = timed(use);
        const deps = createBenchMemory({ prisma: db.prisma, embedder, extractor });
        let sessions = 0;
        let mem = 0;
        let forgotten = 0;
        let forgetRefused = 0;
        const t0 = performance.now();
        for (const conv of convs) {
          const s = await ingestConversation(deps, { tenantId: db.tenantId, userId: `${name}:${r}:${conv.sampleId}` }, conv);
          sessions += s.sessions;
          mem += s.added;
          forgotten += s.forgotten;
          forgetRefused += s.forgetRefused;
        }
        const ms = performance.now() - t0;
        await deps.ctx.index.close();
        runs.push({ s: ms / 1000, share: embedder.ms / ms, mem, sessions, forgotten, forgetRefused });
        process.stderr.write(`${name} run ${r}: ${sessions} sessions in ${(ms / 1000).toFixed(1)} s, ${embedder.texts} texts embedded (${((100 * embedder.ms) / ms).toFixed(0)}% of the time), ${forgotten} facts deleted by forget commands (${forgetRefused} refused)\n`);
      }
      const sessions = runs[0]?.sessions ?? 0;
      const medS = median(runs.map((x) => x.s));
      // deletions by command are reported, never silent: LoCoMo holds no command to the assistant, so 0 is expected
      results[name] = { sessionsPerS: round(sessions / medS, 2), embedShare: round(median(runs.map((x) => x.share)), 3), memories: runs[0]?.mem ?? 0, sessions, forgotten: runs[0]?.forgotten ?? 0, forgetRefused: runs[0]?.forgetRefused ?? 0, runsS: runs.map((x) => round(x.s, 1)) };
    }
  } finally {
    await use.close?.();
    await db.close();
  }
  for (const [k, v] of Object.entries(results)) process.stdout.write(`${k}: ${JSON.stringify(v)}\n`);
  printHeadline('memory-ingest', { ...results, repeats: REPEATS });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
