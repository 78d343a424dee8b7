import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NotImplementedException } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { BadRequestError, ConflictError, clientUserId, entityOwner, isCustomCategories, NotFoundError, ownerEntity, RUN_SEPARATOR, runOf, type CustomCategories, type FilterNode, type OwnerKind } from '@frontier/memory-data-access';
import { isUnavailable } from '@frontier/platform-util';
import { ErasureService } from '../services/erasure.service';
import { ExportService } from '../services/export.service';
import { ExtractionService } from '../services/extraction.service';
import { MemoryService, type MemoryView } from '../services/memory.service';
import { SessionService } from '../services/session.service';
import { mem0AddResults, mem0History, mem0Memory, type Mem0Memory } from '../present/mem0.presenter';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { shapeExport } from './export-shape';
import { Mem0ExportStore } from './export-store';
import { parseFilter } from './filter-language';

/** Mem0's answer to an add whose extraction is left to the worker (its async mode's event). */
export type Mem0PendingAdd = Array<{ message: string; status: 'PENDING'; event_id: string; session_id: string }>;

/** True for {@link Mem0PendingAdd}: the route answers 202. */
export const isPendingAdd = (r: unknown): r is Mem0PendingAdd => Array.isArray(r) && (r[0] as { status?: unknown } | undefined)?.status === 'PENDING';

/** Options a Mem0 client may send that we do not serve: 501 naming them. */
export function refuseUnsupported(given: object, names: readonly string[], route: string): void {
  const g = given as Record<string, unknown>;
  const used = names.filter((n) => g[n] !== undefined && g[n] !== null && !(n === 'app_id' && g[n] === ''));
  if (used.length) throw new NotImplementedException(`${route}: ${used.join(', ')} ${used.length > 1 ? 'are' : 'is'} not supported by Frontier's Mem0 compatibility API`);
}

/** A Mem0 export request: which memories, in which JSON schema's shape. */
interface ExportRequest {
  filters: Record<string, unknown>;
  schema: Record<string, unknown>;
}

/** Where an export keeps, beside what is served, what rebuilding it takes. */
const REBUILD = '_rebuild';
interface StoredExport {
  id: string;
  status: string;
  user_id: string;
  created_at: string;
  count: number;
  data: unknown;
  [REBUILD]: { request: ExportRequest; seen: string | null };
}

/** The user an export is of: a `user_id` the filter requires (at its top, or in a top-level AND). */
function exportUser(filter: FilterNode): string | null {
  if ('field' in filter) return filter.field === 'user_id' && filter.op === 'eq' ? String(filter.value) : null;
  if ('and' in filter) for (const c of filter.and) if (exportUser(c)) return exportUser(c);
  return null;
}

/** An export's filter (Mem0's language, as search and getAll read it) and the user it is of. */
function exportFilter(filters: unknown): { filter: FilterNode; userId: string } {
  const filter = parseFilter(filters);
  const userId = exportUser(filter);
  if (!userId) throw new BadRequestError('filters.user_id', "filters.user_id is required (an export is one user's memories)");
  return { filter, userId };
}

/** Memories per page read while building an export. */
const EXPORT_PAGE = 500;

export interface Mem0AddInput {
  user_id?: string;
  agent_id?: string;
  app_id?: string;
  run_id?: string;
  timestamp?: number;
  infer?: boolean;
  /** Answer at once (PENDING, 202) and extract in the worker; the event is read at `GET /v1/event/{id}/`. */
  async_mode?: boolean;
  metadata?: Record<string, unknown>;
  custom_categories?: unknown;
  /** Not served after this day: our invalid_at on every memory the add stores. */
  expiration_date?: string;
  messages: Array<{ role: 'user' | 'assistant' | 'system'; content: unknown; name?: string }>;
}

/** Largest `metadata` (compact JSON, UTF-16 code units) one memory may carry. */
export const MAX_METADATA_CHARS = 16_384;
/** Most custom categories, and the longest name and description. */
export const MAX_CUSTOM_CATEGORIES = 50;

/**
 * Mem0's `expiration_date` (`2026-12-31`, or an ISO time): the memory is served through that day
 * (UTC) and not after — our `invalid_at`. null clears it (update).
 */
export function expirationOf(v: unknown, now: Date, field = 'expiration_date'): Date | null | undefined {
  if (v === undefined || v === null) return v;
  const at = typeof v === 'string' ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999Z` : v) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new BadRequestError(field, `${field} must be a date like 2026-12-31`);
  if (at <= now) throw new BadRequestError(field, `${field} must not be in the past`);
  return at;
}

/** The owner scope of an add: its user, else the agent's, the app's or the run's own (Mem0 allows memories without a user). */
export function ownerOf(ids: { user_id?: string | undefined; agent_id?: string | undefined; app_id?: string | undefined; run_id?: string | undefined }): string {
  if (ids.user_id) return ids.user_id;
  if (ids.agent_id) return entityOwner('agent', ids.agent_id);
  if (ids.app_id) return entityOwner('app', ids.app_id);
  if (ids.run_id) return entityOwner('run', ids.run_id);
  throw new BadRequestError('user_id', 'user_id is required unless agent_id, app_id or run_id is given (every memory belongs to a user, an agent, an app or a run)');
}

export function checkMetadata(v: unknown, field = 'metadata'): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequestError(field, `${field} must be an object`);
  if (JSON.stringify(v).length > MAX_METADATA_CHARS) throw new BadRequestError(field, `${field} must be at most ${MAX_METADATA_CHARS} characters of JSON`);
  return v as Record<string, unknown>;
}

export function checkCustomCategories(v: unknown, field = 'custom_categories'): CustomCategories | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isCustomCategories(v)) throw new BadRequestError(field, `${field} must be an array of objects mapping a category name to its description, like [{"food": "meals, diets, restaurants"}]`);
  if (v.length > MAX_CUSTOM_CATEGORIES) throw new BadRequestError(field, `${field} must list at most ${MAX_CUSTOM_CATEGORIES} categories`);
  v.forEach((e, i) =>
    Object.entries(e).forEach(([name, d]) => {
      if (!name.trim() || name.length > 64) throw new BadRequestError(`${field}.${i}`, `${field}.${i}: a category name must be 1 to 64 characters`);
      if (d.length > 1_000) throw new BadRequestError(`${field}.${i}.${name}`, `${field}.${i}.${name}: a description must be at most 1,000 characters`);
    }),
  );
  return v;
}

/**
 * Mem0's platform API on memory's use cases: the same services as the native routes, answering in
 * Mem0's shapes. The API key's tenant scopes every call; memories known only by id are resolved to
 * their user within the tenant.
 */
@Injectable()
export class Mem0Service {
  constructor(
    private readonly memories: MemoryService,
    private readonly sessions: SessionService,
    private readonly extraction: ExtractionService,
    private readonly exports: Mem0ExportStore,
    private readonly erasure: ErasureService,
    private readonly exporter: ExportService,
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
  ) {}

  /**
   * Stores the messages as one session (a run's continuation when `run_id` is given) and runs the
   * extraction pipeline in the request, answering Mem0's event list. An add is an explicit
   * "remember this": the session-length gate does not apply (forget commands still do); the
   * session records that (extract mode `explicit`, or `verbatim` for `infer: false`). When the
   * extraction meets an outage after the session is stored, nothing is lost: the answer is
   * Mem0's PENDING (202) and the reconciler has the worker extract it the same way.
   */
  async add(tenantId: string, dto: Mem0AddInput, route = 'POST /v3/memories/add/'): Promise<ReturnType<typeof mem0AddResults> | Mem0PendingAdd> {
    dto.messages.forEach((m, i) => {
      if (typeof m.content !== 'string') throw new NotImplementedException(`${route}: messages.${i}.content: image messages are not supported`);
    });
    const scope = { tenantId, userId: ownerOf(dto) };
    const metadata = checkMetadata(dto.metadata);
    const expiresAt = expirationOf(dto.expiration_date, this.ctx.clock());
    const customCategories = checkCustomCategories(dto.custom_categories) ?? (await this.ctx.settings?.customCategories(tenantId)) ?? undefined;
    const sessionId = `${dto.run_id ?? ''}${RUN_SEPARATOR}${randomUUID()}`;
    const input = {
      sessionId,
      ...(dto.agent_id ? { agentId: dto.agent_id } : {}),
      ...(dto.app_id ? { appId: dto.app_id } : {}),
      ...(metadata ? { metadata } : {}),
      ...(customCategories?.length ? { customCategories } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(dto.timestamp !== undefined ? { startedAt: new Date(dto.timestamp * 1000) } : {}),
      turns: dto.messages.map((m, i) => ({ id: `m${i}`, role: m.role, content: m.content as string, ...(m.name ? { speaker: m.name } : {}) })),
      extractMode: dto.infer === false ? ('verbatim' as const) : ('explicit' as const),
    };
    const pending = (id: string): Mem0PendingAdd => [{ message: 'Memory processing has been queued for background execution', status: 'PENDING', event_id: id, session_id: sessionId }];
    if (dto.async_mode) return pending((await this.sessions.ingest(scope, input)).id);
    const stored = await this.sessions.store(scope, input);
    const outcome = await this.extraction.process(scope, stored.id).catch((e: unknown) => {
      if (isUnavailable(e)) return null;
      throw e;
    });
    if (!outcome) return pending(stored.id);
    return mem0AddResults(outcome, { userId: dto.user_id ?? null, agentId: dto.agent_id ?? null, appId: dto.app_id ?? null, runId: dto.run_id ?? null, sessionId });
  }

  /** Memories in Mem0's shape, with what the domain record does not carry (metadata, categories, updated_at, app). */
  async present(views: MemoryView[]): Promise<Mem0Memory[]> {
    const attrs = await this.ctx.memories.filtered.attributes(views.map((v) => v.memory.id));
    return views.map((v) => mem0Memory(v, attrs.get(v.memory.id)));
  }

  async get(tenantId: string, id: string) {
    return (await this.present([await this.memories.get(await this.memories.scopeOf(tenantId, id), id)]))[0];
  }

  /**
   * A correction (`text`: re-embedded, recorded as UPDATE) and/or new `metadata` (replaces the
   * memory's; null clears it); answers the updated memory.
   */
  async update(tenantId: string, id: string, dto: { text?: string; metadata?: unknown; timestamp?: number; expiration_date?: string | null }) {
    if (dto.text === undefined && dto.metadata === undefined && dto.timestamp === undefined && dto.expiration_date === undefined) {
      throw new BadRequestError('text', 'text, metadata, timestamp or expiration_date is required');
    }
    const metadata = dto.metadata === null ? null : checkMetadata(dto.metadata);
    const invalidAt = expirationOf(dto.expiration_date, this.ctx.clock());
    const scope = await this.memories.scopeOf(tenantId, id);
    let view = dto.text !== undefined ? await this.memories.update(scope, id, { text: dto.text }) : await this.memories.get(scope, id);
    if (metadata !== undefined) await this.ctx.memories.filtered.setMetadata(scope, id, metadata);
    if (dto.timestamp !== undefined || invalidAt !== undefined) {
      const times = { ...(dto.timestamp !== undefined ? { validAt: new Date(dto.timestamp * 1000) } : {}), ...(invalidAt !== undefined ? { invalidAt } : {}) };
      if (!(await this.ctx.memories.filtered.setTimes(scope, id, times))) throw new ConflictError('id', `memory ${id} was superseded by a newer fact: its times are history`, 'memory.superseded');
      await this.ctx.biographies.markStale(scope);
      await this.ctx.notifier.changed(scope);
    }
    if (metadata !== undefined || dto.timestamp !== undefined || invalidAt !== undefined) view = await this.memories.get(scope, id);
    return (await this.present([view]))[0];
  }

  /** A Mem0 add's event by id (an async add's, or one an outage left PENDING): its status and what it stored. */
  async event(tenantId: string, id: string) {
    const s = await this.ctx.sessions.inTenant(tenantId, id);
    if (!s) throw new NotFoundError('event_id', `event ${id} not found`);
    const status = { received: 'PENDING', processing: 'RUNNING', processed: 'SUCCEEDED', skipped: 'SUCCEEDED', failed: 'FAILED' }[s.status] ?? 'PENDING';
    const made = status === 'SUCCEEDED' ? (await this.ctx.memories.ofSession(s.id)).filter((m) => !m.deleted) : [];
    const runId = runOf(s.externalId);
    return {
      id: s.id,
      event_type: 'ADD',
      status,
      results: made.map((m) => ({ id: m.id, event: 'ADD', data: { memory: m.text }, memory: m.text, user_id: clientUserId(s.userId), agent_id: s.agentId, app_id: s.appId, run_id: runId })),
      created_at: s.startedAt,
      updated_at: s.processedAt ?? s.startedAt,
      // ours: why nothing was stored (a skipped or failed session), and the session it is
      reason: s.reason,
      session_id: s.externalId,
    };
  }

  /** An erasure: gone from every answer now, from every store once its report is `completed` (`erasure_id`). */
  async remove(tenantId: string, id: string) {
    const t = await this.erasure.eraseMemory(await this.memories.scopeOf(tenantId, id), id);
    return { message: 'Memory deleted successfully!', erasure_id: t.id };
  }

  /** deleteAll: an erasure of a user's memories, or only an agent's / a run's within them. */
  async removeAll(tenantId: string, q: { user_id?: string; agent_id?: string; app_id?: string; run_id?: string }) {
    const owner = ownerOf(q);
    // without a user: the agent's (app's, run's) own memories, those added with no user_id
    const narrow = q.user_id ? { ...(q.agent_id ? { agentId: q.agent_id } : {}), ...(q.run_id ? { runId: q.run_id } : {}) } : q.agent_id && q.run_id ? { runId: q.run_id } : {};
    const t = await this.erasure.eraseAll({ tenantId, userId: owner }, narrow);
    return { message: 'Memories deleted successfully!', deleted: t?.memories ?? 0, erasure_id: t?.id ?? null };
  }

  /** `getProject()`: the project is the key's tenant; what it serves is its custom categories. */
  async project(tenantId: string) {
    return { id: tenantId, name: tenantId, custom_categories: (await this.settings().customCategories(tenantId)) ?? [], custom_instructions: null, agent_custom_instructions: null };
  }

  /** `updateProject({ customCategories })`: the tenant's custom categories, used by every add that names none (null or [] clears them). */
  async updateProject(tenantId: string, dto: { custom_categories?: unknown }) {
    if (dto.custom_categories === undefined) throw new BadRequestError('custom_categories', 'custom_categories is required (the only project setting served)');
    const categories = checkCustomCategories(dto.custom_categories);
    await this.settings().setCustomCategories(tenantId, categories?.length ? categories : null);
    return { message: 'Updated custom prompts', custom_categories: categories ?? [] };
  }

  private settings() {
    if (!this.ctx.settings) throw new NotImplementedException('project settings are not available in this deployment');
    return this.ctx.settings;
  }

  /** `users()`: the tenant's users with memories, in Mem0's entity shape. */
  async users(tenantId: string, q: { page?: number; page_size?: number }, url: string) {
    const page = q.page ?? 1;
    const pageSize = q.page_size ?? 100;
    const r = await this.erasure.users(tenantId, page, pageSize);
    const link = (n: number) => `${url}?page=${n}&page_size=${pageSize}`;
    return {
      count: r.total,
      next: page * pageSize < r.total ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: r.items.map((u) => ({ id: ownerEntity(u.userId)?.id ?? u.userId, name: ownerEntity(u.userId)?.id ?? u.userId, type: ownerEntity(u.userId)?.kind ?? 'user', total_memories: u.memories, created_at: u.first, updated_at: u.last, owner: tenantId, organization: tenantId, metadata: null })),
    };
  }

  /** `deleteUsers({ userId })`: the whole user is erased (memories, sessions, transcripts, biography, exports); `agentId` / `appId` / `runId`: that entity's own memories. */
  async removeUser(tenantId: string, type: string, name: string) {
    // an agent / app / run entity is the owner of the memories added under it with no user (a user's memories from an agent stay the user's)
    const owner = type === 'user' ? name : entityOwner(type as OwnerKind, name);
    const t = await this.erasure.eraseUser({ tenantId, userId: owner });
    return { message: 'Entity deleted successfully.', erasure_id: t.id };
  }

  async history(tenantId: string, id: string) {
    const scope = await this.memories.scopeOf(tenantId, id, { includeDeleted: true });
    return (await this.memories.history(scope, id)).map((e) => mem0History(e, clientUserId(scope.userId)));
  }

  /** Every id is checked first, so a batch with an unknown id changes nothing. */
  private async scopesOf(tenantId: string, ids: string[]): Promise<MemoryScope[]> {
    if (new Set(ids).size !== ids.length) throw new BadRequestError('memories', 'memories must not repeat a memory_id');
    const scopes: MemoryScope[] = [];
    for (const [i, id] of ids.entries()) {
      try {
        scopes.push(await this.memories.scopeOf(tenantId, id));
      } catch (e) {
        if (e instanceof NotFoundError) throw new NotFoundError(`memories.${i}.memory_id`, `memories.${i}.memory_id: memory ${id} not found`);
        throw e;
      }
    }
    return scopes;
  }

  async batchUpdate(tenantId: string, dto: { memories: Array<{ memory_id: string; text: string }> }) {
    const scopes = await this.scopesOf(tenantId, dto.memories.map((m) => m.memory_id));
    for (const [i, m] of dto.memories.entries()) await this.memories.update(scopes[i] as MemoryScope, m.memory_id, { text: m.text });
    return { message: `Successfully updated ${dto.memories.length} memories` };
  }

  async batchDelete(tenantId: string, dto: { memories: Array<{ memory_id: string }> }) {
    const scopes = await this.scopesOf(tenantId, dto.memories.map((m) => m.memory_id));
    const byUser = new Map<string, { scope: MemoryScope; ids: string[] }>();
    dto.memories.forEach((m, i) => {
      const scope = scopes[i] as MemoryScope;
      const g = byUser.get(scope.userId) ?? { scope, ids: [] };
      g.ids.push(m.memory_id);
      byUser.set(scope.userId, g);
    });
    const erasures: string[] = [];
    for (const g of byUser.values()) {
      const t = await this.erasure.eraseMemories(g.scope, g.ids);
      if (t) erasures.push(t.id);
    }
    return { message: `Successfully deleted ${dto.memories.length} memories`, erasure_ids: erasures };
  }

  /**
   * The export document (every live memory of the user, with provenance, in the schema's shape),
   * with what a later read needs to rebuild it: the request and when the user's facts had last
   * stopped being served (read before the memories, so a deletion in between is noticed).
   */
  private async buildExport(tenantId: string, request: ExportRequest, id: string, createdAt: string): Promise<StoredExport> {
    const { filter, userId } = exportFilter(request.filters);
    const scope = { tenantId, userId };
    const seen = (await this.memories.lastRemovalAt(scope))?.toISOString() ?? null;
    const items: Mem0Memory[] = [];
    const at = this.ctx.clock();
    for (let n = 1; ; n++) {
      const page = await this.ctx.memories.filtered.page(tenantId, at, filter, { page: n, pageSize: EXPORT_PAGE });
      items.push(...(await this.present(await this.memories.views(page.items))));
      if (n * EXPORT_PAGE >= page.total) break;
    }
    const exportedAt = new Date().toISOString();
    const data = shapeExport(request.schema, items as unknown as Array<Record<string, unknown>>, { userId, exportedAt });
    return { id, status: 'completed', user_id: userId, created_at: createdAt, count: items.length, data, [REBUILD]: { request, seen } };
  }

  /** Builds the export now and keeps it 7 days. */
  async createExport(tenantId: string, dto: ExportRequest) {
    const id = randomUUID();
    const doc = await this.buildExport(tenantId, { filters: dto.filters, schema: dto.schema }, id, new Date().toISOString());
    await this.exports.save(tenantId, doc.user_id, id, doc);
    return { message: 'Memory export request received. The export is ready.', id };
  }

  /**
   * By `memory_export_id`, or the latest export of `filters.user_id`. An export made before one of
   * the user's facts was deleted, superseded or corrected is rebuilt first: a deleted fact is never
   * served from a copy either.
   */
  async getExport(tenantId: string, dto: { memory_export_id?: string; filters?: Record<string, unknown> }) {
    let id = dto.memory_export_id;
    if (!id) {
      if (!dto.filters) throw new BadRequestError('memory_export_id', 'memory_export_id or filters is required');
      id = (await this.exports.latestId(tenantId, exportFilter(dto.filters).userId)) ?? undefined;
    }
    let doc = (id ? await this.exports.get(tenantId, id) : null) as StoredExport | null;
    if (!id || !doc) throw new NotFoundError('memory_export_id', 'memory export not found (exports are kept 7 days)');
    const last = (await this.memories.lastRemovalAt({ tenantId, userId: doc.user_id }))?.toISOString() ?? null;
    const rebuild = doc[REBUILD] as StoredExport[typeof REBUILD] | undefined;
    if (!rebuild) {
      // made before exports kept their request: it cannot be rebuilt, so not served past a deletion
      if (last !== null && last >= doc.created_at) throw new NotFoundError('memory_export_id', 'memory export made before a deletion: create it again');
    } else if (last !== rebuild.seen) {
      doc = await this.buildExport(tenantId, rebuild.request, id, doc.created_at);
      await this.exports.save(tenantId, doc.user_id, id, doc);
    }
    const { [REBUILD]: _kept, ...served } = doc;
    return { message: 'Memory export is ready.', ...served };
  }
}
