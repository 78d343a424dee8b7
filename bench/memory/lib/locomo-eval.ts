/** LoCoMo retrieval recall: our search, its tuning sweep, and the BM25 / plain-cosine baselines. */
import { Bm25Index, DEFAULT_TYPE_POLICIES, MEMORY_TYPES, scoreMemory, type MemoryType, type RelevanceWeights, type TypePolicy } from '@frontier/memory-domain';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { BenchMemory as MemoryDeps } from './bench-memory';
import { turnText, type LocomoConversation, type LocomoQuestion } from './locomo-data';

export const CATEGORIES = [1, 2, 3, 4] as const;
export const CATEGORY_NAMES: Record<number, string> = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' };

interface Cell {
  n: number;
  hit5: number;
  hit10: number;
}

/** Hit@k per category: a question counts when any of the top k memories cites an evidence turn. */
export class Tally {
  readonly cells = new Map<string, Map<number, Cell>>();

  add(method: string, q: LocomoQuestion, ranked: ReadonlyArray<readonly string[]>): void {
    let m = this.cells.get(method);
    if (!m) this.cells.set(method, (m = new Map()));
    let c = m.get(q.category);
    if (!c) m.set(q.category, (c = { n: 0, hit5: 0, hit10: 0 }));
    const ev = new Set(q.evidence);
    const first = ranked.findIndex((turnIds) => turnIds.some((t) => ev.has(t)));
    c.n++;
    if (first >= 0 && first < 5) c.hit5++;
    if (first >= 0 && first < 10) c.hit10++;
  }

  /** recall@5 / @10 per category and overall (micro-averaged over questions). */
  recall(method: string): Record<string, { n: number; r5: number; r10: number }> {
    const m = this.cells.get(method) ?? new Map<number, Cell>();
    const out: Record<string, { n: number; r5: number; r10: number }> = {};
    const all: Cell = { n: 0, hit5: 0, hit10: 0 };
    for (const cat of CATEGORIES) {
      const c = m.get(cat) ?? { n: 0, hit5: 0, hit10: 0 };
      out[String(cat)] = { n: c.n, r5: c.n ? c.hit5 / c.n : 0, r10: c.n ? c.hit10 / c.n : 0 };
      all.n += c.n;
      all.hit5 += c.hit5;
      all.hit10 += c.hit10;
    }
    out['all'] = { n: all.n, r5: all.n ? all.hit5 / all.n : 0, r10: all.n ? all.hit10 / all.n : 0 };
    return out;
  }

  methods(): string[] {
    return [...this.cells.keys()];
  }
}

/** Every type decays so slowly that recency ≈ 1 over LoCoMo's span ("without the recency term"). */
export const NO_RECENCY: Record<MemoryType, TypePolicy> = Object.fromEntries(
  MEMORY_TYPES.map((t) => [t, { ...DEFAULT_TYPE_POLICIES[t], halfLifeDays: 1e9, tenthLifeDays: 4e9 }]),
) as Record<MemoryType, TypePolicy>;

/** on: the shipped product; off: recency ≈ 1; blend: relevance × (0.5 + 0.5·recency) (a softer decay). */
export type RecencyMode = 'on' | 'off' | 'blend';

export interface SweepConfig {
  pool: number;
  dense: number;
  recency: RecencyMode;
}

export const sweepName = (c: SweepConfig): string => `sweep pool=${c.pool} dense=${c.dense.toFixed(1)} recency=${c.recency}`;

export function sweepGrid(pools: number[], denseWeights: number[], modes: RecencyMode[] = ['on', 'off', 'blend']): SweepConfig[] {
  return pools.flatMap((pool) => denseWeights.flatMap((dense) => modes.map((recency) => ({ pool, dense, recency }))));
}

interface Row {
  id: string;
  type: MemoryType;
  confidence: number;
  retrievalCount: number;
  validAt: Date;
  turnIds: string[];
}

export interface EvalOptions {
  tally: Tally;
  /** Prefix of every method name (the ingest mode). */
  mode: string;
  now: Date;
  defaultWeights: RelevanceWeights;
  sweep: SweepConfig[];
  /** Also run the raw-turn BM25 baseline (once per conversation is enough: it ignores the mode). */
  bm25Baseline: boolean;
}

/**
 * Asks every question of one conversation. `ours` is the real searchMemories (record: false);
 * the sweep re-implements its re-scoring over the index's pool with other knobs (checked: the
 * default knobs reproduce `ours` exactly, counted in `agreement`).
 */
export async function evaluateConversation(deps: MemoryDeps, scope: MemoryScope, conv: LocomoConversation, o: EvalOptions): Promise<{ agree: number; asked: number }> {
  const rows = await deps.prisma.memory.findMany({
    where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, supersededById: null, invalidAt: null },
    select: { id: true, type: true, confidence: true, retrievalCount: true, validAt: true, turnIds: true },
  });
  const byId = new Map<string, Row>(rows.map((r) => [r.id, { ...r, type: r.type as MemoryType }]));
  const prov = (id: string) => byId.get(id)?.turnIds ?? [];
  const bm25 = new Bm25Index();
  if (o.bm25Baseline) for (const s of conv.sessions) for (const t of s.turns) bm25.add(t.dia_id, turnText(t));
  const pools = [...new Set([40, ...o.sweep.map((c) => c.pool)])];
  let agree = 0;
  for (const q of conv.questions) {
    const ours = await deps.svc.memories.search(scope, { query: q.question, limit: 10, record: false });
    const oursIds = ours.memories.map((m) => m.memory.id);
    o.tally.add(`${o.mode} | ours (searchMemories)`, q, ours.memories.map((m) => m.memory.provenance.turnIds));
    if (o.bm25Baseline) o.tally.add('baseline | BM25 over turns', q, bm25.search(q.question, 10).map((h) => [h.id]));
    const [vector] = await deps.ctx.embedder.embed([q.question]);
    const v = vector as Float32Array;
    const dense = await deps.ctx.index.search(scope, { vector: v, k: 10 });
    o.tally.add(`${o.mode} | plain cosine (dense only)`, q, dense.map((h) => prov(h.id)));
    const poolHits = new Map<number, Awaited<ReturnType<MemoryDeps['ctx']['index']['search']>>>();
    for (const p of pools) poolHits.set(p, (await deps.ctx.index.search(scope, { vector: v, text: q.question, k: p })).filter((h) => byId.has(h.id)));
    o.tally.add(`${o.mode} | RRF pool order (no re-scoring)`, q, (poolHits.get(40) ?? []).slice(0, 10).map((h) => prov(h.id)));
    const rerank = (pool: number, weights: RelevanceWeights, recency: RecencyMode) =>
      (poolHits.get(pool) ?? [])
        .map((h) => {
          const m = byId.get(h.id) as Row;
          const s = scoreMemory({ memory: m, cosine: h.cosine, lexical: h.lexical ?? 0 }, { now: o.now, weights, ...(recency === 'off' ? { policies: NO_RECENCY } : {}) });
          return { id: h.id, score: recency === 'blend' ? s.relevance * (0.5 + 0.5 * s.recency) * s.confidence * s.usage : s.score };
        })
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
        .slice(0, 10)
        .map((x) => x.id);
    const mine = rerank(40, o.defaultWeights, 'on');
    if (mine.length === oursIds.length && mine.every((id, i) => id === oursIds[i])) agree++;
    o.tally.add(`${o.mode} | ours without recency`, q, rerank(40, o.defaultWeights, 'off').map(prov));
    for (const c of o.sweep) o.tally.add(`${o.mode} | ${sweepName(c)}`, q, rerank(c.pool, { dense: c.dense, lexical: 1 - c.dense }, c.recency).map(prov));
  }
  return { agree, asked: conv.questions.length };
}
