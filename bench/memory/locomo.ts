/**
 * LoCoMo retrieval recall of long-term memory (issue 4): each conversation is one memory scope,
 * ingested through the real pipeline (storeSession + processSession, Postgres, USE-lite 512-d,
 * EmbeddedVectorIndex), then every question of categories 1–4 is asked with searchMemories
 * (record: false). A hit: a retrieved memory's provenance holds an evidence dia_id. Baselines in
 * the same run: BM25 over the raw turns, plain cosine (the index's dense search alone). Ingest
 * modes: turns as observations (dedup off, and with the default dedup), and the rule-based
 * extractor. The relevance weights, candidate pool and recency term are swept.
 *
 *   node -r @swc-node/register bench/memory/locomo.ts [--locomo <locomo-dev.json>]
 *
 * --locomo: LoCoMo-format JSON (default ../shared/data/locomo-dev.json, when present).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { DEFAULT_DEDUP, DEFAULT_RELEVANCE, ruleBasedExtractor, turnObservationExtractor, type Extractor } from '@frontier/memory-domain';
import type { MemoryOptions } from '@frontier/memory-nest';
import { createBenchMemory } from './lib/bench-memory';
import { datasetPath, noPositionalArgs, printHeadline, round } from '../lib/harness';
import { benchEmbedder, openBenchDb } from './lib/bench-db';
import { loadLocomo } from './lib/locomo-data';
import { CATEGORIES, CATEGORY_NAMES, evaluateConversation, sweepGrid, sweepName, Tally, type SweepConfig } from './lib/locomo-eval';
import { ingestConversation, type IngestStats } from './lib/locomo-ingest';

const DAY = 86_400_000;
noPositionalArgs('bench/memory/locomo.ts [--locomo <locomo-dev.json>]');
const path = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const OFF = { duplicate: 2, related: 2 }; // cos never exceeds 1: every turn is stored

interface Mode {
  name: string;
  extractor: Extractor;
  options: MemoryOptions;
  sweep: SweepConfig[];
}

const FULL_SWEEP = sweepGrid([20, 40, 80], [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
const SMALL_SWEEP = sweepGrid([40], [0.3, 0.5, 0.7]);
const MODES: Mode[] = [
  { name: 'turns', extractor: turnObservationExtractor, options: { dedup: OFF }, sweep: FULL_SWEEP },
  { name: 'turns+dedup', extractor: turnObservationExtractor, options: { dedup: DEFAULT_DEDUP }, sweep: SMALL_SWEEP },
  { name: 'turns+dedup 0.95/0.85', extractor: turnObservationExtractor, options: { dedup: { duplicate: 0.95, related: 0.85 } }, sweep: SMALL_SWEEP },
  { name: 'turns+dedup 0.95/0.9', extractor: turnObservationExtractor, options: { dedup: { duplicate: 0.95, related: 0.9 } }, sweep: SMALL_SWEEP },
  { name: 'rules', extractor: ruleBasedExtractor, options: {}, sweep: SMALL_SWEEP },
];

const pct = (x: number) => (100 * x).toFixed(1);

function table(tally: Tally, methods: string[]): string {
  const head = `| method | ${CATEGORIES.map((c) => `${c} ${CATEGORY_NAMES[c]} @5 / @10`).join(' | ')} | all @5 / @10 |`;
  const sep = `|---|${CATEGORIES.map(() => '---').join('|')}|---|`;
  const rows = methods.map((m) => {
    const r = tally.recall(m);
    const cells = [...CATEGORIES.map(String), 'all'].map((k) => `${pct(r[k]?.r5 ?? 0)} / ${pct(r[k]?.r10 ?? 0)}`);
    return `| ${m} | ${cells.join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const convs = loadLocomo(path);
  const questions = convs.reduce((n, c) => n + c.questions.length, 0);
  const dropped = convs.reduce((n, c) => n + c.droppedQuestions, 0);
  const embedder = benchEmbedder();
  const db = await openBenchDb('locomo');
  const tally = new Tally();
  const ingest: Record<string, IngestStats & { memories: number }> = {};
  let agree = 0;
  let asked = 0;
  try {
    for (const mode of MODES) {
      const total: IngestStats & { memories: number } = { sessions: 0, skipped: 0, added: 0, superseded: 0, duplicates: 0, forgotten: 0, forgetRefused: 0, ms: 0, memories: 0 };
      for (const conv of convs) {
        const last = conv.sessions[conv.sessions.length - 1];
        const now = new Date((last?.date.getTime() ?? Date.now()) + DAY);
        const deps = createBenchMemory({ prisma: db.prisma, embedder, extractor: mode.extractor, options: mode.options, clock: () => now });
        const scope = { tenantId: db.tenantId, userId: `${mode.name}:${conv.sampleId}` };
        const s = await ingestConversation(deps, scope, conv);
        for (const k of ['sessions', 'skipped', 'added', 'superseded', 'duplicates', 'forgotten', 'forgetRefused', 'ms'] as const) total[k] += s[k];
        total.memories += await deps.ctx.index.count(scope);
        const r = await evaluateConversation(deps, scope, conv, { tally, mode: mode.name, now, defaultWeights: DEFAULT_RELEVANCE, sweep: mode.sweep, bm25Baseline: mode.name === 'turns' });
        agree += r.agree;
        asked += r.asked;
        await deps.ctx.index.close();
        embedder.save();
        process.stderr.write(`${mode.name} ${conv.sampleId}: ${s.added} memories, ${s.forgotten} deleted by forget commands (${s.forgetRefused} refused), ${(s.ms / 1000).toFixed(1)} s ingest\n`);
      }
      ingest[mode.name] = total;
    }
  } finally {
    await embedder.close();
    await db.close();
  }

  const all = (m: string) => tally.recall(m)['all'] ?? { n: 0, r5: 0, r10: 0 };
  const bestOf = (cs: SweepConfig[]) => cs.map((c) => ({ c, r: all(`turns | ${sweepName(c)}`) })).sort((a, b) => b.r.r10 - a.r.r10 || b.r.r5 - a.r.r5)[0];
  const best = bestOf(FULL_SWEEP);
  const bestShipped = bestOf(FULL_SWEEP.filter((c) => c.recency === 'on' && c.pool === 40));
  const headlineMethods = ['baseline | BM25 over turns', ...MODES.flatMap((m) => [`${m.name} | plain cosine (dense only)`, `${m.name} | RRF pool order (no re-scoring)`, `${m.name} | ours (searchMemories)`, `${m.name} | ours without recency`])];
  const out: string[] = [];
  out.push(`LoCoMo ${path}: ${convs.length} conversations, ${questions} questions (categories 1–4; ${dropped} dropped: no evidence id after cleaning)`);
  out.push(`default weights dense ${DEFAULT_RELEVANCE.dense} / lexical ${DEFAULT_RELEVANCE.lexical}, pool 40; sweep re-scoring reproduces searchMemories on ${agree}/${asked} queries`);
  out.push(`ingest: ${JSON.stringify(ingest)}`);
  out.push(`deleted by forget commands: ${Object.entries(ingest).map(([m, t]) => `${m} ${t.forgotten} (${t.forgetRefused} refused)`).join(', ')}`);
  out.push('', '## recall@5 / @10 (%)', table(tally, headlineMethods));
  out.push('', '## sweep on turns (dedup off): overall recall@5 / @10 (%) by dense weight (lexical = 1 − dense)');
  const weights = [...new Set(FULL_SWEEP.map((c) => c.dense))];
  out.push(`| pool | recency | ${weights.map((w) => w.toFixed(1)).join(' | ')} |`, `|---|---|${weights.map(() => '---').join('|')}|`);
  for (const pool of [...new Set(FULL_SWEEP.map((c) => c.pool))])
    for (const recency of ['on', 'off', 'blend'] as const)
      out.push(`| ${pool} | ${recency} | ${weights.map((w) => { const r = all(`turns | ${sweepName({ pool, dense: w, recency })}`); return `${pct(r.r5)} / ${pct(r.r10)}`; }).join(' | ')} |`);
  if (best && bestShipped) out.push('', `best on turns: ${sweepName(best.c)}; best with the shipped recency and pool: ${sweepName(bestShipped.c)}`, table(tally, [`turns | ${sweepName(best.c)}`, `turns | ${sweepName(bestShipped.c)}`]));
  out.push('', '## other modes, sweep points', table(tally, tally.methods().filter((m) => !m.startsWith('turns |') && m.includes('sweep'))));
  process.stdout.write(`${out.join('\n')}\n`);
  mkdirSync('tmp/memory-bench', { recursive: true });
  writeFileSync('tmp/memory-bench/locomo-results.json', JSON.stringify({ recall: Object.fromEntries(tally.methods().map((m) => [m, tally.recall(m)])), ingest }, null, 1));

  const r10 = (m: string) => round(all(m).r10, 3);
  const r5 = (m: string) => round(all(m).r5, 3);
  printHeadline('memory-locomo', {
    questions,
    recall10: { ours: r10('turns | ours (searchMemories)'), oursNoRecency: r10('turns | ours without recency'), bm25: r10('baseline | BM25 over turns'), cosine: r10('turns | plain cosine (dense only)'), oursDedup: r10('turns+dedup | ours (searchMemories)'), oursDedup90: r10('turns+dedup 0.95/0.9 | ours (searchMemories)'), rules: r10('rules | ours (searchMemories)') },
    recall5: { ours: r5('turns | ours (searchMemories)'), oursNoRecency: r5('turns | ours without recency'), bm25: r5('baseline | BM25 over turns'), cosine: r5('turns | plain cosine (dense only)'), oursDedup: r5('turns+dedup | ours (searchMemories)'), oursDedup90: r5('turns+dedup 0.95/0.9 | ours (searchMemories)'), rules: r5('rules | ours (searchMemories)') },
    best: best ? { ...best.c, r5: round(best.r.r5, 3), r10: round(best.r.r10, 3) } : null,
    bestShippedRecency: bestShipped ? { ...bestShipped.c, r5: round(bestShipped.r.r5, 3), r10: round(bestShipped.r.r10, 3) } : null,
    defaults: DEFAULT_RELEVANCE,
    seconds: round((performance.now() - t0) / 1000, 1),
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
