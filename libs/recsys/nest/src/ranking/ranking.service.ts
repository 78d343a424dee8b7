import { randomInt, randomUUID } from 'node:crypto';
import {
  adaptiveEpsilon,
  contextModelInput,
  DEFAULT_ADAPTIVE_EPSILON,
  popularDiverseFallback,
  Rng,
  userModelInput,
  type UserFeatures,
} from '@frontier/recsys-domain';
import type { TenantCatalog } from './catalog';
import type { ItemCatalogService } from './catalog.service';
import type { RankingFeatures } from './features';
import type { ImpressionLog, ImpressionRow } from './impression-log';
import type { LiveModelService } from './live-model.service';
import type { RankingSettings } from './settings';
import { chooseSlate, type RankedCandidate, type ShownItem } from './slate';

export interface RecommendRequest {
  readonly userId: string;
  readonly surface: string;
  readonly k: number;
  /** Items not to show (e.g. already on screen). */
  readonly exclude?: readonly string[];
}

export interface RecommendedItem {
  readonly id: string;
  readonly score: number;
  readonly position: number;
  readonly propensity: number;
  readonly explored: boolean;
}

export interface Recommendation {
  readonly requestId: string;
  /** The live model version's id, `fallback` (no servable live model) or `cold-start`. */
  readonly modelVersion: string;
  /** The logging policy of every shown item. */
  readonly policy: string;
  /** No engagement in the last 7 days (an unknown user has none): the popular + diverse slate. */
  readonly coldStart: boolean;
  readonly items: RecommendedItem[];
}

export interface RecommendOptions {
  /** `exact`: retrieval by brute force over every item instead of the ANN index (the benchmark's baseline). */
  readonly retrieval?: 'ann' | 'exact';
  /** Fixes the exploration draw (tests). */
  readonly seed?: number;
}

/** The policy name logged with every impression. */
export const POLICY = 'epsilon-greedy';

/** A user's favourite categories: share of their engagements (clicks, watches, purchases) over 7 days, best first. */
export function categoryAffinity(f: UserFeatures, limit: number): Array<{ category: string; weight: number }> {
  const w = f.windows['7d'];
  const engaged = w.click + w.watch + w.purchase;
  if (!engaged) return [];
  return Object.entries(w.byCategory)
    .map(([category, c]) => ({ category, weight: (c.click + c.watch + c.purchase) / engaged }))
    .filter((a) => a.weight > 0)
    .sort((a, b) => b.weight - a.weight || (a.category < b.category ? -1 : 1))
    .slice(0, limit);
}

const byScore = (a: RankedCandidate, b: RankedCandidate) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * `POST /v1/recommendations` (§127.2 "Ranking Service" → "Exploration Policy" → counterfactual log):
 *
 * 1. Candidates: a known user's favourite categories (7-day engagement shares from the feature store)
 *    are turned into queries — each category's mean item embedding — and answered by the ANN index
 *    build plus the brute-force buffer of items changed since it (so a new item is a candidate at
 *    once), `candidates` in all, split by share; the most popular items of the last 24 h join them.
 * 2. Scores: the live model (user tower on the user's features, item tower on each candidate's, the
 *    folded head with the request context), or without one the fallback `(1 + cos)/2 × smoothed CTR`;
 *    times the trending boost `1 + trendingBoost(1 h vs 7 d)`.
 * 3. The diversity caps make the greedy slate; slate-level ε-greedy shows it or explores, with each
 *    item's exact position-wise propensity ({@link chooseSlate}).
 * 4. Every shown item is logged (request id, position, propensity, score, model version, policy)
 *    before the answer goes out.
 *
 * A user with no engagement in 7 days — an unknown user among them — gets the cold-start slate:
 * recsys-domain's popular + diverse fallback over the most engaged items of 24 h and the newest
 * ones, through the same caps and exploration.
 */
export class RankingService {
  constructor(
    private readonly catalogs: ItemCatalogService,
    private readonly features: RankingFeatures,
    private readonly models: LiveModelService,
    private readonly impressions: ImpressionLog,
    private readonly settings: RankingSettings,
  ) {}

  epsilonAt(nowMs: number): number {
    const e = this.settings.epsilon;
    return e === 'adaptive' ? adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc: new Date(nowMs).getUTCHours() }) : e;
  }

  async recommend(tenantId: string, req: RecommendRequest, o: RecommendOptions = {}): Promise<Recommendation> {
    const nowMs = Date.now();
    const requestId = randomUUID();
    const rng = new Rng(o.seed ?? randomInt(2 ** 31));
    const [catalog, user] = await Promise.all([this.catalogs.catalog(tenantId), this.features.user(tenantId, req.userId, nowMs)]);
    if (!catalog) return { requestId, modelVersion: 'none', policy: POLICY, coldStart: false, items: [] };
    const exclude = new Set(req.exclude ?? []);
    const affinity = categoryAffinity(user, this.settings.queryCategories).filter((a) => catalog.centroid(a.category) !== null);
    const plan = affinity.length
      ? await this.personalized(tenantId, catalog, req, user, affinity, exclude, nowMs, o)
      : { ...(await this.coldStart(tenantId, catalog, req.k, exclude)), modelVersion: 'cold-start' };
    const slate = chooseSlate(
      plan.ranked,
      { k: req.k, epsilon: this.epsilonAt(nowMs), maxPerCreator: this.settings.maxPerCreator, maxPerCategory: this.settings.maxPerCategory },
      rng,
    );
    const shownAt = new Date(nowMs);
    const rows = slate.items.map(
      (it: ShownItem): ImpressionRow => ({
        requestId,
        position: it.position,
        tenantId,
        userId: req.userId,
        itemId: it.id,
        surface: req.surface,
        modelVersion: plan.modelVersion,
        policy: POLICY,
        propensity: it.propensity,
        score: it.score,
        explored: it.explored,
        shownAt,
      }),
    );
    await this.impressions.write(rows);
    return {
      requestId,
      modelVersion: plan.modelVersion,
      policy: POLICY,
      coldStart: !affinity.length,
      items: slate.items.map((it) => ({ id: it.id, score: it.score, position: it.position, propensity: it.propensity, explored: it.explored })),
    };
  }

  private async personalized(
    tenantId: string,
    catalog: TenantCatalog,
    req: RecommendRequest,
    user: UserFeatures,
    affinity: Array<{ category: string; weight: number }>,
    exclude: ReadonlySet<string>,
    nowMs: number,
    o: RecommendOptions,
  ): Promise<{ ranked: RankedCandidate[]; modelVersion: string }> {
    // 1. candidates: one query per favourite category, the budget split by share; popular items join
    const total = affinity.reduce((s, a) => s + a.weight, 0);
    const queries: Float32Array[] = [];
    const similarity = new Map<string, number>();
    const keep = (id: string, s: number) => {
      const seen = similarity.get(id);
      if (!exclude.has(id) && (seen === undefined || s > seen)) similarity.set(id, s);
    };
    for (const a of affinity) {
      const q = catalog.centroid(a.category) as Float32Array;
      queries.push(q);
      const want = Math.max(req.k, Math.round((this.settings.candidates * a.weight) / total)) + exclude.size;
      catalog.visitTopK(q, want, o.retrieval === 'exact', keep);
    }
    if (this.settings.popularCandidates > 0) {
      const popular = await this.catalogs.popular(tenantId);
      for (const id of popular.ids.slice(0, this.settings.popularCandidates)) {
        if (similarity.has(id) || exclude.has(id)) continue;
        const e = catalog.entry(id);
        if (!e) continue;
        let best = -1;
        for (const q of queries) {
          let s = 0;
          for (let j = 0; j < q.length; j++) s += q[j] * e.vector[j];
          if (s > best) best = s;
        }
        similarity.set(id, best);
      }
    }
    // one object a candidate: its ranked form, also the item reference the features are read for
    const ids: string[] = [];
    const ranked: Array<{ id: string; creator: string; category: string; score: number }> = [];
    const info = { creator: '', category: '' };
    for (const id of similarity.keys()) {
      if (!catalog.describe(id, info)) continue;
      ids.push(id);
      ranked.push({ id, creator: info.creator, category: info.category, score: 0 });
    }
    const n = ids.length;
    if (!n) return { ranked: [], modelVersion: 'fallback' };

    // 2. scores
    const [feats, model] = await Promise.all([this.features.items(tenantId, ranked, nowMs), this.models.get(tenantId)]);
    let p: ArrayLike<number>;
    if (model) {
      const u = model.embedUser(userModelInput(user));
      const ctx = contextModelInput({ atMs: nowMs, surface: req.surface });
      const emb = model.itemEmbeddings(ids, this.features.itemsVersion(tenantId), (i) => feats.input(i));
      p = model.score(u, ctx, emb, n);
    } else {
      p = Float64Array.from(ids, (id, i) => (0.5 + 0.5 * (similarity.get(id) as number)) * feats.ctr(i));
    }
    for (let i = 0; i < n; i++) ranked[i].score = p[i] * (1 + feats.trending(i));
    ranked.sort(byScore);
    return { ranked, modelVersion: model ? model.versionId : 'fallback' };
  }

  private async coldStart(tenantId: string, catalog: TenantCatalog, k: number, exclude: ReadonlySet<string>): Promise<{ ranked: RankedCandidate[] }> {
    const popular = await this.catalogs.popular(tenantId);
    const size = this.settings.coldStartPool;
    const pool: Array<{ id: string; creator: string; category: string; popularity: number }> = [];
    const inPool = new Set<string>();
    const add = (id: string, popularity: number) => {
      if (pool.length >= size || inPool.has(id) || exclude.has(id)) return;
      const e = catalog.entry(id);
      if (!e) return;
      inPool.add(id);
      pool.push({ id, creator: e.creator, category: e.category, popularity });
    };
    for (const id of popular.ids) add(id, popular.engagements.get(id) ?? 0);
    if (pool.length < size) for (const id of catalog.newest(size + exclude.size)) add(id, 0);
    // recsys-domain's popular + diverse pick leads; the rest of the pool follows by popularity
    const lead = popularDiverseFallback(pool, k, { maxPerCategory: this.settings.maxPerCategory });
    const led = new Set(lead.map((c) => c.id));
    const ordered = [...lead, ...pool.filter((c) => !led.has(c.id))];
    return { ranked: ordered.map((c) => ({ id: c.id, creator: c.creator ?? '', category: c.category, score: c.popularity })) };
  }
}
