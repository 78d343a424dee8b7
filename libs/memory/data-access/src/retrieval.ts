import { DEFAULT_RELEVANCE, formatProfileBlock, scoreMemory, type Memory, type ScoreBreakdown } from '@frontier/memory-domain';
import { now as clock, type MemoryDeps } from './deps';
import { BadRequestError } from './errors';
import { entityWhere, liveWhere, validRange, toDomain, type EntityFilter, type MemoryScope } from './records';

export interface SearchInput extends EntityFilter {
  query: string;
  /** The last turns of the conversation; the query embeds the current turn plus the last 3. */
  recentTurns?: string[];
  limit?: number;
  /** Types to search (default all). */
  types?: string[];
  /** Minimum final score. */
  threshold?: number;
  /** Only facts valid from / until (their `validAt`). */
  since?: Date;
  until?: Date;
  /** Count this search as a retrieval (usage discount, eviction recency). Default true. */
  record?: boolean;
}

export interface ScoredMemory {
  memory: Memory;
  breakdown: ScoreBreakdown;
}

export interface SearchResult {
  memories: ScoredMemory[];
  /** `[User profile]` block: biography + the top facts phrased as beliefs. */
  profile: string;
}

const MAX_QUERY_CHARS = 8_000;

/**
 * Query time: embed (current turn + last 3), take a candidate pool from the hybrid index, drop
 * anything not live in Postgres (whatever the index says), re-score with
 * relevance × recency × confidence × usage, and return the top `limit` with their breakdown.
 */
export async function searchMemories(deps: MemoryDeps, scope: MemoryScope, input: SearchInput): Promise<SearchResult> {
  const query = input.query?.trim();
  if (!query) throw new BadRequestError('query', 'query must not be empty');
  const text = [...(input.recentTurns ?? []).slice(-3), query].join('\n').slice(-MAX_QUERY_CHARS);
  const limit = Math.min(Math.max(input.limit ?? 5, 1), 100);
  const [vector] = await deps.embedder.embed([text]);
  const pool = Math.max(deps.options?.candidatePool ?? 40, limit * 4);
  const hits = await deps.index.search(scope, { vector: vector as Float32Array, text, k: pool });
  const at = clock(deps);
  const rows = hits.length
    ? await deps.prisma.memory.findMany({ where: { ...liveWhere(scope, at), id: { in: hits.map((h) => h.id) }, ...(input.types?.length ? { type: { in: input.types } } : {}), ...entityWhere(input), ...validRange(input) } })
    : [];
  const byId = new Map(rows.map((r) => [r.id, toDomain(r)]));
  const lexicalUsed = hits.some((h) => h.lexical !== undefined);
  const scored: ScoredMemory[] = [];
  for (const h of hits) {
    const memory = byId.get(h.id);
    if (!memory) continue;
    const breakdown = scoreMemory(
      { memory, cosine: h.cosine, ...(lexicalUsed ? { lexical: h.lexical ?? 0 } : {}) },
      { now: at, weights: deps.options?.relevance ?? DEFAULT_RELEVANCE, ...(deps.options?.usage ? { usage: deps.options.usage } : {}) },
    );
    if (input.threshold !== undefined && breakdown.score < input.threshold) continue;
    scored.push({ memory, breakdown });
  }
  scored.sort((a, b) => b.breakdown.score - a.breakdown.score || a.memory.id.localeCompare(b.memory.id));
  const top = scored.slice(0, limit);
  if (top.length && input.record !== false) {
    await deps.prisma.memory.updateMany({ where: { id: { in: top.map((s) => s.memory.id) } }, data: { retrievalCount: { increment: 1 }, lastRetrievedAt: at } });
  }
  const bio = await deps.prisma.biography.findUnique({ where: { tenantId_userId: { tenantId: scope.tenantId, userId: scope.userId } } });
  return { memories: top, profile: formatProfileBlock(top.map((s) => s.memory), bio?.text) };
}
