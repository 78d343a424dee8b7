import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { MemoryService, presentBreakdown, presentKnowledge, presentMemory, SessionService } from '@frontier/memory-nest';
import type { MemoryScope } from '@frontier/memory-contracts';
import { CreateSessionDto } from './dto/create-session.dto';
import { ListMemoriesDto } from './dto/list-memories.dto';
import { SearchMemoriesDto } from './dto/search.dto';
import { UpdateMemoryDto } from './dto/update-memory.dto';
import { UserScopedDto } from './dto/common';

const uuid = new ParseUUIDPipe({ version: '4' });
const scope = (p: Principal, userId: string): MemoryScope => ({ tenantId: p.tenantId, userId });

/** Memory's native routes: each calls one service method and shapes its answer. */
@ApiTags('memory')
@ApiBearerAuth()
@Controller('v1')
export class MemoriesController {
  constructor(
    private readonly sessions: SessionService,
    private readonly memories: MemoryService,
  ) {}

  /** Session end: stores the transcript (idempotent per session id) and queues extraction. */
  @RequireScopes('memory:write')
  @Post('sessions')
  @HttpCode(202)
  async createSession(@CurrentPrincipal() p: Principal, @Body() dto: CreateSessionDto) {
    const s = await this.sessions.ingest(scope(p, dto.user_id), {
      sessionId: dto.session_id,
      ...(dto.agent_id ? { agentId: dto.agent_id } : {}),
      ...(dto.started_at ? { startedAt: dto.started_at } : {}),
      turns: dto.turns.map((t) => ({ role: t.role, content: t.content, ...(t.id ? { id: t.id } : {}), ...(t.speaker ? { speaker: t.speaker } : {}), ...(t.at ? { at: t.at } : {}) })),
    });
    return { session_id: s.externalId, status: s.status, created: s.created, queued: s.queued };
  }

  /** Where a session is in the pipeline: received → processing → processed | skipped. */
  @RequireScopes('memory:read')
  @Get('sessions/:sessionId')
  async session(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string, @Query() q: UserScopedDto) {
    const s = await this.sessions.status(scope(p, q.user_id), sessionId);
    return { session_id: s.sessionId, status: s.status, reason: s.reason, token_count: s.tokenCount, turns: s.turns, memories: s.memories, started_at: s.startedAt, processed_at: s.processedAt };
  }

  /** Scored memories for the current turn (with the score breakdown) and the `[User profile]` block. */
  @RequireScopes('memory:read')
  @Post('memories/search')
  @HttpCode(200)
  async search(@CurrentPrincipal() p: Principal, @Body() dto: SearchMemoriesDto) {
    const r = await this.memories.search(scope(p, dto.user_id), {
      query: dto.query,
      ...(dto.recent_turns ? { recentTurns: dto.recent_turns } : {}),
      ...(dto.limit ? { limit: dto.limit } : {}),
      ...(dto.types ? { types: dto.types } : {}),
      ...(dto.threshold !== undefined ? { threshold: dto.threshold } : {}),
    });
    return { results: r.memories.map((m) => ({ ...presentMemory(m), score: m.breakdown.score, score_breakdown: presentBreakdown(m.breakdown) })), profile: r.profile };
  }

  @RequireScopes('memory:read')
  @Get('memories')
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListMemoriesDto) {
    const page = await this.memories.list(scope(p, q.user_id), {
      ...(q.page ? { page: q.page } : {}),
      ...(q.page_size ? { pageSize: q.page_size } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.session_id ? { sessionId: q.session_id } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.include_inactive ? { includeInactive: true } : {}),
    });
    return { results: page.items.map(presentMemory), page: page.page, page_size: page.pageSize, total: page.total };
  }

  @RequireScopes('memory:read')
  @Get('memories/:id')
  async get(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto) {
    return presentMemory(await this.memories.get(scope(p, q.user_id), id));
  }

  @RequireScopes('memory:write')
  @Patch('memories/:id')
  async update(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: UpdateMemoryDto) {
    const m = await this.memories.update(scope(p, dto.user_id), id, {
      ...(dto.text !== undefined ? { text: dto.text } : {}),
      ...(dto.type ? { type: dto.type } : {}),
      ...(dto.confidence !== undefined ? { confidence: dto.confidence } : {}),
    });
    return presentMemory(m);
  }

  // DELETE /v1/memories/:id and /v1/sessions/:id/memories are erasures: see ErasureController

  @RequireScopes('memory:read')
  @Get('memories/:id/history')
  async history(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto) {
    const events = await this.memories.history(scope(p, q.user_id), id);
    return events.map((e) => ({ id: e.id, memory_id: e.memoryId, event: e.event, old_memory: e.previousText, new_memory: e.newText, reason: e.reason, actor: e.actor, created_at: e.at, redacted: e.redacted }));
  }

  /** Undoes a forget command within the grace period (409 naming `id` for any other deletion, or after it). */
  @RequireScopes('memory:write')
  @Post('memories/:id/restore')
  @HttpCode(200)
  async restore(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: UserScopedDto) {
    return presentMemory(await this.memories.restore(scope(p, dto.user_id), id));
  }

  /** The biography (always in context) and "what do you know about me?" grouped by type. */
  @RequireScopes('memory:read')
  @Get('profile')
  async profile(@CurrentPrincipal() p: Principal, @Query() q: UserScopedDto) {
    const r = await this.memories.profile(scope(p, q.user_id));
    return { biography: r.biography, what_i_know: presentKnowledge(r.knowledge) };
  }
}
