/**
 * Tuning harness for the learned re-ranker (issue 14): caches every question's candidate pool
 * (tmp/memory-bench/rerank-pools.json; embeddings from the bench's disk cache), then fits and
 * cross-validates models leaving one conversation out, in seconds. Not the bench: the figures that
 * count come from bench/memory/locomo.ts.
 *
 *   node -r @swc-node/register bench/memory/lib/locomo-tune.ts [--locomo <locomo-dev.json>] [--budget-words 300] [--fresh 1]
 *     [--pool 100] [--pool-mode base|expand|extra] [--extra-k 20]
 *     [--exp lr|ca|all|post|recency|ablate|miss|cv|trees|stage2|oracle|captions] [--photos drop|caption]
 * `--photos` as in locomo.ts (default drop); the captioned pools are cached apart (`…-captions.json`).
 * `--index window|window2|window3`: what the lexical side indexes for an episode (default window2, the service's ±2).
 * Every evaluation ranks as the service does now: a fact before its own turn's better-ranked episode
 * (memory-domain factsBeforeTheirEpisodes); `--exp cv` prints the same folds without it beside.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { collapseByProvenance, factsBeforeTheirEpisodes, rerankCandidates, rerankLogit, sigmoid, DEFAULT_NEIGHBOURS, DEFAULT_OWN_TEXT_SHARE, DEFAULT_RECENCY, DEFAULT_RELEVANCE, RERANK_FEATURES, type RecencyPolicy, type RerankModel } from '@frontier/memory-domain';
import { memoryQueryEmbedder } from '@frontier/memory-nest';
import { benchArgs, datasetPath } from '../../lib/harness';
import { benchEmbedder } from './bench-db';
import { captionsExperiment } from './locomo-captions';
import { loadLocomo, photosFlag } from './locomo-data';
import { summarise, type QuestionScore } from './locomo-eval';
import { irls, collectPools, coordinateAscent, evaluate, fitLogistic, meanBudget, withFeatures, type EvalOptions, type QuestionPool, type QuestionRows } from './locomo-rerank';
import { fitTrees, treeRows, type TreeFitOptions } from './locomo-trees';
import { ensembleValue } from './locomo-trees-model';
import { prepare, scoreVariant, type IndexText, type PoolMode } from './locomo-variants';
import { phraseFeatures } from './locomo-phrase';

const DAY = 86_400_000;
const POOL = Number(benchArgs().flags.get('pool') ?? 100);
const POOL_MODE: PoolMode = { mode: (benchArgs().flags.get('pool-mode') ?? 'base') as PoolMode['mode'], extraK: Number(benchArgs().flags.get('extra-k') ?? 20) };
const INDEX = (benchArgs().flags.get('index') ?? 'window2') as IndexText;
const PHOTOS = photosFlag('bench/memory/lib/locomo-tune.ts [--photos drop|caption] …');
const CACHE = `tmp/memory-bench/rerank-pools-${POOL}${POOL_MODE.mode === 'base' ? '' : `-${POOL_MODE.mode}${POOL_MODE.mode === 'extra' ? POOL_MODE.extraK : ''}`}${INDEX === 'window2' ? '' : `-${INDEX}`}${PHOTOS === 'drop' ? '' : '-captions'}.json`;
const path = datasetPath('locomo', '../shared/data/locomo-dev.json', { what: 'the LoCoMo conversations (JSON)' });
const budgetWords = Number(benchArgs().flags.get('budget-words') ?? 300);
const fresh = benchArgs().flags.has('fresh');

async function pools(): Promise<{ pools: QuestionPool[]; baseline: QuestionScore[] }> {
  if (!fresh && existsSync(CACHE)) return JSON.parse(readFileSync(CACHE, 'utf8')) as { pools: QuestionPool[]; baseline: QuestionScore[] };
  const convs = loadLocomo(path, { photos: PHOTOS });
  const embedder = benchEmbedder();
  const q = await memoryQueryEmbedder(embedder, {});
  const out: QuestionPool[] = [];
  const baseline: QuestionScore[] = [];
  for (const conv of convs) {
    const now = new Date((conv.sessions[conv.sessions.length - 1]?.date.getTime() ?? 0) + DAY);
    const p = await prepare(conv, embedder, [POOL], now, [INDEX], q, POOL_MODE);
    out.push(...collectPools(p, POOL, now, INDEX));
    baseline.push(...scoreVariant(p, { index: INDEX, neighbours: DEFAULT_NEIGHBOURS, pool: POOL, dense: DEFAULT_RELEVANCE.dense, recency: DEFAULT_RECENCY, facts: true, ownText: DEFAULT_OWN_TEXT_SHARE }, now, budgetWords));
    process.stderr.write(`pools ${conv.sampleId}\n`);
  }
  embedder.save();
  await embedder.close();
  mkdirSync('tmp/memory-bench', { recursive: true });
  writeFileSync(CACHE, JSON.stringify({ pools: out, baseline }));
  return { pools: out, baseline };
}

const pct = (x: number) => (100 * x).toFixed(1);
const line = (name: string, xs: readonly QuestionScore[]) => {
  const r = summarise(xs);
  const ans = r['all']?.answer ?? NaN;
  return `${name.padEnd(48)} all ${pct(r['all']?.budget ?? 0)}  [mh ${pct(r['1']?.budget ?? 0)} tmp ${pct(r['2']?.budget ?? 0)} od ${pct(r['3']?.budget ?? 0)} sh ${pct(r['4']?.budget ?? 0)}]  any ${pct(r['all']?.budgetAny ?? 0)} @10 ${pct(r['all']?.r10 ?? 0)}${Number.isFinite(ans) ? ` ans ${pct(ans)}` : ''}`;
};

/** Leave one conversation out: `fit` on the others, scored on the held one. */
export function loo(qs: readonly QuestionRows[], fit: (train: QuestionRows[]) => RerankModel): { scores: QuestionScore[]; models: RerankModel[] } {
  const convs = [...new Set(qs.map((q) => q.conv))];
  const scores: QuestionScore[] = [];
  const models: RerankModel[] = [];
  for (const held of convs) {
    const m = fit(qs.filter((q) => q.conv !== held));
    models.push(m);
    scores.push(...evaluate(qs.filter((q) => q.conv === held), m, budgetWords));
  }
  return { scores, models };
}

const fmt = (m: RerankModel) => `bias ${m.bias.toFixed(2)} ${RERANK_FEATURES.map((f) => `${f} ${m.weights[f].toFixed(2)}`).join(', ')}`;

function evaluateOff(qs: readonly QuestionRows[]): QuestionScore[] {
  const convs = [...new Set(qs.map((q) => q.conv))];
  return convs.flatMap((held) => evaluate(qs.filter((q) => q.conv === held), fitLogistic(qs.filter((q) => q.conv !== held), { l2: 1 }), budgetWords, { mode: 'off', weight: 0, undecayedPast: false }));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { pools: ps, baseline } = await pools();
  const qs = withFeatures(ps);
  process.stderr.write(`features ${(performance.now() - t0).toFixed(0)} ms\n`);
  const inPool = qs.map((q) => {
    const ev = new Set(q.question.evidence);
    const got = new Set(q.rows.flatMap((r) => r.memory.provenance.turnIds.filter((t) => ev.has(t))));
    return got.size / ev.size;
  });
  console.log(`questions ${qs.length}; evidence inside the pool of ${POOL}: ${pct(inPool.reduce((a, b) => a + b, 0) / inPool.length)}`);
  console.log(line('current default (in process)', baseline));
  const exp = benchArgs().flags.get('exp') ?? 'lr';
  if (exp === 'lr' || exp === 'all') {
    for (const l2 of [0.1, 1, 10, 100]) {
      const all = fitLogistic(qs, { l2 });
      console.log(line(`lr l2=${l2} in-sample`, evaluate(qs, all, budgetWords)));
      console.log(line(`lr l2=${l2} cv`, loo(qs, (tr) => fitLogistic(tr, { l2 })).scores));
      if (l2 === 1) console.log(fmt(all));
    }
    for (const l2 of [1, 10]) console.log(line(`pairwise l2=${l2} cv`, loo(qs, (tr) => fitLogistic(tr, { l2, pairwise: true })).scores));
    const pq = loo(qs, (tr) => fitLogistic(tr, { l2: 1, perQuestion: true }));
    console.log(line('lr l2=1 per-question weights cv', pq.scores));
  }
  if (exp === 'ca' || exp === 'all') {
    const cv = loo(qs, (tr) => coordinateAscent(tr, fitLogistic(tr, { l2: 1 }), budgetWords, 4));
    console.log(line('lr + coordinate ascent cv', cv.scores));
    cv.models.forEach((m) => console.log(fmt(m)));
    const all = coordinateAscent(qs, fitLogistic(qs, { l2: 1 }), budgetWords, 4);
    console.log(line('lr + coordinate ascent in-sample', evaluate(qs, all, budgetWords)));
    console.log(fmt(all));
  }
  if (exp === 'post' || exp === 'all') {
    const fit = (tr: QuestionRows[]) => fitLogistic(tr, { l2: 1 });
    const models = new Map<string, RerankModel>();
    const convs = [...new Set(qs.map((q) => q.conv))];
    for (const held of convs) models.set(held, fit(qs.filter((q) => q.conv !== held)));
    const all = fit(qs);
    const settings: Array<{ name: string; o: EvalOptions }> = [
      { name: 'none', o: {} },
      ...[0.1, 0.2, 0.3, 0.5, 0.7, 1].map((lengthPower) => ({ name: `length^${lengthPower}`, o: { lengthPower } })),
      ...[0.1, 0.2, 0.4].flatMap((penalty) => [1, 2, 1000].map((reach) => ({ name: `diversity ${penalty} reach ${reach}`, o: { diversity: { penalty, reach } } }))),
    ];
    // nested choice: per fold, the setting best on the other folds (with the fold-trained models there too)
    const perSetting = settings.map((st) => convs.map((held) => evaluate(qs.filter((q) => q.conv === held), models.get(held) as RerankModel, budgetWords, st.o)));
    settings.forEach((st, i) => console.log(line(`post ${st.name} (cv model)`, (perSetting[i] as QuestionScore[][]).flat()) + `  in-sample ${pct(meanBudget(evaluate(qs, all, budgetWords, st.o)))}`));
    const cv: QuestionScore[] = [];
    convs.forEach((_, h) => {
      let best = 0;
      let bv = -1;
      perSetting.forEach((ps, i) => {
        const others = ps.filter((_, k) => k !== h).flat();
        const v = meanBudget(others);
        if (v > bv + 1e-12) {
          bv = v;
          best = i;
        }
      });
      console.log(`fold ${convs[h]} chose ${settings[best]?.name}`);
      cv.push(...((perSetting[best] as QuestionScore[][])[h] as QuestionScore[]));
    });
    console.log(line('post: chosen by cv', cv));
  }
  if (exp === 'recency') {
    const P = (mode: RecencyPolicy['mode'], weight: number): RecencyPolicy => ({ mode, weight, undecayedPast: true });
    const options = [P('prior', 0.002), P('prior', 0.005), P('prior', 0.01), P('prior', 0.02), P('blend', 0.1), P('blend', 0.3), P('product', 0)];
    const convs = [...new Set(qs.map((q) => q.conv))];
    const cv: QuestionScore[] = [];
    const perOption = options.map(() => [] as QuestionScore[]);
    for (const held of convs) {
      const train = qs.filter((q) => q.conv !== held);
      const test = qs.filter((q) => q.conv === held);
      const m = fitLogistic(train, { l2: 1 });
      const scores = options.map((r) => meanBudget(evaluate(train, m, budgetWords, r)));
      const best = scores.indexOf(Math.max(...scores));
      console.log(`fold ${held}: chose ${JSON.stringify(options[best])}`);
      cv.push(...evaluate(test, m, budgetWords, options[best] as RecencyPolicy));
      options.forEach((r, i) => (perOption[i] as QuestionScore[]).push(...evaluate(test, m, budgetWords, r)));
    }
    options.forEach((r, i) => console.log(line(`cv model, fixed ${r.mode} ${r.weight}`, perOption[i] as QuestionScore[])));
    console.log(line('cv model + recency chosen per fold', cv));
    const all = fitLogistic(qs, { l2: 1 });
    options.forEach((r) => console.log(line(`in-sample all six, ${r.mode} ${r.weight}`, evaluate(qs, all, budgetWords, r))));
    console.log(line('off (reference)', loo(qs, (tr) => fitLogistic(tr, { l2: 1 })).scores.length ? evaluateOff(qs) : []));
  }
  if (exp === 'trees') {
    const convs = [...new Set(qs.map((q) => q.conv))];
    const grid: TreeFitOptions[] = [];
    for (const depth of [2, 3]) for (const trees of [30, 60]) for (const minHessian of [20]) grid.push({ depth, trees, rate: 0.1, lambda: 1, minHessian });
    const name = (o: TreeFitOptions) => `d${o.depth} n${o.trees} r${o.rate} mh${o.minHessian}`;
    const lin: QuestionScore[] = [];
    const per = grid.map(() => convs.map(() => [] as QuestionScore[]));
    convs.forEach((held, h) => {
      const trainIdx = qs.map((q, i) => (q.conv !== held ? i : -1)).filter((i) => i >= 0);
      const testIdx = qs.map((q, i) => (q.conv === held ? i : -1)).filter((i) => i >= 0);
      const train = trainIdx.map((i) => qs[i] as QuestionRows);
      const test = testIdx.map((i) => qs[i] as QuestionRows);
      const m = fitLogistic(train, { l2: 1 });
      const X = treeRows(qs, m);
      lin.push(...evaluate(test, m, budgetWords));
      grid.forEach((o, gi) => {
        const t1 = performance.now();
        const e = fitTrees(train, trainIdx.map((i) => X[i] as number[][]), o);
        const xs = new Map(testIdx.map((i) => [qs[i] as QuestionRows, X[i] as number[][]]));
        const sc = evaluate(test, m, budgetWords, { logit: (q, _r, i) => { const x = (xs.get(q) as number[][])[i] as number[]; return (x[RERANK_FEATURES.length] as number) + ensembleValue(e, x); } });
        ((per[gi] as QuestionScore[][])[h] as QuestionScore[]).push(...sc);
        process.stderr.write(`fold ${held} ${name(o)} ${pct(meanBudget(sc))} (${(performance.now() - t1).toFixed(0)} ms)\n`);
      });
    });
    console.log(line('logistic cv (same run)', lin));
    grid.forEach((o, gi) => console.log(line(`trees ${name(o)} cv`, (per[gi] as QuestionScore[][]).flat())));
    const chosen: QuestionScore[] = [];
    convs.forEach((held, h) => {
      let best = 0;
      let bv = -1;
      per.forEach((ps, gi) => {
        const v = meanBudget(ps.filter((_, k) => k !== h).flat());
        if (v > bv + 1e-12) { bv = v; best = gi; }
      });
      console.log(`fold ${held} chose ${name(grid[best] as TreeFitOptions)}`);
      chosen.push(...((per[best] as QuestionScore[][])[h] as QuestionScore[]));
    });
    console.log(line('trees: setting chosen on the other folds', chosen));
  }
  if (exp === 'stage2') {
    const convs = [...new Set(qs.map((q) => q.conv))];
    const F = RERANK_FEATURES.length;
    const ctxNames = ['logit', 'logitRank', 'sessionBest', 'sessionGap', 'sessionCount', 'speakerRank', 'words', 'episode', 'feedback'];
    const sets: Array<{ name: string; cols: number[] }> = [
      { name: 'logit only', cols: [0] },
      { name: 'logit+feedback', cols: [0, 8] },
      { name: 'logit+session', cols: [0, 2, 3, 4] },
      { name: 'logit+feedback+session', cols: [0, 2, 3, 4, 8] },
      { name: 'all context', cols: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
      { name: 'all context + base', cols: [0, 1, 2, 3, 4, 5, 6, 7, 8].concat(Array.from({ length: F }, (_, k) => -1 - k)) },
    ];
    const per = sets.map(() => [] as QuestionScore[]);
    const lin: QuestionScore[] = [];
    for (const held of convs) {
      const trainIdx = qs.map((q, i) => (q.conv !== held ? i : -1)).filter((i) => i >= 0);
      const testIdx = qs.map((q, i) => (q.conv === held ? i : -1)).filter((i) => i >= 0);
      const m = fitLogistic(trainIdx.map((i) => qs[i] as QuestionRows), { l2: 1 });
      const X = treeRows(qs, m);
      const test = testIdx.map((i) => qs[i] as QuestionRows);
      lin.push(...evaluate(test, m, budgetWords));
      sets.forEach((st, si) => {
        const pick = (x: number[]) => st.cols.map((c) => (c >= 0 ? (x[F + c] as number) : (x[-1 - c] as number)));
        const rows = trainIdx.flatMap((i) => (qs[i] as QuestionRows).rows.map((r, j) => ({ x: pick((X[i] as number[][])[j] as number[]), y: r.positive ? 1 : 0, w: 1 })));
        const beta = irls(rows, 1);
        const xs = new Map(testIdx.map((i) => [qs[i] as QuestionRows, X[i] as number[][]]));
        (per[si] as QuestionScore[]).push(...evaluate(test, m, budgetWords, { logit: (q, _r, j) => { const v = pick((xs.get(q) as number[][])[j] as number[]); return v.reduce((a, b, k) => a + b * (beta[k + 1] as number), beta[0] as number); } }));
        if (held === convs[0]) process.stderr.write(`${st.name}: ${beta.map((b) => b.toFixed(3)).join(' ')}\n`);
      });
    }
    console.log(line('logistic cv (same run)', lin));
    sets.forEach((st, si) => console.log(line(`stage2 ${st.name} cv`, per[si] as QuestionScore[])));
    void ctxNames;
  }
  if (exp === 'oracle') {
    // ceiling of any re-ranking of this pool: evidence first (shortest first), then the logistic order
    const m = fitLogistic(qs, { l2: 1 });
    const sc = evaluate(qs, m, budgetWords, { logit: (_q, r) => (r.positive ? 50 - r.words / 10 : rerankLogit(r.x, m)) });
    console.log(line('oracle (evidence first, shortest first)', sc));
  }
  if (exp === 'answer-type' || exp === 'phrase') {
    // experiment: answer-type cues (where → a capitalised place-like word, who → a capitalised word, how many → a number), appended to x
    const NUM = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twice|several|few|couple)\b/i;
    const extra = (question: string, text: string): number[] => {
      const body = text.replace(/^\[[^\]]*\]\s*[^:]{1,40}:\s/, '');
      const caps = (body.slice(1).match(/(?<![.!?]\s)\b[A-Z][a-z]+/g) ?? []).length > 0 ? 1 : 0;
      return [/^\s*where\b/i.test(question) ? caps : 0, /^\s*who\b/i.test(question) ? caps : 0, /\bhow many\b/i.test(question) && NUM.test(body) ? 1 : 0, /\b(like|enjoy|love|favorite|favourite)\b/i.test(question) && /\b(love|like|enjoy|favorite|favourite|fan)\b/i.test(body) ? 1 : 0];
    };
    const tierLength = benchArgs().flags.has('tier-length');
    const features = (question: string, r: QuestionRows['rows'][number]): number[] =>
      exp === 'phrase' ? phraseFeatures(question, r.text) : tierLength ? [r.episode ? 0 : 1, Math.log(Math.max(1, r.words))] : extra(question, r.text);
    const qx = qs.map((q) => ({ ...q, rows: q.rows.map((r) => ({ ...r, x: [...r.x, ...features(q.question.question, r)] })) }));
    const convs = [...new Set(qs.map((q) => q.conv))];
    const scores: QuestionScore[] = [];
    const base: QuestionScore[] = [];
    for (const held of convs) {
      const tr = qx.filter((q) => q.conv !== held);
      const te = qx.filter((q) => q.conv === held);
      const rows = tr.flatMap((q) => q.rows.map((r) => ({ x: r.x, y: r.positive ? 1 : 0, w: 1 })));
      const beta = irls(rows, 1);
      console.log(`${held}: extra weights (last 4): ${beta.slice(-4).map((b) => b.toFixed(2)).join(' ')}`);
      const m0 = fitLogistic(qs.filter((q) => q.conv !== held), { l2: 1 });
      scores.push(...evaluate(te, m0, budgetWords, { logit: (_q, r) => r.x.reduce((a, v, k) => a + v * (beta[k + 1] as number), beta[0] as number) }));
      base.push(...evaluate(qs.filter((q) => q.conv === held), m0, budgetWords));
    }
    console.log(line('lr cv (same run)', base));
    console.log(line(exp === 'phrase' ? 'lr + query phrases (bigrams) cv' : tierLength ? 'lr + fact flag + log words cv' : 'lr + answer-type cues cv', scores));
  }
  if (exp === 'cost') {
    // CPU per search of the ranking steps on the real pools of 100 (process.cpuUsage, median of 5 passes over the 883 questions)
    const items = qs.map((q) => ({ query: q.question.question, pool: q.rows.map((r) => ({ memory: { id: r.id, text: r.text, type: r.memory.type, provenance: r.memory.provenance }, cosine: r.cosine, ...(r.lexical !== undefined ? { lexical: r.lexical } : {}) })) }));
    const time = (f: () => void): number => {
      const runs: number[] = [];
      for (let k = 0; k < 5; k++) {
        const c0 = process.cpuUsage();
        f();
        const c = process.cpuUsage(c0);
        runs.push((c.user + c.system) / 1000 / items.length);
      }
      return runs.sort((a, b) => a - b)[2] as number;
    };
    const rr = items.map((it) => rerankCandidates(it.pool, it.query).sort((a, b) => b.rerank - a.rerank));
    const tRerank = time(() => items.forEach((it) => rerankCandidates(it.pool, it.query)));
    const tSlots = time(() => rr.forEach((r) => collapseByProvenance(factsBeforeTheirEpisodes(r).order)));
    const tCollapse = time(() => rr.forEach((r) => collapseByProvenance(r)));
    console.log(`ms CPU per search (pool ${POOL}): rerankCandidates ${tRerank.toFixed(3)}; collapse ${tCollapse.toFixed(3)}; facts first + collapse ${tSlots.toFixed(3)} (+${(tSlots - tCollapse).toFixed(3)}); load ${os.loadavg()[0]?.toFixed(1)}`);
  }
  if (exp === 'cv') {
    const r = loo(qs, (tr) => fitLogistic(tr, { l2: 1 }));
    console.log(line('lr l2=1 cv', r.scores));
    const convs = [...new Set(qs.map((q) => q.conv))];
    const ff = convs.flatMap((held, h) => evaluate(qs.filter((q) => q.conv === held), r.models[h] as RerankModel, budgetWords, { factFirst: false }));
    console.log(line('lr l2=1 cv, without facts first', ff));
    for (const factShare of [0, 0.5, 0.75, 0.9]) {
      const fs = convs.flatMap((held, h) => evaluate(qs.filter((q) => q.conv === held), r.models[h] as RerankModel, budgetWords, { factShare }));
      console.log(line(`lr l2=1 cv, facts first when the episode holds ≥ ${factShare} of their words`, fs));
    }
    let inherited = 0;
    let facts = 0;
    const qs2 = qs.map((q) => ({
      ...q,
      rows: q.rows.map((r) => {
        if (r.episode) return r;
        facts++;
        const ep = q.rows.find((e) => e.episode && e.memory.provenance.turnIds.some((t) => r.memory.provenance.turnIds.includes(t)));
        if (!ep) return r;
        inherited++;
        const x = [...r.x];
        x[7] = ep.x[7] as number;
        x[8] = ep.x[8] as number;
        return { ...r, x };
      }),
    }));
    console.log(`facts ${facts}, with their episode in the pool ${inherited}`);
    const r2 = loo(qs2, (tr) => fitLogistic(tr, { l2: 1 }));
    console.log(line('lr cv, facts inherit the speaker', r2.scores));
    console.log(fmt(fitLogistic(qs, { l2: 1 })));
  }
  if (exp === 'captions') captionsExperiment(qs, loadLocomo(path, { photos: PHOTOS }), budgetWords, line);
  if (exp === 'ablate') {
    console.log(line('all features cv', loo(qs, (tr) => fitLogistic(tr, { l2: 1 })).scores));
    for (const f of RERANK_FEATURES) console.log(line(`without ${f} cv`, loo(qs, (tr) => fitLogistic(tr, { l2: 1, drop: new Set([f]) })).scores));
  }
  if (exp === 'miss') {
    const convs = [...new Set(qs.map((q) => q.conv))];
    const hist = new Map<string, number>();
    const cut: number[] = [];
    for (const held of convs) {
      const m = fitLogistic(qs.filter((q) => q.conv !== held), { l2: 1 });
      for (const q of qs.filter((x) => x.conv === held)) {
        const ranked = q.rows.map((r) => ({ r, s: sigmoid(rerankLogit(r.x, m)) })).sort((a, b) => b.s - a.s);
        let used = 0;
        let inBudget = 0;
        for (const x of ranked) {
          if (used + x.r.words > budgetWords) break;
          used += x.r.words;
          inBudget++;
        }
        cut.push(inBudget);
        for (const e of q.question.evidence) {
          const k = ranked.findIndex((x) => x.r.memory.provenance.turnIds.includes(e));
          const b = k < 0 ? 'out of pool' : k < inBudget ? 'in budget' : k < inBudget + 5 ? '+1..5' : k < inBudget + 15 ? '+6..15' : k < 50 ? '<50' : '50..100';
          hist.set(`${q.question.category} ${b}`, (hist.get(`${q.question.category} ${b}`) ?? 0) + 1);
        }
      }
    }
    console.log([...hist.entries()].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
    console.log('items in budget mean', (cut.reduce((a, b) => a + b, 0) / cut.length).toFixed(1));
  }
  console.log(`mean ${pct(meanBudget(baseline))}; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
