/**
 * Does embedding search queries with the static table cost recall? (issue 14, search under load)
 * On LoCoMo, the two tiers are built and ranked with the domain's own functions (Helper A's
 * `locomo-variants`: episodes + rule facts, the embedded hybrid index, rankMemories with the
 * default recency, provenance collapse, neighbours) — documents always embedded by USE-lite —
 * and every question is asked twice: its vector from USE-lite (`model`, as before) and from the
 * static table distilled from it (`static`, the new default). Reported per dense weight: recall
 * at the 300-word budget (primary), recall@5/@10, per category, and the paired difference with
 * its 95 % interval over questions (noise). Also: dense-only recall@10 over episodes.
 * The shipped table was fitted on the dev conversations' texts (never the questions): with
 * `--tables <dir>`, conversation X is asked with `<dir>/loco-X.static.gz`, a table fitted without
 * X's texts (leave-one-conversation-out: the figure for conversations the table never saw).
 *
 *   node -r @swc-node/register bench/memory/query-embedding.ts [--locomo ../shared/data/locomo-dev.json] [--budget 300] [--dense 0.2,0.35,0.5] [--tables <dir>]
 */
import { join } from 'node:path';
import * as domain from '@frontier/memory-domain';
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseStaticEmbedder } from '@frontier/ml-embeddings';
import { benchArgs, datasetPath, printHeadline, round } from '../lib/harness';
import { benchEmbedder } from './lib/bench-db';
import { loadLocomo } from './lib/locomo-data';
import { CATEGORIES, summarise, type QuestionScore } from './lib/locomo-eval';
import { prepare, scoreVariant, type VariantConfig } from './lib/locomo-variants';

const path = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const { flags } = benchArgs();
const BUDGET = Number(flags.get('budget') ?? 300);
const DENSE = (flags.get('dense') ?? '0.2,0.35,0.5').split(',').map(Number);
const TABLES = flags.get('tables');
const NOW = new Date('2024-01-01T00:00:00Z');

/** Documents through `docs`; the texts in `queries` through `query` (how `prepare` embeds questions). */
function split(docs: TextEmbedder, query: TextEmbedder, queries: ReadonlySet<string>): TextEmbedder {
  return {
    modelId: docs.modelId,
    adapter: 'split',
    dimension: docs.dimension,
    embed: (texts) => (texts.length && texts.every((t) => queries.has(t)) ? query.embed(texts) : docs.embed(texts)),
  };
}

/** Mean of paired differences (b − a) and its 95 % normal interval. */
function paired(a: QuestionScore[], b: QuestionScore[]): { diff: number; ci95: number } {
  const d = a.map((s, i) => (b[i] as QuestionScore).budget - s.budget);
  const n = d.length;
  const mean = d.reduce((x, y) => x + y, 0) / n;
  const sd = Math.sqrt(d.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1));
  return { diff: round(mean, 4), ci95: round((1.96 * sd) / Math.sqrt(n), 4) };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const convs = loadLocomo(path);
  const use = benchEmbedder('tmp/memory-bench/search-load-embeddings.json');
  const stat = await createUseStaticEmbedder();
  const questions = new Set(convs.flatMap((c) => c.questions.map((q) => q.question)));
  // the service's ranking defaults (read loosely: the ranking is Helper A's and still moving)
  const d = domain as unknown as Record<string, unknown>;
  const configs = DENSE.map((dense) => ({ index: 'dated', neighbours: d['DEFAULT_NEIGHBOURS'] ?? 'none', pool: 40, dense, recency: d['DEFAULT_RECENCY'], facts: true, ownText: d['DEFAULT_OWN_TEXT_SHARE'] ?? 0 }) as unknown as VariantConfig);
  const scores: Record<string, QuestionScore[]> = {};
  for (const [mode, shipped] of [
    ['model', use],
    ['static', stat],
  ] as const) {
    for (const conv of convs) {
      const q = mode === 'static' && TABLES ? await createUseStaticEmbedder({ tableFile: join(TABLES, `loco-${conv.sampleId}.static.gz`) }) : shipped;
      const p = await prepare(conv, split(use, q, questions), [40], NOW);
      for (const c of configs) (scores[`${mode} dense=${c.dense}`] ??= []).push(...scoreVariant(p, c, NOW, BUDGET));
      (scores[`${mode} dense-only`] ??= []).push(...scoreVariant(p, { ...configs[0], dense: 1 } as VariantConfig, NOW, BUDGET));
    }
    use.save();
  }
  await use.close();
  const rows: Record<string, unknown> = {};
  for (const [name, xs] of Object.entries(scores)) {
    const s = summarise(xs);
    const all = s['all'] as { budget: number; r5: number; r10: number; n: number };
    rows[name] = { budget: round(all.budget, 4), r5: round(all.r5, 4), r10: round(all.r10, 4), n: all.n, byCategory: Object.fromEntries(CATEGORIES.map((k) => [k, round((s[String(k)] as { budget: number }).budget, 4)])) };
    process.stdout.write(`${name.padEnd(20)} budget ${(100 * all.budget).toFixed(1)}  r5 ${(100 * all.r5).toFixed(1)}  r10 ${(100 * all.r10).toFixed(1)}  by category ${CATEGORIES.map((k) => (100 * (s[String(k)] as { budget: number }).budget).toFixed(1)).join(' / ')}\n`);
  }
  const diffs = Object.fromEntries([...DENSE.map(String), 'only'].map((d) => [d, paired(scores[d === 'only' ? 'model dense-only' : `model dense=${d}`] as QuestionScore[], scores[d === 'only' ? 'static dense-only' : `static dense=${d}`] as QuestionScore[])]));
  for (const [d, v] of Object.entries(diffs)) process.stdout.write(`static − model at dense=${d}: ${(100 * v.diff).toFixed(2)} ± ${(100 * v.ci95).toFixed(2)} points (budget recall, 95 % paired)\n`);
  printHeadline('memory-query-embedding', { budgetWords: BUDGET, staticRecipe: stat.recipe, crossValidated: !!TABLES, rows, staticMinusModel: diffs, seconds: round((performance.now() - t0) / 1000, 1) });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
