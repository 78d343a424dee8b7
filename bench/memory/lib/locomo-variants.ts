/**
 * In-process retrieval variants over LoCoMo (issue 14): the two tiers built with the domain's own
 * functions (episodes from turns, facts by the rule extractor), indexed in the same embedded hybrid
 * index the service uses, ranked by the domain's rankMemories / collapseByProvenance /
 * attachNeighbours under many settings — fast enough to sweep and cross-validate. The `shipped`
 * row (the real pipeline) checks that the default setting here is what the service does.
 */
import { factsBeforeTheirEpisodes, blendOwnText, confidentOnly, episodeEmbeddingText, episodeIndexTexts, episodesFromTurns, extractByRules, attachNeighbours, collapseByProvenance, countWords, rankMemories, rerankCandidates, type ContextTurn, type Memory, type NeighbourMode, type RankableMemory, type RecencyPolicy, type RerankModel, type Turn } from '@frontier/memory-domain';
import { EmbeddedVectorIndex, type SearchHit } from '@frontier/memory-vector-index';
import type { TextEmbedder } from '@frontier/ml-ports';
import type { LocomoConversation, LocomoQuestion } from './locomo-data';
import { queryTypes } from './locomo-query-types';
import { scoreQuestion, type QuestionScore, type RetrievedItem } from './locomo-eval';

/** What the lexical side indexes for an episode: the turn, the turn with its date, or with its neighbours too. */
export type IndexText = 'turn' | 'dated' | 'window' | 'window2' | 'window3';
export const INDEX_TEXTS: readonly IndexText[] = ['turn', 'dated', 'window', 'window2', 'window3'];

export interface VariantConfig {
  index: IndexText;
  neighbours: NeighbourMode;
  pool: number;
  dense: number;
  recency: RecencyPolicy;
  facts: boolean;
  /** Share of the lexical score from the candidate's own text ({@link blendOwnText}); unused with `rerank`. */
  ownText: number;
  /** Relevance by the learned re-ranker under this model (memory-domain rerank.ts) instead of the dense/lexical blend. */
  rerank?: RerankModel;
  /** A name for the re-ranker's model in the row's name. */
  rerankName?: string;
  /** false: the collapse keeps whichever of a fact and its turn's episode ranks first (before the fifth pass); default: the fact moves up (memory-domain factsBeforeTheirEpisodes, the service's default). */
  factsFirst?: boolean;
}

export const variantName = (c: VariantConfig): string =>
  `${c.facts ? 'episodes+facts' : 'episodes'} index=${c.index} nb=${c.neighbours} pool=${c.pool} ${c.rerank ? `rerank=${c.rerankName ?? 'model'}` : `dense=${c.dense.toFixed(2)}`} rec=${c.recency.mode}${c.recency.mode === 'blend' || c.recency.mode === 'prior' ? `:${c.recency.weight}` : ''}${c.recency.undecayedPast ? '+past' : ''}${c.rerank ? '' : ` own=${c.ownText}`}${c.factsFirst === false ? ' factsFirst=off' : ''}`;

interface Doc {
  memory: RankableMemory & Pick<Memory, 'text'>;
  /** Lexical text per index variant. */
  lexical: Record<IndexText, string>;
  vector: Float32Array;
}

export interface PreparedConversation {
  conv: LocomoConversation;
  docs: Map<string, Doc>;
  transcripts: Map<string, ContextTurn[]>;
  queries: Float32Array[];
  /** Per index variant, per pool: the hits of every question (with and without facts). */
  hits: Map<string, SearchHit[][]>;
}

const sessionKey = (n: number) => `session_${n}`;

/** The conversation's turns as the service stores them (raw text, speaker, the session's date). */
export function domainTurns(conv: LocomoConversation): Array<{ session: string; turns: Turn[] }> {
  return conv.sessions.map((s) => ({ session: sessionKey(s.n), turns: s.turns.map((t) => ({ id: t.dia_id, role: 'user' as const, text: t.text, speaker: t.speaker, at: s.date })) }));
}

const hitsKey = (index: IndexText, pool: number, facts: boolean) => `${index}/${pool}/${facts}`;

/** Builds both tiers, embeds them (disk-cached), indexes each variant and runs every question's search once per pool. */
/** `queries`: what embeds the questions (the service's default query embedder; default `embedder`). */
/** How the pool is fetched: the question as the lexical query (default), or with the instance words of the categories it asks about ({@link queryTypes}) added to it (`expand`) or searched for in a second call whose new hits join the pool (`extra`, `extraK` of them at most). */
export interface PoolMode {
  mode: 'base' | 'expand' | 'extra';
  extraK?: number;
}

export async function prepare(conv: LocomoConversation, embedder: TextEmbedder, pools: readonly number[], now: Date, indexes: readonly IndexText[] = INDEX_TEXTS, queries: TextEmbedder = embedder, poolMode: PoolMode = { mode: 'base' }): Promise<PreparedConversation> {
  const docs = new Map<string, Doc>();
  const transcripts = new Map<string, ContextTurn[]>();
  const pending: Array<{ id: string; embed: string; memory: Doc['memory']; lexical: Doc['lexical'] }> = [];
  for (const { session, turns } of domainTurns(conv)) {
    transcripts.set(session, turns.map((t) => ({ id: t.id, text: episodeEmbeddingText(t) })));
    const episodes = episodesFromTurns(turns);
    const byTurn = new Map(turns.map((t, i) => [t.id, i]));
    const slots = episodes.map((e) => ({ id: `e:${e.turnIds[0]}`, text: e.text, sessionId: session, ordinal: byTurn.get(e.turnIds[0] as string) as number }));
    const windows = [1, 2, 3].map((w) => episodeIndexTexts(slots, w));
    for (const e of episodes) {
      const t = turns[byTurn.get(e.turnIds[0] as string) as number] as Turn;
      const id = `e:${t.id}`;
      const memory = { id, text: e.text, type: e.type, confidence: e.confidence, retrievalCount: 0, validAt: e.validAt ?? now, provenance: { sessionId: session, sourceHash: '', turnIds: e.turnIds } };
      const [w1, w2, w3] = windows.map((w) => w.get(id) ?? e.text);
      pending.push({ id, embed: episodeEmbeddingText(t), memory, lexical: { turn: episodeEmbeddingText(t), dated: e.text, window: w1 as string, window2: w2 as string, window3: w3 as string } });
    }
    confidentOnly(extractByRules(turns)).forEach((f, j) => {
      const id = `f:${session}:${j}`;
      const memory = { id, text: f.text, type: f.type, confidence: f.confidence, retrievalCount: 0, validAt: f.validAt ?? now, provenance: { sessionId: session, sourceHash: '', turnIds: f.turnIds } };
      pending.push({ id, embed: f.text, memory, lexical: { turn: f.text, dated: f.text, window: f.text, window2: f.text, window3: f.text } });
    });
  }
  const vectors = await embedder.embed(pending.map((p) => p.embed));
  pending.forEach((p, i) => docs.set(p.id, { memory: p.memory, lexical: p.lexical, vector: vectors[i] as Float32Array }));
  const questionVectors = await queries.embed(conv.questions.map((q) => q.question));
  const hits = new Map<string, SearchHit[][]>();
  const scope = { tenantId: 't', userId: conv.sampleId };
  for (const index of indexes)
    for (const facts of [false, true]) {
      const idx = new EmbeddedVectorIndex({ dimension: embedder.dimension });
      await idx.upsert(scope, [...docs.entries()].filter(([id]) => facts || id.startsWith('e:')).map(([id, d]) => ({ id, vector: d.vector, text: d.lexical[index] })));
      for (const pool of pools)
        hits.set(
          hitsKey(index, pool, facts),
          await Promise.all(
            questionVectors.map(async (v, qi) => {
              const question = (conv.questions[qi] as LocomoQuestion).question;
              const instances = poolMode.mode === 'base' ? [] : queryTypes(question).terms;
              const text = poolMode.mode === 'expand' && instances.length ? `${question} ${instances.join(' ')}` : question;
              const got = await idx.search(scope, { vector: v, text, k: pool });
              if (poolMode.mode !== 'extra' || !instances.length) return got;
              const seen = new Set(got.map((h) => h.id));
              const more = (await idx.search(scope, { vector: v, text: instances.join(' '), k: poolMode.extraK ?? 20 })).filter((h) => h.lexical !== undefined && h.lexical > 0 && !seen.has(h.id));
              return [...got, ...more.map((h) => ({ id: h.id, cosine: h.cosine, lexical: 0 }))];
            }),
          ),
        );
      await idx.close();
    }
  return { conv, docs, transcripts, queries: questionVectors, hits };
}

/** The items a setting hands to the model for question `qi`, in rank order (each with its words and turns). */
export function retrieve(p: PreparedConversation, qi: number, c: VariantConfig, now: Date): RetrievedItem[] {
  const q = p.conv.questions[qi] as LocomoQuestion;
  const hits = (p.hits.get(hitsKey(c.index, c.pool, c.facts)) ?? [])[qi] ?? [];
  const candidates = hits.flatMap((h) => {
    const d = p.docs.get(h.id);
    return d ? [{ memory: d.memory, cosine: h.cosine, ...(h.lexical !== undefined ? { lexical: h.lexical } : {}) }] : [];
  });
  const ranked = rankMemories(
    c.rerank ? rerankCandidates(candidates, q.question, c.rerank) : blendOwnText(candidates, q.question, (x) => x.memory.text, c.ownText),
    { now, weights: { dense: c.dense, lexical: 1 - c.dense }, recency: c.recency, query: q.question },
  );
  // as the service (ranking.ts): a fact before its own turn's episode, then one slot per turn
  const collapsed = collapseByProvenance(c.factsFirst === false ? ranked : factsBeforeTheirEpisodes(ranked).order);
  const attached = attachNeighbours(collapsed, {
    mode: c.neighbours,
    query: q.question,
    locate: (r) => (r.memory.type === 'episode' ? { sessionId: r.memory.provenance.sessionId, turnId: r.memory.provenance.turnIds[0] as string } : null),
    transcript: (s) => p.transcripts.get(s),
  });
  return attached.map((a) => ({
    turnIds: [...a.before.map((t) => t.id), ...a.item.memory.provenance.turnIds, ...a.after.map((t) => t.id)],
    words: countWords(a.item.memory.text) + a.before.reduce((n, t) => n + countWords(t.text), 0) + a.after.reduce((n, t) => n + countWords(t.text), 0),
    text: [...a.before.map((t) => t.text), a.item.memory.text, ...a.after.map((t) => t.text)].join(' '),
  }));
}

/** Scores of every question of the conversation under a setting. */
export function scoreVariant(p: PreparedConversation, c: VariantConfig, now: Date, budgetWords: number): QuestionScore[] {
  return p.conv.questions.map((q, qi) => scoreQuestion(q, retrieve(p, qi, c, now), budgetWords));
}

/**
 * Leave-one-conversation-out: for each conversation, the setting with the best mean budget recall
 * on the others (ties: the earlier in `configs`), scored on it. Returns the held-out scores and
 * which setting each fold chose.
 */
export function looCv(results: ReadonlyArray<ReadonlyArray<QuestionScore[]>>, configs: readonly VariantConfig[]): { scores: QuestionScore[]; chosen: number[] } {
  const convs = results[0]?.length ?? 0;
  const scores: QuestionScore[] = [];
  const chosen: number[] = [];
  for (let held = 0; held < convs; held++) {
    let best = -1;
    let bestScore = -Infinity;
    results.forEach((perConv, ci) => {
      let sum = 0;
      let n = 0;
      perConv.forEach((xs, k) => {
        if (k === held) return;
        for (const s of xs) sum += s.budget;
        n += xs.length;
      });
      const m = n ? sum / n : 0;
      if (m > bestScore + 1e-12) {
        bestScore = m;
        best = ci;
      }
    });
    chosen.push(best);
    scores.push(...((results[best] ?? [])[held] ?? []));
  }
  void configs;
  return { scores, chosen };
}
