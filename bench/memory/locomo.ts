/**
 * LoCoMo retrieval recall of long-term memory at a context budget (issue 14). Rows, one run:
 * - `shipped`: exactly what the service runs by default offline — storeSession + processSession
 *   (default extractor: the rules; default options: the episodic tier on) into Postgres and the
 *   embedded index, then searchMemories with default options (record: false) per question;
 * - `bm25`: BM25 over single turns ("speaker: words"); `dense`: cosine over single turns (USE-lite
 *   vectors; queries by the service's query embedder, and by USE-lite itself);
 * - variants: the two tiers built in process with the domain's own functions and searched in the
 *   same embedded hybrid index (bench/memory/lib/locomo-variants.ts), swept over the tuned knobs
 *   (what the lexical side indexes, neighbours attached, relevance weights, recency policy, the
 *   share of the lexical score from a candidate's own text);
 * - `cv`: leave-one-conversation-out — every tuned knob chosen on 5 conversations, scored on the 6th;
 *   `cvFourthPass`: the same folds without a fact moved before its own turn's episode (the pipeline before).
 * The primary figure is recall at `--budget-words` (default 300): items in rank order, whole items
 * only, until their words would pass the budget; an evidence turn counts when an item inside the
 * budget contains or cites it (share of each question's evidence turns, averaged). @5/@10 beside it,
 * and `answerWordsInContext`: the share of the gold answer's content words found in the texts inside
 * the budget (a lenient proxy of answerability — what a photo's caption can add to a turn already found).
 *
 * `--photos drop` (default): a turn is its words only — the input of every pass's headline and of the
 * issue's baselines. `--photos caption`: a turn that shares a photo says `<text> [shared <blip_caption>]` —
 * LoCoMo's own RAG format for such turns (`… and shared <caption>`), the same stored/indexed text for every
 * row (recall at the budget 0.6 lower on dev: 13.5 caption words per photo turn; answer words in the
 * context higher). The dataset's `query` (its authors' image search term) and `img_url` are never read.
 *
 *   node -r @swc-node/register bench/memory/locomo.ts [--locomo <locomo-dev.json>] [--budget-words 300] [--photos drop|caption]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Bm25Index, countWords, DEFAULT_RERANK_MODEL, RERANK_FEATURES, type RerankModel, DEFAULT_NEIGHBOURS, DEFAULT_OWN_TEXT_SHARE, DEFAULT_RECENCY, DEFAULT_RELEVANCE, EPISODE_INDEX_WIDTH, type RecencyPolicy } from '@frontier/memory-domain';
import { memoryQueryEmbedder } from '@frontier/memory-nest';
import { benchArgs, datasetPath, noPositionalArgs, printHeadline, round, usageError } from '../lib/harness';
import { createBenchMemory } from './lib/bench-memory';
import { benchEmbedder, openBenchDb } from './lib/bench-db';
import { loadLocomo, photosFlag, turnText, type LocomoConversation } from './lib/locomo-data';
import { CATEGORIES, recallTable, scoreQuestion, summarise, type QuestionScore, type RetrievedItem } from './lib/locomo-eval';
import { ingestConversation, type IngestStats } from './lib/locomo-ingest';
import { collectPools, evaluate, fitLogistic, meanBudget, withFeatures, type FitOptions } from './lib/locomo-rerank';
import { looCv, prepare, scoreVariant, variantName, type IndexText, type PreparedConversation, type VariantConfig } from './lib/locomo-variants';

const DAY = 86_400_000;
const USAGE = 'bench/memory/locomo.ts [--locomo <locomo-dev.json>] [--budget-words 300] [--photos drop|caption]';
noPositionalArgs(USAGE);
const photos = photosFlag(USAGE);
const path = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const budgetWords = Number(benchArgs().flags.get('budget-words') ?? 300);
if (!Number.isInteger(budgetWords) || budgetWords < 1) usageError(`--budget-words must be a positive integer; usage: ${USAGE}`);

const P = (mode: RecencyPolicy['mode'], weight: number, undecayedPast: boolean): RecencyPolicy => ({ mode, weight, undecayedPast });
/** The dense/lexical blend's knobs (the first pass of issue 14), cross-validated as a reference: recency stays in every candidate. */
const RECENCIES = [P('product', 0, true), P('blend', 0.3, true), P('prior', 0.02, true)];
const GRID: VariantConfig[] = (['none', 'answer'] as const).flatMap((neighbours) =>
  [0.5, 0.6, 0.7].flatMap((dense) => RECENCIES.flatMap((recency) => [0, 0.2, 0.3].map((ownText) => ({ index: 'window2' as IndexText, neighbours, pool: 100, dense, recency, facts: true, ownText })))),
);
/** The previous default: relevance = the dense/lexical blend with the own-text share, over the ±2-window index's pool of 100, recency as a prior of 0.02. */
const BLEND: VariantConfig = { ownText: DEFAULT_OWN_TEXT_SHARE, index: (['dated', 'window', 'window2', 'window3'] as IndexText[])[Math.min(3, Number(EPISODE_INDEX_WIDTH))] as IndexText, neighbours: DEFAULT_NEIGHBOURS, pool: 100, dense: DEFAULT_RELEVANCE.dense, recency: P('prior', 0.02, true), facts: true };
/** What the service runs: the learned re-ranker (its shipped weights) over the same pool, the default recency policy. */
const DEFAULT: VariantConfig = { ...BLEND, recency: DEFAULT_RECENCY, rerank: DEFAULT_RERANK_MODEL, rerankName: 'default' };
/** How the re-ranker is fitted (the shipped weights: this fit on all six conversations). */
const RERANK_FIT: FitOptions = { l2: 1 };
/** The recency policies cross-validation chooses among with the re-ranker (off is a reference row only). */
const RERANK_RECENCIES = [P('prior', 0.002, true), P('prior', 0.005, true), P('prior', 0.01, true), P('prior', 0.02, true), P('blend', 0.1, true), P('blend', 0.3, true), P('product', 0, true)];
/** Reference rows: one knob of the default moved (not chosen among). */
const REFERENCES: Array<{ name: string; c: VariantConfig }> = [
  { name: 'default setting, in process (learned re-ranker)', c: DEFAULT },
  { name: 'previous default: dense/lexical blend + own-text share', c: BLEND },
  { name: 'the fourth pass (no fact before its own episode: the collapse keeps whichever ranks first)', c: { ...DEFAULT, factsFirst: false } },
  { name: 'recency off', c: { ...DEFAULT, recency: P('off', 0, false) } },
  { name: 'recency prior 0.02 (the choice before the re-ranker)', c: { ...DEFAULT, recency: P('prior', 0.02, true) } },
  { name: "the seed's recency product (no past exemption)", c: { ...DEFAULT, recency: P('product', 0, false) } },
  { name: 'episodes only (no facts)', c: { ...DEFAULT, facts: false } },
  { name: 'lexical: ±1 neighbours', c: { ...DEFAULT, index: 'window' } },
  { name: 'lexical: ±3 neighbours', c: { ...DEFAULT, index: 'window3' } },
  { name: 'attach answer neighbours', c: { ...DEFAULT, neighbours: 'answer' } },
  { name: 'seed-like: dated turn, pool 40, dense 0.5, recency product', c: { index: 'dated', neighbours: 'none', pool: 40, dense: 0.5, recency: P('product', 0, false), facts: true, ownText: 0 } },
];

const nowOf = (conv: LocomoConversation) => new Date((conv.sessions[conv.sessions.length - 1]?.date.getTime() ?? Date.now()) + DAY);

/** BM25 and dense cosine over single turns ("speaker: words"), under the same budget. */
async function baselines(conv: LocomoConversation, p: PreparedConversation, embed: (t: string[]) => Promise<Float32Array[]>): Promise<{ bm25: QuestionScore[]; dense: QuestionScore[]; denseModel: QuestionScore[] }> {
  const turns = conv.sessions.flatMap((s) => s.turns);
  const words = new Map(turns.map((t) => [t.dia_id, countWords(turnText(t))]));
  const bm = new Bm25Index();
  for (const t of turns) bm.add(t.dia_id, turnText(t));
  const vectors = await embed(turns.map(turnText));
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  const texts = new Map(turns.map((t) => [t.dia_id, turnText(t)]));
  const item = (id: string): RetrievedItem => ({ turnIds: [id], words: words.get(id) ?? 0, text: texts.get(id) ?? '' });
  const bm25: QuestionScore[] = [];
  const dense: QuestionScore[] = [];
  const denseModel: QuestionScore[] = [];
  const modelQueries = await embed(conv.questions.map((q) => q.question));
  const rank = (qv: Float32Array) => {
    const qn = norm(qv);
    return turns
      .map((t, i) => {
        const v = vectors[i] as Float32Array;
        let dot = 0;
        for (let k = 0; k < v.length; k++) dot += (v[k] as number) * (qv[k] as number);
        return { id: t.dia_id, s: dot / (norm(v) * qn) };
      })
      .sort((a, b) => b.s - a.s)
      .slice(0, 100)
      .map((r) => item(r.id));
  };
  conv.questions.forEach((q, qi) => {
    bm25.push(scoreQuestion(q, bm.search(q.question, 100).map((h) => item(h.id)), budgetWords));
    denseModel.push(scoreQuestion(q, rank(modelQueries[qi] as Float32Array), budgetWords));
    dense.push(scoreQuestion(q, rank(p.queries[qi] as Float32Array), budgetWords));
  });
  return { bm25, dense, denseModel };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const convs = loadLocomo(path, { photos });
  const questions = convs.reduce((n, c) => n + c.questions.length, 0);
  const dropped = convs.reduce((n, c) => n + c.droppedQuestions, 0);
  const embedder = benchEmbedder();
  // the service's default query embedder (memory module: the static table distilled from USE-lite)
  const queryEmbedder = await memoryQueryEmbedder(embedder, {});
  const db = await openBenchDb('locomo');
  const shipped: QuestionScore[] = [];
  const ingest: IngestStats & { memories: number; episodes: number } = { sessions: 0, skipped: 0, added: 0, superseded: 0, duplicates: 0, forgotten: 0, forgetRefused: 0, ms: 0, memories: 0, episodes: 0 };
  let searchMs = 0;
  try {
    for (const conv of convs) {
      const now = nowOf(conv);
      // the service's defaults: no extractor, no options given
      const deps = createBenchMemory({ prisma: db.prisma, embedder, queryEmbedder, clock: () => now });
      const scope = { tenantId: db.tenantId, userId: `shipped:${conv.sampleId}` };
      const s = await ingestConversation(deps, scope, conv);
      for (const k of ['sessions', 'skipped', 'added', 'superseded', 'duplicates', 'forgotten', 'forgetRefused', 'ms'] as const) ingest[k] += s[k];
      ingest.memories += await deps.ctx.index.count(scope);
      ingest.episodes += await db.prisma.memory.count({ where: { tenantId: db.tenantId, userId: scope.userId, type: 'episode', deletedAt: null } });
      const ts = performance.now();
      for (const q of conv.questions) {
        const r = await deps.svc.memories.search(scope, { query: q.question, limit: 50, record: false });
        const items = r.memories.map((m) => ({
          turnIds: [...(m.context?.before ?? []).map((t) => t.id), ...m.memory.provenance.turnIds, ...(m.context?.after ?? []).map((t) => t.id)],
          words: countWords(m.memory.text) + [...(m.context?.before ?? []), ...(m.context?.after ?? [])].reduce((n, t) => n + countWords(t.text), 0),
          text: [...(m.context?.before ?? []).map((t) => t.text), m.memory.text, ...(m.context?.after ?? []).map((t) => t.text)].join(' '),
        }));
        shipped.push(scoreQuestion(q, items, budgetWords));
      }
      searchMs += performance.now() - ts;
      await deps.ctx.index.close();
      embedder.save();
      process.stderr.write(`shipped ${conv.sampleId}: ${s.added} facts, ${(s.ms / 1000).toFixed(1)} s ingest\n`);
    }
  } finally {
    await db.close();
  }

  // in process: baselines, the grid, the reference rows
  const bm25: QuestionScore[] = [];
  const dense: QuestionScore[] = [];
  const denseModel: QuestionScore[] = [];
  const grid: QuestionScore[][][] = GRID.map(() => []);
  const refs: QuestionScore[][] = REFERENCES.map(() => []);
  const prepared: Array<{ p: PreparedConversation; now: Date }> = [];
  for (const conv of convs) {
    const now = nowOf(conv);
    const p = await prepare(conv, embedder, [40, 100], now, undefined, queryEmbedder);
    embedder.save();
    const b = await baselines(conv, p, (t) => embedder.embed(t));
    bm25.push(...b.bm25);
    dense.push(...b.dense);
    denseModel.push(...b.denseModel);
    GRID.forEach((c, i) => (grid[i] as QuestionScore[][]).push(scoreVariant(p, c, now, budgetWords)));
    REFERENCES.forEach((r, i) => (refs[i] as QuestionScore[]).push(...scoreVariant(p, r.c, now, budgetWords)));
    prepared.push({ p, now });
    process.stderr.write(`variants ${conv.sampleId} done\n`);
  }
  await embedder.close();
  // the learned re-ranker, leave one conversation out: fitted on the other five's pools, the held one ranked by the real pipeline
  const pools = prepared.map(({ p, now }) => withFeatures(collectPools(p, DEFAULT.pool, now)));
  const rerankCv: QuestionScore[] = [];
  const rerankCvBefore: QuestionScore[] = [];
  const foldModels: RerankModel[] = [];
  const foldRecency: RecencyPolicy[] = [];
  prepared.forEach(({ p, now }, held) => {
    const train = pools.filter((_, k) => k !== held).flat();
    const model = fitLogistic(train, RERANK_FIT);
    // the recency policy chosen on the same five conversations (with this fold's model; ties: the earlier)
    const fits = RERANK_RECENCIES.map((r) => meanBudget(evaluate(train, model, budgetWords, r)));
    const recency = RERANK_RECENCIES[fits.indexOf(Math.max(...fits))] as RecencyPolicy;
    foldModels.push(model);
    foldRecency.push(recency);
    rerankCv.push(...scoreVariant(p, { ...DEFAULT, rerank: model, rerankName: `fold ${p.conv.sampleId}`, recency }, now, budgetWords));
    // the same fold without a fact before its own episode (the fourth pass's pipeline), its recency chosen that way too
    const before = RERANK_RECENCIES.map((r) => meanBudget(evaluate(train, model, budgetWords, { recency: r, factFirst: false })));
    const recencyBefore = RERANK_RECENCIES[before.indexOf(Math.max(...before))] as RecencyPolicy;
    rerankCvBefore.push(...scoreVariant(p, { ...DEFAULT, rerank: model, rerankName: `fold ${p.conv.sampleId}`, recency: recencyBefore, factsFirst: false }, now, budgetWords));
  });
  const refit = fitLogistic(pools.flat(), RERANK_FIT);
  const refitScores = prepared.flatMap(({ p, now }) => scoreVariant(p, { ...DEFAULT, rerank: refit, rerankName: 'refit on all six' }, now, budgetWords));
  const cvBlend = looCv(grid, GRID);
  const inSample = GRID.map((c, i) => ({ c, r: summarise((grid[i] as QuestionScore[][]).flat()) })).sort((a, b) => (b.r['all']?.budget ?? 0) - (a.r['all']?.budget ?? 0));
  const best = inSample[0];

  const all = (xs: QuestionScore[]) => summarise(xs);
  const rows = [
    { name: '**shipped** (the service, default options: the learned re-ranker)', r: all(shipped) },
    { name: 'bm25 over single turns', r: all(bm25) },
    { name: 'dense cosine over single turns (USE-lite turns, the service query embedder)', r: all(dense) },
    { name: 'dense cosine over single turns (USE-lite turns and queries)', r: all(denseModel) },
    { name: '**cv**: the learned re-ranker, leave-one-conversation-out (weights and recency policy chosen on 5, scored on the 6th)', r: all(rerankCv) },
    { name: 'cv of the fourth pass (same folds, no fact before its own episode)', r: all(rerankCvBefore) },
    { name: 'the re-ranker refitted on all six (in-sample; the shipped weights are this fit rounded)', r: all(refitScores) },
    { name: 'cv of the blend grid (the previous tuning: neighbours, dense weight, recency, own-text share)', r: all(cvBlend.scores) },
    ...(best ? [{ name: `in-sample best of the blend grid: ${variantName(best.c)}`, r: best.r }] : []),
    ...REFERENCES.map((x, i) => ({ name: `${x.name} — ${variantName(x.c)}`, r: all(refs[i] as QuestionScore[]) })),
  ];
  const recencyName = (r: RecencyPolicy) => `${r.mode}${r.mode === 'blend' || r.mode === 'prior' ? ` ${r.weight}` : ''}${r.undecayedPast ? ' (+past undecayed)' : ''}`;
  const modelText = (m: RerankModel) => `bias ${m.bias.toFixed(2)}, ${RERANK_FEATURES.map((f) => `${f} ${m.weights[f].toFixed(2)}`).join(', ')}`;
  const out: string[] = [];
  const photoTurns = convs.reduce((n, c) => n + c.sessions.reduce((m, s) => m + s.turns.filter((t) => t.caption).length, 0), 0);
  out.push(`LoCoMo ${path}: ${convs.length} conversations, ${questions} questions (categories 1–4; ${dropped} dropped: no evidence id after cleaning); budget ${budgetWords} words; photos ${photos} (${photoTurns} turns share one)`);
  out.push(`shipped ingest: ${JSON.stringify(ingest)}; search ${(searchMs / questions).toFixed(1)} ms/question`);
  out.push(`defaults: ${variantName(DEFAULT)}`);
  out.push(`re-ranker refitted on all six: ${modelText(refit)}`, ...foldModels.map((m, i) => `fold ${convs[i]?.sampleId} (fitted without it): ${modelText(m)}`));
  out.push(`blend grid cv folds chose: ${cvBlend.chosen.map((i) => variantName(GRID[i] as VariantConfig)).join(' | ')}`);
  out.push('', `## recall at ${budgetWords} words (share of evidence turns), per category (@5 / @10 any evidence)`, recallTable(rows, budgetWords));
  out.push('', `## the blend grid (${GRID.length} settings), in-sample, best 10`, recallTable(inSample.slice(0, 10).map((x) => ({ name: variantName(x.c), r: x.r })), budgetWords));
  process.stdout.write(`${out.join('\n')}\n`);
  mkdirSync('tmp/memory-bench', { recursive: true });
  writeFileSync(`tmp/memory-bench/locomo-results${photos === 'drop' ? '' : '-captions'}.json`, JSON.stringify({ rows, grid: inSample.map((x) => ({ name: variantName(x.c), r: x.r })), cvBlendChosen: cvBlend.chosen.map((i) => variantName(GRID[i] as VariantConfig)), refit, foldModels, ingest }, null, 1));

  const fig = (r: ReturnType<typeof summarise>, k: 'budget' | 'budgetAny' | 'r5' | 'r10' | 'answer') => round(r['all']?.[k] ?? 0, 3);
  const named = {
    shipped: all(shipped),
    bm25: all(bm25),
    dense: all(dense),
    denseModelQueries: all(denseModel),
    cv: all(rerankCv),
    cvFourthPass: all(rerankCvBefore),
    inSample: all(refitScores),
    defaultInProcess: all(refs[0] as QuestionScore[]),
    fourthPassInProcess: all(refs[2] as QuestionScore[]),
    previousDefaultInProcess: all(refs[1] as QuestionScore[]),
    cvBlendGrid: all(cvBlend.scores),
  };
  const per = (k: 'budget' | 'budgetAny' | 'r5' | 'r10' | 'answer') => Object.fromEntries(Object.entries(named).map(([m, r]) => [m, fig(r, k)]));
  printHeadline('memory-locomo', {
    questions,
    budgetWords,
    photos,
    recallAtBudget: per('budget'),
    recallAtBudgetAnyEvidence: per('budgetAny'),
    recall5: per('r5'),
    recall10: per('r10'),
    answerWordsInContext: per('answer'),
    perCategoryAtBudget: Object.fromEntries((['shipped', 'bm25', 'cv', 'cvFourthPass', 'inSample'] as const).map((m) => [m, Object.fromEntries(CATEGORIES.map((c) => [c, round(named[m][String(c)]?.budget ?? 0, 3)]))])),
    defaults: variantName(DEFAULT),
    cvRecency: foldRecency.map(recencyName),
    seconds: round((performance.now() - t0) / 1000, 1),
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
