import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { ErasureService, ExportService, presentErasure, presentTicket } from '@frontier/memory-nest';
import type { MemoryScope } from '@frontier/memory-contracts';
import { UserScopedDto } from './dto/common';
import { ExportDto } from './dto/export.dto';

const uuid = new ParseUUIDPipe({ version: '4' });
const scope = (p: Principal, userId: string): MemoryScope => ({ tenantId: p.tenantId, userId });

/**
 * Erasure and export (issue 13): every DELETE soft-deletes at once and answers 202 with the
 * erasure's id; the worker's hard delete writes the completion report read at `GET /v1/erasures/:id`.
 */
@ApiTags('memory')
@ApiBearerAuth()
@Controller('v1')
export class ErasureController {
  constructor(
    private readonly erasure: ErasureService,
    private readonly exporter: ExportService,
  ) {}

  /** One memory: gone from every response now, from every store once the report says `completed`. */
  @RequireScopes('memory:write')
  @Delete('memories/:id')
  @HttpCode(202)
  async removeMemory(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto) {
    return presentTicket(await this.erasure.eraseMemory(scope(p, q.user_id), id));
  }

  /** Every memory derived from a session (and the transcript turns they came from). */
  @RequireScopes('memory:write')
  @Delete('sessions/:sessionId/memories')
  @HttpCode(202)
  async removeSessionMemories(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string, @Query() q: UserScopedDto) {
    return presentTicket(await this.erasure.eraseSessionMemories(scope(p, q.user_id), sessionId));
  }

  /** A session with its transcript and every memory derived from it. */
  @RequireScopes('memory:write')
  @Delete('sessions/:sessionId')
  @HttpCode(202)
  async removeSession(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string, @Query() q: UserScopedDto) {
    return presentTicket(await this.erasure.eraseSession(scope(p, q.user_id), sessionId));
  }

  /** The whole user: memories, sessions, transcripts, biography, exports (and the user's data key). */
  @RequireScopes('memory:write')
  @Delete('users')
  @HttpCode(202)
  async removeUser(@CurrentPrincipal() p: Principal, @Query() q: UserScopedDto) {
    return presentTicket(await this.erasure.eraseUser(scope(p, q.user_id)));
  }

  /** An erasure's status and completion report (what was removed, where, when). */
  @RequireScopes('memory:read')
  @Get('erasures/:id')
  async erasureStatus(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: UserScopedDto) {
    return presentErasure(await this.erasure.get(scope(p, q.user_id), id));
  }

  /** Everything kept about the user, streamed: memories with history, sessions with transcripts, the biography. */
  @RequireScopes('memory:read')
  @Get('export')
  async export(@CurrentPrincipal() p: Principal, @Query() q: ExportDto, @Res() res: Response): Promise<void> {
    const out = this.exporter.stream(scope(p, q.user_id), q.format ?? 'json');
    const first = await out.next(); // errors before the first byte still answer as errors (4xx/503)
    res.status(200).type(q.format === 'text' ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8');
    if (!first.done) res.write(first.value);
    try {
      for await (const chunk of { [Symbol.asyncIterator]: () => out }) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      res.end();
    } catch {
      res.destroy(); // mid-stream failure: the client sees a cut document, never a complete-looking one
    }
  }
}
