import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { JobName } from '@frontier/platform-jobs';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';
import * as memory from '@frontier/memory-data-access';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListMemoriesDto } from './dto/list-memories.dto';
import { SearchMemoriesDto } from './dto/search.dto';
import { UpdateMemoryDto } from './dto/update-memory.dto';
import { UserScopedDto } from './dto/common';
import { MEMORY_RUNTIME } from './tokens';
import { presentBreakdown, presentKnowledge, presentMemory } from './presenter';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('memory')
@ApiBearerAuth()
@Controller('v1')
export class MemoriesController {
  constructor(
    @Inject(MEMORY_RUNTIME) private readonly runtime: memory.MemoryRuntime,
    private readonly jobs: JobQueue,
  ) {}

  private scope(p: Principal, userId: string): memory.MemoryScope {
    return { tenantId: p.tenantId, userId };
  }

  private async changed(scope: memory.MemoryScope): Promise<void> {
    await this.runtime.bus.publish(scope);
    await this.jobs.enqueue(JobName.MemoryRebuildBiography, scope);
  }

  /** Session end: stores the transcript (idempotent per session id) and queues extraction. */
  @RequireScopes('memory:write')
  @Post('sessions')
  @HttpCode(202)
  async createSession(@CurrentPrincipal() p: Principal, @Body() dto: CreateSessionDto) {
    const scope = this.scope(p, dto.user_id);
    const stored = await memory.storeSession(this.runtime.deps, scope, {
      sessionId: dto.session_id,
      ...(dto.agent_id ? { agentId: dto.agent_id } : {}),
      ...(dto.started_at ? { startedAt: dto.started_at } : {}),
      turns: dto.turns.map((t) => ({ role: t.role, content: t.content, ...(t.id ? { id: t.id } : {}), ...(t.speaker ? { speaker: t.speaker } : {}), ...(t.at ? { at: t.at } : {}) })),
    });
    await this.jobs.enqueue(JobName.MemoryExtractSession, { ...scope, sessionId: stored.id });
    return { session_id: stored.externalId, status: stored.status, created: stored.created, queued: true };
  }

  /** Where a session is in the pipeline: received → processing → processed | skipped. */
  @RequireScopes('memory:read')
  @Get('sessions/:sessionId')
  async session(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string, @Query() q: UserScopedDto) {
    const s = await memory.getSessionStatus(this.runtime.deps, this.scope(p, q.user_id), sessionId);
    return { session_id: s.sessionId, status: s.status, reason: s.reason, token_count: s.tokenCount, turns: s.turns, memories: s.memories, started_at: s.startedAt, processed_at: s.processedAt };
  }

  /** Scored memories for the current turn (with the score breakdown) and the `[User profile]` block. */
  @RequireScopes('memory:read')
  @Post('memories/search')
  @HttpCode(200)
  async search(@CurrentPrincipal() p: Principal, @Body() dto: SearchMemoriesDto) {
    const r = await memory.searchMemories(this.runtime.deps, this.scope(p, dto.user_id), {
      query: dto.query,
      ...(dto.recent_turns ? { recentTurns: dto.recent_turns } : {}),
      ...(dto.limit ? { limit: dto.limit } : {}),
      ...(dto.types ? { types: dto.types } : {}),
      ...(dto.threshold !== undefined ? { threshold: dto.threshold } : {}),
    });
    const ids = await memory.sessionExternalIds(this.runtime.deps.prisma, r.memories.map((m) => m.memory.provenance.sessionId));
    return { results: r.memories.map((m) => ({ ...presentMemory(m.memory, ids), score: m.breakdown.score, score_breakdown: presentBreakdown(m.breakdown) })), profile: r.profile };
  }

  @RequireScopes('memory:read')
  @Get('memories')
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListMemoriesDto) {
    const page = await memory.listMemories(this.runtime.deps, this.scope(p, q.user_id), {
      ...(q.page ? { page: q.page } : {}),
      ...(q.page_size ? { pageSize: q.page_size } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.session_id ? { sessionId: q.session_id } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.include_inactive ? { includeInactive: true } : {}),
    });
    const ids = await memory.sessionExternalIds(this.runtime.deps.prisma, page.items.map((m) => m.provenance.sessionId));
    return { results: page.items.map((m) => presentMemory(m, ids)), page: page.page, page_size: page.pageSize, total: page.total };
  }

  @RequireScopes('memory:read')
  @Get('memories/:id')
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto) {
    const m = await memory.getMemory(this.runtime.deps, this.scope(p, q.user_id), id);
    return presentMemory(m, await memory.sessionExternalIds(this.runtime.deps.prisma, [m.provenance.sessionId]));
  }

  @RequireScopes('memory:write')
  @Patch('memories/:id')
  async update(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: UpdateMemoryDto) {
    const scope = this.scope(p, dto.user_id);
    const m = await memory.updateMemory(this.runtime.deps, scope, id, {
      ...(dto.text !== undefined ? { text: dto.text } : {}),
      ...(dto.type ? { type: dto.type } : {}),
      ...(dto.confidence !== undefined ? { confidence: dto.confidence } : {}),
    });
    await this.changed(scope);
    return presentMemory(m, await memory.sessionExternalIds(this.runtime.deps.prisma, [m.provenance.sessionId]));
  }

  /** Soft delete at once: never retrieved again. */
  @RequireScopes('memory:write')
  @Delete('memories/:id')
  @HttpCode(204)
  async remove(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto): Promise<void> {
    const scope = this.scope(p, q.user_id);
    await memory.deleteMemory(this.runtime.deps, scope, id);
    await this.changed(scope);
  }

  /** "Delete all memories from session X" in one call. */
  @RequireScopes('memory:write')
  @Delete('sessions/:sessionId/memories')
  async removeSession(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string, @Query() q: UserScopedDto) {
    const scope = this.scope(p, q.user_id);
    const deleted = await memory.deleteBySession(this.runtime.deps, scope, sessionId);
    await this.changed(scope);
    return { deleted };
  }

  @RequireScopes('memory:read')
  @Get('memories/:id/history')
  async history(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto) {
    const events = await memory.memoryHistory(this.runtime.deps, this.scope(p, q.user_id), id);
    return events.map((e) => ({ id: e.id, memory_id: e.memoryId, event: e.event, old_memory: e.previousText, new_memory: e.newText, reason: e.reason, actor: e.actor, created_at: e.at }));
  }

  /** The biography (always in context) and "what do you know about me?" grouped by type. */
  @RequireScopes('memory:read')
  @Get('profile')
  async profile(@CurrentPrincipal() p: Principal, @Query() q: UserScopedDto) {
    const r = await memory.profile(this.runtime.deps, this.scope(p, q.user_id));
    return { biography: r.biography, what_i_know: presentKnowledge(r.knowledge) };
  }
}
