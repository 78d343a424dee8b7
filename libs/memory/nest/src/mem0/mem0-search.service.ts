import { Inject, Injectable, NotImplementedException } from '@nestjs/common';
import { BadRequestError, clientUserId, type FilterNode } from '@frontier/memory-data-access';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { mem0Scored, project } from '../present/mem0.presenter';
import { MemoryService, type ScoredMemory } from '../services/memory.service';
import { parseFilter, parseMetadataFilter } from './filter-language';
import { Mem0Service } from './mem0.service';

/** Most owner scopes (users, or agents / apps / runs added without a user) one search may span. */
export const MAX_SEARCH_OWNERS = 10;
/** Candidates per owner that `threshold` and `keyword_search` choose among. */
const SEARCH_DEPTH = 100;

/** Fields `fields` may name (Mem0's, ours, and a search's score). */
export const MEM0_FIELDS = [
  'id',
  'memory',
  'user_id',
  'agent_id',
  'app_id',
  'run_id',
  'hash',
  'metadata',
  'categories',
  'created_at',
  'updated_at',
  'expiration_date',
  'type',
  'confidence',
  'valid_at',
  'invalid_at',
  'recorded_at',
  'expired_at',
  'superseded_by',
  'provenance',
  'score',
  'score_breakdown',
] as const;

export interface Mem0FilterInput {
  filters: Record<string, unknown>;
  /** Any of these categories (our types, or custom categories). */
  categories?: string[];
  /** Older clients' metadata equality filter (`{"key": value}`): ANDed with `filters`. */
  metadata?: Record<string, unknown>;
  fields?: string[];
  show_expired?: boolean;
  latest_only?: boolean;
}

export interface Mem0SearchInput extends Mem0FilterInput {
  query: string;
  top_k?: number;
  limit?: number;
  /** Minimum similarity, 0–1: compared with `score_breakdown.relevance` (see README). */
  threshold?: number;
  rerank?: boolean;
  keyword_search?: boolean;
}

export interface Mem0GetAllInput extends Mem0FilterInput {
  start_date?: string;
  end_date?: string;
}

const dateOf = (v: string, field: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new BadRequestError(field, `${field} must be an ISO 8601 date`);
  return d;
};

/**
 * Mem0's search and getAll: the filter runs in Postgres across the tenant (users, agents, apps,
 * runs, metadata, categories, times, in any AND / OR / NOT), then search ranks each matching
 * owner's memories with the service's own pipeline, restricted to the matches.
 */
@Injectable()
export class Mem0SearchService {
  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    private readonly memories: MemoryService,
    private readonly mem0: Mem0Service,
  ) {}

  /** `filters` with the request's `categories`, `metadata` and date bounds ANDed in. */
  private filterOf(dto: Mem0FilterInput & { start_date?: string; end_date?: string }): FilterNode {
    const parts: FilterNode[] = [parseFilter(dto.filters)];
    if (dto.categories?.length) parts.push({ field: 'categories', op: 'in', value: dto.categories });
    if (dto.metadata && Object.keys(dto.metadata).length) parts.push(parseMetadataFilter(dto.metadata));
    if (dto.start_date) parts.push({ field: 'created_at', op: 'gte', value: dateOf(dto.start_date, 'start_date') });
    if (dto.end_date) parts.push({ field: 'created_at', op: 'lte', value: dateOf(dto.end_date, 'end_date') });
    if (dto.fields) dto.fields.forEach((f, i) => {
      if (!(MEM0_FIELDS as readonly string[]).includes(f)) throw new BadRequestError(`fields.${i}`, `fields.${i} must be one of ${MEM0_FIELDS.join(', ')}`);
    });
    return parts.length === 1 ? (parts[0] as FilterNode) : { and: parts };
  }

  async search(tenantId: string, dto: Mem0SearchInput) {
    if (dto.rerank) throw new NotImplementedException('POST /v3/memories/search/: rerank is not supported (no reranker model is configured; results are already re-scored)');
    if (dto.show_expired || dto.latest_only === false) throw new NotImplementedException('POST /v3/memories/search/: show_expired / latest_only: false are not supported (search returns live facts; use getAll with show_expired)');
    if (!dto.query?.trim()) throw new BadRequestError('query', 'query must not be empty');
    const filter = this.filterOf(dto);
    const at = this.ctx.clock();
    const owners = await this.ctx.memories.filtered.owners(tenantId, at, filter, MAX_SEARCH_OWNERS + 1);
    if (owners.length > MAX_SEARCH_OWNERS) throw new BadRequestError('filters', `filters match memories of more than ${MAX_SEARCH_OWNERS} users / agents / apps / runs: narrow them (one search ranks at most ${MAX_SEARCH_OWNERS})`);
    const found: ScoredMemory[] = [];
    let profile = '';
    for (const owner of owners) {
      const scope = { tenantId, userId: owner };
      const only = new Set(await this.ctx.memories.filtered.ids(scope, at, filter));
      if (!only.size) continue;
      const r = await this.memories.search(scope, { query: dto.query, limit: SEARCH_DEPTH, record: false, only });
      if (!profile && clientUserId(owner) !== null) profile = r.profile;
      found.push(...r.memories);
    }
    // retrievals are counted for what is served only (usage discount, eviction recency)
    const top = rank(found, dto).slice(0, dto.top_k ?? dto.limit ?? 10);
    await this.memories.recordRetrievals(top.map((s) => s.memory.id), at);
    const attrs = await this.ctx.memories.filtered.attributes(top.map((s) => s.memory.id));
    return { results: top.map((s) => project(mem0Scored(s, s.breakdown, attrs.get(s.memory.id)), dto.fields)), profile };
  }

  /** getAll: filters in the body, `page` / `page_size` in the query; links built on `url` (this route's absolute URL). */
  async getAll(tenantId: string, dto: Mem0GetAllInput, q: { page?: number; page_size?: number }, url: string) {
    const filter = this.filterOf(dto);
    const pageSize = q.page_size ?? 100;
    const pageNo = q.page ?? 1;
    const page = await this.ctx.memories.filtered.page(tenantId, this.ctx.clock(), filter, { page: pageNo, pageSize, ...(dto.show_expired || dto.latest_only === false ? { includeInactive: true } : {}) });
    const items = await this.mem0.present(await this.memories.views(page.items));
    const link = (n: number) => `${url}?page=${n}&page_size=${pageSize}`;
    return {
      count: page.total,
      next: pageNo * pageSize < page.total ? link(pageNo + 1) : null,
      previous: pageNo > 1 ? link(pageNo - 1) : null,
      results: items.map((m) => project(m, dto.fields)),
    };
  }
}

/**
 * The order served: our final score; with `threshold`, only candidates whose relevance (the
 * query–memory similarity, 0–1) reaches it; with `keyword_search`, only lexical matches, by
 * lexical score.
 */
export function rank<T extends ScoredMemory>(found: T[], o: { threshold?: number; keyword_search?: boolean }): T[] {
  let kept = o.threshold === undefined ? found : found.filter((s) => s.breakdown.relevance >= (o.threshold as number));
  if (o.keyword_search) {
    kept = kept.filter((s) => s.breakdown.lexical > 0);
    return kept.sort((a, b) => b.breakdown.lexical - a.breakdown.lexical || b.breakdown.score - a.breakdown.score || a.memory.id.localeCompare(b.memory.id));
  }
  return kept.sort((a, b) => b.breakdown.score - a.breakdown.score || a.memory.id.localeCompare(b.memory.id));
}
