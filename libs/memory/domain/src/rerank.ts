import { carryDocTerms, tokenize } from './bm25';
import { isEpisode } from './episodic';

/**
 * A learned re-ranker over the candidate pool (issue 14): a logistic model on cheap per-candidate
 * features — the index's dense and lexical scores, a BM25 of the query over each candidate's own
 * text, their ranks within the pool, how much of the query the text covers, whether the speaker or
 * a name the question asks about is there, whether a "when" question meets a time expression, the
 * item's length and tier. No model calls: a few hundred multiplications per candidate. Weights
 * fitted on LoCoMo dev with leave-one-conversation-out cross-validation
 * (docs/benchmarks/memory-retrieval.md, bench/memory/lib/locomo-rerank.ts).
 */

/** Feature names, in the order of {@link rerankFeatures}' vectors. */
export const RERANK_FEATURES = [
  'cosine',
  'lexical',
  'own',
  'denseRank',
  'lexicalRank',
  'ownRank',
  'coverage',
  'speakerAsked',
  'speakerOther',
  'nameInText',
  'whenTime',
  'timeWords',
  'question',
] as const;

export type RerankFeature = (typeof RERANK_FEATURES)[number];

export interface RerankModel {
  bias: number;
  weights: Readonly<Record<RerankFeature, number>>;
}

/** What the re-ranker reads of a candidate. */
export interface RerankCandidate {
  /** The text handed to the model (an episode: `[date] Speaker: words`). */
  text: string;
  /** Fact or episode. */
  episode: boolean;
  /** cos(query, candidate). */
  cosine: number;
  /** The index's lexical score normalised to [0, 1] within the pool (absent: none). */
  lexical?: number;
  /** The object the text lives in (a cached memory row): its parse is kept beside it ({@link parseCandidate}). */
  key?: object;
}

/** Words that start a question or sentence in capitals without naming anyone. */
const NOT_NAMES = new Set(
  'what when where who whom whose why how which did does do is are was were has have had would could can should will may might in on at for from to of by with and or but the a an i my me we our you your he she they it his her their its if as after before during since this that these those there here yes no not any some all please tell remind remember also so then hey hi hello ok okay thanks thank just maybe because anyway well oh sure let lets'.split(
    ' ',
  ),
);

/** "when" questions: the answer is a date or a time. */
const ASKS_WHEN = /\b(when|what (?:year|month|day|date|time)|which (?:year|month|day)|how long)\b/i;

const TIME_WORDS =
  /\b(yesterday|today|tonight|tomorrow|ago|last|next|week|weekend|weeks|month|months|year|years|day|days|recently|soon|january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|summer|winter|spring|autumn|fall|(?:19|20)\d\d)\b/i;

/** What the re-ranker reads of the query, once per search. */
export interface QueryCues {
  /** Distinct content terms (stemmed, stop words out). */
  terms: string[];
  /** Capitalised words that may name someone or something (stemmed like the text). */
  names: Set<string>;
  asksWhen: boolean;
}

export function queryCues(query: string): QueryCues {
  const names = new Set<string>();
  for (const w of query.match(/\b[A-Z][\p{L}'’-]*/gu) ?? []) {
    const lower = w.toLowerCase().replace(/['’]s$/, '');
    if (NOT_NAMES.has(lower)) continue;
    for (const t of tokenize(lower)) names.add(t);
  }
  return { terms: [...new Set(tokenize(query))], names, asksWhen: ASKS_WHEN.test(query) };
}

/** `[8 May 2023] Caroline: words` → date-less body and speaker (undefined when the text has no `Speaker:` header). */
export function splitEpisodeText(text: string): { speaker?: string; body: string } {
  const rest = text.replace(/^\[[^\]]*\]\s*/, '');
  const m = /^([\p{L}][\p{L}\p{N}'’ .-]{0,39}):\s/u.exec(rest);
  return m ? { speaker: (m[1] as string).trim(), body: rest.slice(m[0].length) } : { body: rest };
}

/** What a candidate's text gives the features, whatever the query (kept beside a cached row, see {@link parseCandidate}). */
export interface ParsedCandidate {
  /** The speaker's name as tokens (episodes with a `Speaker:` header). */
  speaker?: string[];
  /** Term frequencies of the body (speaker and date left out): a prototype-less object (property lookups beat a Map's here). */
  tf: Readonly<Record<string, number>>;
  /** Tokens of the body. */
  length: number;
  /** 1 when the body has a time expression. */
  time: number;
  /** 1 when the body asks something. */
  question: number;
}

/** Parses kept beside the object that carries the text (a cached memory row): nothing outlives the row, erased rows included. */
const parsedMemo = new WeakMap<object, { text: string; episode: boolean; parsed: ParsedCandidate }>();

/**
 * A candidate's text parsed for the features. With `key` (an object living as long as the text it
 * carries: a cached memory row) the parse is kept beside it and reused while the text is the same.
 */
export function parseCandidate(text: string, episode: boolean, key?: object): ParsedCandidate {
  const hit = key ? parsedMemo.get(key) : undefined;
  if (hit && hit.text === text && hit.episode === episode) return hit.parsed;
  const { speaker, body } = episode ? splitEpisodeText(text) : { speaker: undefined, body: text };
  const tokens = tokenize(body);
  const tf = Object.create(null) as Record<string, number>;
  for (const t of tokens) tf[t] = (tf[t] ?? 0) + 1;
  const parsed: ParsedCandidate = {
    ...(speaker === undefined ? {} : { speaker: tokenize(speaker) }),
    tf,
    length: tokens.length,
    time: TIME_WORDS.test(body) ? 1 : 0,
    question: body.includes('?') ? 1 : 0,
  };
  if (key) parsedMemo.set(key, { text, episode, parsed });
  return parsed;
}

/**
 * Keeps what was read of a cached row's text (its parse for the re-ranker, its BM25 terms) for the
 * copy that replaces it — the live-row cache copies a row each time it is served (its retrieval
 * count), and without this every served row was parsed again on its next search. Both memos still
 * compare the text: a copy with another text is read afresh.
 */
export function carryTextMemos(from: object, to: object): void {
  carryDocTerms(from, to);
  const hit = parsedMemo.get(from);
  if (hit) parsedMemo.set(to, hit);
}

const K1 = 1.2;
const B = 0.75;

/** 0-based rank of each value inside the pool, best (largest) first; ties share the better rank. */
export function poolRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number));
  const out = new Array<number>(values.length);
  let rank = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (k > 0 && (values[i] as number) < (values[order[k - 1] as number] as number)) rank = k;
    out[i] = rank;
  }
  return out;
}

/** 1 for the best, falling with rank: 10 / (10 + rank) (rank 0 = best; ties share the better rank). */
export function rankFeature(values: readonly number[]): number[] {
  return poolRanks(values).map((rank) => 10 / (10 + rank));
}

/**
 * One feature vector per candidate (order: {@link RERANK_FEATURES}). The own-text BM25 uses the
 * candidate pool's statistics (k1 1.2, b 0.75) and is normalised by the pool's best.
 */
export function rerankFeatures(candidates: readonly RerankCandidate[], cues: QueryCues): number[][] {
  const out: number[][] = [];
  eachFeatureRow(candidates, cues, (_, x) => out.push(Array.from(x)));
  return out;
}

/** Fills one scratch row per candidate, in order, and hands it to `emit` (the row is reused: copy what is kept). */
function eachFeatureRow(candidates: readonly RerankCandidate[], cues: QueryCues, emit: (i: number, x: Float64Array) => void): void {
  const n = candidates.length;
  if (!n) return;
  const parsed = candidates.map((c) => parseCandidate(c.text, c.episode, c.key));
  const terms = cues.terms;
  const T = terms.length;
  // term frequencies of the query's terms, candidate by candidate (one map lookup each)
  const tf = new Float64Array(n * T);
  const df = new Float64Array(T);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = parsed[i] as ParsedCandidate;
    total += p.length;
    for (let j = 0; j < T; j++) {
      const f = p.tf[terms[j] as string];
      if (f) {
        tf[i * T + j] = f;
        df[j] = (df[j] as number) + 1;
      }
    }
  }
  const avg = total / n || 1;
  const idf = Array.from(df, (d) => Math.log(1 + (n - d + 0.5) / (d + 0.5)));
  const own = new Array<number>(n);
  const covered = new Array<number>(n);
  let ownMax = 0;
  for (let i = 0; i < n; i++) {
    const norm = K1 * (1 - B + (B * (parsed[i] as ParsedCandidate).length) / avg);
    let sc = 0;
    let k = 0;
    for (let j = 0; j < T; j++) {
      const f = tf[i * T + j] as number;
      if (!f) continue;
      k++;
      sc += ((idf[j] as number) * f * (K1 + 1)) / (f + norm);
    }
    own[i] = sc;
    covered[i] = k;
    if (sc > ownMax) ownMax = sc;
  }
  const cosine = candidates.map((c) => Math.max(0, c.cosine));
  const lexical = candidates.map((c) => Math.min(1, Math.max(0, c.lexical ?? 0)));
  const [dr, lr, or] = [rankFeature(cosine), rankFeature(lexical), rankFeature(own)];
  const names = [...cues.names];
  const x = new Float64Array(RERANK_FEATURES.length);
  for (let i = 0; i < n; i++) {
    const p = parsed[i] as ParsedCandidate;
    const speakerIsName = p.speaker !== undefined && p.speaker.length > 0 && p.speaker.every((t) => cues.names.has(t));
    const speakerOther = p.speaker !== undefined && names.length > 0 && !speakerIsName;
    let inText = 0;
    for (const t of names) if (p.tf[t] !== undefined) inText++;
    x[0] = cosine[i] as number;
    x[1] = lexical[i] as number;
    x[2] = ownMax > 0 ? (own[i] as number) / ownMax : 0;
    x[3] = dr[i] as number;
    x[4] = lr[i] as number;
    x[5] = or[i] as number;
    x[6] = T ? (covered[i] as number) / T : 0;
    x[7] = speakerIsName ? 1 : 0;
    x[8] = speakerOther ? 1 : 0;
    x[9] = names.length ? inText / names.length : 0;
    x[10] = cues.asksWhen ? p.time : 0;
    x[11] = p.time;
    x[12] = p.question;
    emit(i, x);
  }
}

/** The model's linear score z = bias + w·x (its relevance is the logistic σ(z)). */
export function rerankLogit(x: readonly number[], m: RerankModel): number {
  const w = weightsOf(m);
  let z = m.bias;
  for (let k = 0; k < w.length; k++) z += (w[k] as number) * (x[k] as number);
  return z;
}

const weightVectors = new WeakMap<RerankModel, Float64Array>();
/** A model's weights in feature order (kept beside the model object; a model is not changed once made). */
function weightsOf(m: RerankModel): Float64Array {
  let w = weightVectors.get(m);
  if (!w) weightVectors.set(m, (w = Float64Array.from(RERANK_FEATURES, (f) => m.weights[f])));
  return w;
}

/**
 * Fitted on LoCoMo dev, all six conversations (logistic, L2 1 on standardised features; each
 * candidate of a question's pool of 100 labelled by whether it holds an evidence turn). Recall at
 * 300 words: leave-one-conversation-out 77.7 (weights and recency policy chosen on five
 * conversations, scored on the sixth; 77.8 with the recency fixed at the default), in-sample 77.8,
 * the service's own row 77.1 — against 74.3 / 74.8 / 73.6 for the dense/lexical blend with the
 * own-text share, and 59.7 for BM25 over turns (docs/benchmarks/memory-retrieval.md). A tier
 * feature (fact vs episode) and the item's length were dropped: no cross-validated gain, and both
 * pushed one tier or long items ahead for reasons outside the text.
 */
export const DEFAULT_RERANK_MODEL: RerankModel = {
  bias: -7.04,
  weights: { cosine: 0.8, lexical: 2.65, own: 0.26, denseRank: 1.28, lexicalRank: 1.86, ownRank: 0.76, coverage: 1.93, speakerAsked: -0.46, speakerOther: -3.18, nameInText: -0.39, whenTime: 0.18, timeWords: 0.87, question: -0.56 },
};

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Relevance in (0, 1) of every candidate under `model`, for `query`. */
export function rerankRelevance(candidates: readonly RerankCandidate[], query: string, model: RerankModel): number[] {
  const w = weightsOf(model);
  const out = new Array<number>(candidates.length);
  eachFeatureRow(candidates, queryCues(query), (i, x) => {
    let z = model.bias;
    for (let k = 0; k < w.length; k++) z += (w[k] as number) * (x[k] as number);
    out[i] = sigmoid(z);
  });
  return out;
}

/**
 * The candidates with `rerank` set by `model` (the service's default: {@link DEFAULT_RERANK_MODEL}):
 * `rankMemories` then ranks by it in place of the dense/lexical blend (recency, confidence and
 * usage combine with it as before; the breakdown's `relevance` stays the similarity).
 */
export function rerankCandidates<C extends { memory: { text: string; type: string }; cosine: number; lexical?: number }>(candidates: readonly C[], query: string, model: RerankModel = DEFAULT_RERANK_MODEL): Array<C & { rerank: number }> {
  const relevance = rerankRelevance(
    candidates.map((c) => ({ text: c.memory.text, episode: isEpisode(c.memory), cosine: c.cosine, key: c.memory, ...(c.lexical !== undefined ? { lexical: c.lexical } : {}) })),
    query,
    model,
  );
  return candidates.map((c, i) => ({ ...c, rerank: relevance[i] as number }));
}
