import { randomUUID } from 'node:crypto';
import { All, Body, Controller, Delete, Get, HttpCode, Inject, NotImplementedException, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { JobName } from '@frontier/platform-jobs';
import { CurrentPrincipal, PlatformSettings, REDIS, RequireScopes, type Principal } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';
import type { Extractor, Memory } from '@frontier/memory-domain';
import * as memory from '@frontier/memory-data-access';
import { MEMORY_RUNTIME } from '../tokens';
import {
  ADD_UNSUPPORTED,
  Mem0AddDto,
  Mem0BatchDeleteDto,
  Mem0BatchUpdateDto,
  Mem0CreateExportDto,
  Mem0DeleteAllDto,
  Mem0DeleteDto,
  Mem0GetAllDto,
  Mem0GetExportDto,
  Mem0PageDto,
  Mem0SearchDto,
  Mem0UpdateDto,
} from './dto';
import { shapeExport } from './exports';
import { parseFilters } from './filters';
import { mem0AddResults, mem0History, mem0Memory, mem0Scored } from './presenter';

const uuid = new ParseUUIDPipe({ version: '4' });
const EXPORT_TTL_S = 7 * 24 * 3600;

/** `infer: false`: each user message is one memory, verbatim (then deduplicated like any other). */
const verbatimExtractor: Extractor = {
  id: 'mem0-verbatim',
  extract: async (turns) => turns.filter((t) => t.role === 'user').map((t) => ({ text: t.text.trim(), type: 'context' as const, confidence: 1, turnIds: [t.id] })),
};

function refuse(given: Record<string, unknown>, names: readonly string[], route: string): void {
  const used = names.filter((n) => given[n] !== undefined && given[n] !== null && !(n === 'app_id' && given[n] === ''));
  if (used.length) throw new NotImplementedException(`${route}: ${used.join(', ')} ${used.length > 1 ? 'are' : 'is'} not supported by Frontier's Mem0 compatibility API`);
}

const date = (v: string | undefined, field: string): Date | undefined => {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new memory.BadRequestError(field, `${field} must be an ISO 8601 date`);
  return d;
};

/**
 * Mem0's platform REST API (what the official `mem0ai` MemoryClient calls), served under `/mem0`
 * so a client switches with `host: 'https://<memory-api>/mem0'`. Every route maps onto the same
 * data-access services as our native routes; the API key's tenant scopes every call.
 */
@ApiTags('mem0 compatibility')
@ApiBearerAuth()
@Controller('mem0')
export class Mem0Controller {
  constructor(
    @Inject(MEMORY_RUNTIME) private readonly runtime: memory.MemoryRuntime,
    private readonly jobs: JobQueue,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly settings: PlatformSettings,
  ) {}

  private get deps() {
    return this.runtime.deps;
  }

  private async changed(scope: memory.MemoryScope): Promise<void> {
    await this.runtime.bus.publish(scope);
    await this.jobs.enqueue(JobName.MemoryRebuildBiography, scope);
  }

  private async present(memories: Memory[]) {
    const refs = await memory.sessionRefs(this.deps.prisma, memories.map((m) => m.provenance.sessionId));
    return { refs, one: (m: Memory) => mem0Memory(m, refs) };
  }

  /** The client pings once on construction; `org_id` / `project_id` are the key's tenant. */
  @Get('v1/ping')
  ping(@CurrentPrincipal() p: Principal) {
    return { status: 'ok', message: 'Frontier memory API (Mem0 compatible)', org_id: p.tenantId, project_id: p.tenantId, user_email: null };
  }

  /**
   * Stores the messages as one session (a run's continuation when `run_id` is given) and runs the
   * same extraction pipeline as the worker, in the request, answering Mem0's event list.
   */
  @RequireScopes('memory:write')
  @Post('v3/memories/add')
  @HttpCode(200)
  async add(@CurrentPrincipal() p: Principal, @Body() dto: Mem0AddDto) {
    refuse(dto as unknown as Record<string, unknown>, ADD_UNSUPPORTED, 'POST /v3/memories/add/');
    dto.messages.forEach((m, i) => {
      if (typeof m.content !== 'string') throw new NotImplementedException(`POST /v3/memories/add/: messages.${i}.content: image messages are not supported`);
    });
    const scope = { tenantId: p.tenantId, userId: dto.user_id };
    const sessionId = `${dto.run_id ?? ''}${memory.RUN_SEPARATOR}${randomUUID()}`;
    const stored = await memory.storeSession(this.deps, scope, {
      sessionId,
      ...(dto.agent_id ? { agentId: dto.agent_id } : {}),
      ...(dto.timestamp !== undefined ? { startedAt: new Date(dto.timestamp * 1000) } : {}),
      turns: dto.messages.map((m, i) => ({ id: `m${i}`, role: m.role, content: m.content as string, ...(m.name ? { speaker: m.name } : {}) })),
    });
    // An add is an explicit "remember this": the session-length gate does not apply (forget commands still do).
    const deps = { ...this.deps, options: { ...this.deps.options, minSessionTokens: 0 }, ...(dto.infer === false ? { extractor: verbatimExtractor } : {}) };
    const outcome = await memory.processSession(deps, scope, stored.id);
    if (outcome.changed) await this.changed(scope);
    return mem0AddResults(outcome, { userId: dto.user_id, agentId: dto.agent_id ?? null, runId: dto.run_id ?? null, sessionId });
  }

  @RequireScopes('memory:read')
  @Post('v3/memories/search')
  @HttpCode(200)
  async search(@CurrentPrincipal() p: Principal, @Body() dto: Mem0SearchDto) {
    refuse(dto as unknown as Record<string, unknown>, ['metadata'], 'POST /v3/memories/search/');
    if (dto.show_expired) throw new NotImplementedException('POST /v3/memories/search/: show_expired is not supported (search returns live facts; use getAll with show_expired)');
    const f = parseFilters(dto.filters);
    const r = await memory.searchMemories(this.deps, { tenantId: p.tenantId, userId: f.userId }, {
      query: dto.query,
      limit: dto.top_k ?? dto.limit ?? 10,
      ...(dto.threshold !== undefined ? { threshold: dto.threshold } : {}),
      ...(dto.categories?.length ? { types: dto.categories } : {}),
      ...(f.agentId ? { agentId: f.agentId } : {}),
      ...(f.runId ? { runId: f.runId } : {}),
      ...(f.since ? { since: f.since } : {}),
      ...(f.until ? { until: f.until } : {}),
    });
    const { refs } = await this.present(r.memories.map((s) => s.memory));
    return { results: r.memories.map((s) => mem0Scored(s.memory, s.breakdown, refs)), profile: r.profile };
  }

  /** getAll: the client POSTs its filters here, with `page` / `page_size` in the query. */
  @RequireScopes('memory:read')
  @Post('v3/memories')
  @HttpCode(200)
  async getAll(@CurrentPrincipal() p: Principal, @Body() dto: Mem0GetAllDto, @Query() q: Mem0PageDto, @Req() req: Request) {
    refuse(dto as unknown as Record<string, unknown>, ['metadata'], 'POST /v3/memories/');
    const f = parseFilters(dto.filters);
    const since = date(dto.start_date, 'start_date') ?? f.since;
    const until = date(dto.end_date, 'end_date') ?? f.until;
    if (dto.categories && dto.categories.length > 1) throw new memory.BadRequestError('categories', 'categories: getAll filters by one category (one of our memory types)');
    const page = await memory.listMemories(this.deps, { tenantId: p.tenantId, userId: f.userId }, {
      page: q.page ?? 1,
      pageSize: q.page_size ?? 100,
      ...(dto.categories?.[0] ? { type: dto.categories[0] } : {}),
      ...(f.agentId ? { agentId: f.agentId } : {}),
      ...(f.runId ? { runId: f.runId } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(dto.show_expired ? { includeInactive: true } : {}),
    });
    const { one } = await this.present(page.items);
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.path}`;
    const link = (n: number) => `${base}?page=${n}&page_size=${page.pageSize}`;
    return {
      count: page.total,
      next: page.page * page.pageSize < page.total ? link(page.page + 1) : null,
      previous: page.page > 1 ? link(page.page - 1) : null,
      results: page.items.map(one),
    };
  }

  @RequireScopes('memory:read')
  @Get('v1/memories/:id')
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string) {
    const scope = await memory.memoryScope(this.deps, p.tenantId, id);
    const m = await memory.getMemory(this.deps, scope, id);
    return (await this.present([m])).one(m);
  }

  /** A correction: re-embedded, recorded as UPDATE; answers the updated memory. */
  @RequireScopes('memory:write')
  @Put('v1/memories/:id')
  async update(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: Mem0UpdateDto) {
    refuse(dto as unknown as Record<string, unknown>, ['metadata', 'timestamp', 'expiration_date'], 'PUT /v1/memories/{id}/');
    if (dto.text === undefined) throw new memory.BadRequestError('text', 'text is required');
    const scope = await memory.memoryScope(this.deps, p.tenantId, id);
    const m = await memory.updateMemory(this.deps, scope, id, { text: dto.text });
    await this.changed(scope);
    return (await this.present([m])).one(m);
  }

  @RequireScopes('memory:write')
  @Delete('v1/memories/:id')
  async remove(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: Mem0DeleteDto) {
    if (q.delete_linked) throw new NotImplementedException('DELETE /v1/memories/{id}/: delete_linked is not supported (superseded facts are already never retrieved)');
    const scope = await memory.memoryScope(this.deps, p.tenantId, id);
    await memory.deleteMemory(this.deps, scope, id);
    await this.changed(scope);
    return { message: 'Memory deleted successfully!' };
  }

  /** deleteAll: a user's memories, or only an agent's / a run's within them. */
  @RequireScopes('memory:write')
  @Delete('v1/memories')
  async removeAll(@CurrentPrincipal() p: Principal, @Query() q: Mem0DeleteAllDto) {
    refuse(q as unknown as Record<string, unknown>, ['app_id'], 'DELETE /v1/memories/');
    const scope = { tenantId: p.tenantId, userId: q.user_id };
    const deleted = await memory.deleteAllMemories(this.deps, scope, 'user', { ...(q.agent_id ? { agentId: q.agent_id } : {}), ...(q.run_id ? { runId: q.run_id } : {}) });
    await this.changed(scope);
    return { message: 'Memories deleted successfully!', deleted };
  }

  @RequireScopes('memory:read')
  @Get('v1/memories/:id/history')
  async history(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string) {
    const scope = await memory.memoryScope(this.deps, p.tenantId, id, { includeDeleted: true });
    const events = await memory.memoryHistory(this.deps, scope, id);
    return events.map((e) => mem0History(e, scope.userId));
  }

  /** Every id is checked first, so a batch with an unknown id changes nothing. */
  private async scopesOf(tenantId: string, ids: string[]): Promise<memory.MemoryScope[]> {
    if (new Set(ids).size !== ids.length) throw new memory.BadRequestError('memories', 'memories must not repeat a memory_id');
    const scopes: memory.MemoryScope[] = [];
    for (const [i, id] of ids.entries()) {
      try {
        scopes.push(await memory.memoryScope(this.deps, tenantId, id));
      } catch (e) {
        if (e instanceof memory.NotFoundError) throw new memory.NotFoundError(`memories.${i}.memory_id`, `memories.${i}.memory_id: memory ${id} not found`);
        throw e;
      }
    }
    return scopes;
  }

  private async changedAll(scopes: memory.MemoryScope[]): Promise<void> {
    const users = new Map(scopes.map((s) => [s.userId, s]));
    for (const s of users.values()) await this.changed(s);
  }

  @RequireScopes('memory:write')
  @Put('v1/batch')
  async batchUpdate(@CurrentPrincipal() p: Principal, @Body() dto: Mem0BatchUpdateDto) {
    const scopes = await this.scopesOf(p.tenantId, dto.memories.map((m) => m.memory_id));
    for (const [i, m] of dto.memories.entries()) await memory.updateMemory(this.deps, scopes[i] as memory.MemoryScope, m.memory_id, { text: m.text });
    await this.changedAll(scopes);
    return { message: `Successfully updated ${dto.memories.length} memories` };
  }

  @RequireScopes('memory:write')
  @Delete('v1/batch')
  async batchDelete(@CurrentPrincipal() p: Principal, @Body() dto: Mem0BatchDeleteDto) {
    const scopes = await this.scopesOf(p.tenantId, dto.memories.map((m) => m.memory_id));
    for (const [i, m] of dto.memories.entries()) await memory.deleteMemory(this.deps, scopes[i] as memory.MemoryScope, m.memory_id);
    await this.changedAll(scopes);
    return { message: `Successfully deleted ${dto.memories.length} memories` };
  }

  private exportKey(tenantId: string, id: string) {
    return `${this.settings.redisPrefix}:mem0:export:${tenantId}:${id}`;
  }

  private latestExportKey(tenantId: string, userId: string) {
    return `${this.settings.redisPrefix}:mem0:export-latest:${tenantId}:${userId}`;
  }

  /** Builds the export now (every live memory of the user, with provenance) and keeps it 7 days in Redis. */
  @RequireScopes('memory:read')
  @Post('v1/exports')
  @HttpCode(201)
  async createExport(@CurrentPrincipal() p: Principal, @Body() dto: Mem0CreateExportDto) {
    const f = parseFilters(dto.filters);
    const scope = { tenantId: p.tenantId, userId: f.userId };
    const items: Memory[] = [];
    for (let n = 1; ; n++) {
      const page = await memory.listMemories(this.deps, scope, {
        page: n,
        pageSize: 500,
        ...(f.agentId ? { agentId: f.agentId } : {}),
        ...(f.runId ? { runId: f.runId } : {}),
        ...(f.since ? { since: f.since } : {}),
        ...(f.until ? { until: f.until } : {}),
      });
      items.push(...page.items);
      if (n * page.pageSize >= page.total) break;
    }
    const { one } = await this.present(items);
    const id = randomUUID();
    const exportedAt = new Date().toISOString();
    const doc = { id, status: 'completed', user_id: f.userId, created_at: exportedAt, count: items.length, data: shapeExport(dto.schema, items.map((m) => one(m) as unknown as Record<string, unknown>), { userId: f.userId, exportedAt }) };
    await this.redis.multi().set(this.exportKey(p.tenantId, id), JSON.stringify(doc), 'EX', EXPORT_TTL_S).set(this.latestExportKey(p.tenantId, f.userId), id, 'EX', EXPORT_TTL_S).exec();
    return { message: 'Memory export request received. The export is ready.', id };
  }

  /** By `memory_export_id`, or the latest export of `filters.user_id`. */
  @RequireScopes('memory:read')
  @Post('v1/exports/get')
  @HttpCode(200)
  async getExport(@CurrentPrincipal() p: Principal, @Body() dto: Mem0GetExportDto) {
    let id = dto.memory_export_id;
    if (!id) {
      if (!dto.filters) throw new memory.BadRequestError('memory_export_id', 'memory_export_id or filters is required');
      id = (await this.redis.get(this.latestExportKey(p.tenantId, parseFilters(dto.filters).userId))) ?? undefined;
    }
    const raw = id ? await this.redis.get(this.exportKey(p.tenantId, id)) : null;
    if (!raw) throw new memory.NotFoundError('memory_export_id', 'memory export not found (exports are kept 7 days)');
    return { message: 'Memory export is ready.', ...(JSON.parse(raw) as Record<string, unknown>) };
  }

  /** Mem0 concepts Frontier has no counterpart for: 501 naming the route. */
  @All([
    'api/v1/orgs{/*rest}',
    'api/v1/webhooks{/*rest}',
    'v1/webhooks{/*rest}',
    'v1/feedback{/*rest}',
    'v1/entities{/*rest}',
    'v2/entities{/*rest}',
    'v2/profiles{/*rest}',
    'v1/event{/*rest}',
    'v1/events{/*rest}',
  ])
  unsupported(@Req() req: Request): never {
    const route = req.path.replace(/^\/mem0/, '');
    const what = /orgs/.test(route)
      ? 'organisations and projects (the API key is the tenant)'
      : /webhooks/.test(route)
        ? 'webhooks'
        : /feedback/.test(route)
          ? 'memory feedback'
          : /profiles|\/profile/.test(route)
            ? "Mem0 profiles (see GET /v1/profile for our biography)"
            : /event/.test(route)
              ? 'async add events (add answers its events synchronously)'
              : 'entity listing and deletion (use DELETE /v1/memories/?user_id=…)';
    throw new NotImplementedException(`${req.method} ${route} is not supported by Frontier's Mem0 compatibility API: no ${what}`);
  }
}
