import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { BadRequestError } from '@frontier/memory-data-access';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { SyncService } from '@frontier/memory-nest';
import { requestDevice } from './device.interceptor';
import { SyncEditDto, SyncQueryDto } from './sync.dto';

/** Cross-device sync over HTTP (the WebSocket gateway at /v1/sync/ws pushes the same items live). */
@ApiTags('sync')
@ApiBearerAuth()
@Controller('v1/sync')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  /** The delta since a version vector (or a snapshot), paged; 409 `sync.resync_required` when the log no longer covers it. */
  @RequireScopes('memory:read')
  @Get()
  delta(@CurrentPrincipal() p: Principal, @Query() q: SyncQueryDto, @Req() req: Request) {
    const deviceId = requestDevice(req, q.device_id);
    return this.sync.delta({ tenantId: p.tenantId, userId: q.user_id }, {
      ...(deviceId ? { deviceId } : {}),
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    });
  }

  /** A device's offline edit: dedup first, then the newer edit wins (ties: the greater device id). */
  @RequireScopes('memory:write')
  @Post('edits')
  @HttpCode(200)
  edit(@CurrentPrincipal() p: Principal, @Body() dto: SyncEditDto, @Req() req: Request) {
    const deviceId = requestDevice(req, dto.device_id);
    if (!deviceId) throw new BadRequestError('device_id', 'device_id (or the X-Device-Id header) is required for a device edit');
    if (dto.op === 'update' && dto.text === undefined && dto.type === undefined && dto.confidence === undefined) throw new BadRequestError('text', 'an update needs text, type or confidence');
    return this.sync.edit({ tenantId: p.tenantId, userId: dto.user_id }, {
      id: dto.id,
      baseRev: dto.base_rev,
      deviceId,
      editedAt: dto.edited_at,
      edit: dto.op === 'delete' ? { op: 'delete' } : { op: 'update', ...(dto.text !== undefined ? { text: dto.text } : {}), ...(dto.type !== undefined ? { type: dto.type } : {}), ...(dto.confidence !== undefined ? { confidence: dto.confidence } : {}) },
    });
  }
}
