import { All, Body, Controller, Delete, Get, HttpCode, NotImplementedException, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { isPendingAdd, Mem0SearchService, Mem0Service, refuseUnsupported as refuse } from '@frontier/memory-nest';
import {
  ADD_UNSUPPORTED,
  Mem0AddDto,
  Mem0BatchDeleteDto,
  Mem0BatchUpdateDto,
  Mem0CreateExportDto,
  Mem0DeleteAllDto,
  Mem0DeleteDto,
  Mem0EventParams,
  Mem0GetAllDto,
  Mem0GetExportDto,
  Mem0PageDto,
  Mem0ProjectUpdateDto,
  Mem0SearchDto,
  Mem0UpdateDto,
  PROJECT_UNSUPPORTED,
} from './dto';
import { Mem0EntityParams } from './entities.dto';

const uuid = new ParseUUIDPipe({ version: '4' });

/**
 * Mem0's platform REST API (what the official `mem0ai` MemoryClient calls), served under `/mem0`
 * so a client switches with `host: 'https://<memory-api>/mem0'`. Each route refuses the options we
 * do not serve (501 naming them) and calls one method of {@link Mem0Service}.
 */
@ApiTags('mem0 compatibility')
@ApiBearerAuth()
@Controller('mem0')
export class Mem0Controller {
  constructor(
    private readonly mem0: Mem0Service,
    private readonly lookup: Mem0SearchService,
  ) {}

  /** The client pings once on construction; `org_id` / `project_id` are the key's tenant. */
  @Get('v1/ping')
  ping(@CurrentPrincipal() p: Principal) {
    return { status: 'ok', message: 'Frontier memory API (Mem0 compatible)', org_id: p.tenantId, project_id: p.tenantId, user_email: null };
  }

  /**
   * Stores the messages as one session and extracts in the request, answering Mem0's event list;
   * 202 with Mem0's PENDING answer (and its `event_id`) with `async_mode: true`, or when an outage
   * interrupted the extraction after storing.
   */
  @RequireScopes('memory:write')
  @Post('v3/memories/add')
  @HttpCode(200)
  async add(@CurrentPrincipal() p: Principal, @Body() dto: Mem0AddDto, @Res({ passthrough: true }) res: Response) {
    refuse(dto, ADD_UNSUPPORTED, 'POST /v3/memories/add/');
    const r = await this.mem0.add(p.tenantId, dto);
    if (isPendingAdd(r)) res.status(202);
    return r;
  }

  /** Mem0's older add: the same, asynchronous unless `async_mode: false` (Mem0's default for it). */
  @RequireScopes('memory:write')
  @Post('v1/memories')
  @HttpCode(200)
  async addV1(@CurrentPrincipal() p: Principal, @Body() dto: Mem0AddDto, @Res({ passthrough: true }) res: Response) {
    refuse(dto, ADD_UNSUPPORTED, 'POST /v1/memories/');
    const r = await this.mem0.add(p.tenantId, { ...dto, async_mode: dto.async_mode ?? true }, 'POST /v1/memories/');
    if (isPendingAdd(r)) res.status(202);
    return r;
  }

  /** An add's event: PENDING, RUNNING, SUCCEEDED (with the memories it stored) or FAILED. */
  @RequireScopes('memory:read')
  @Get('v1/event/:id')
  event(@CurrentPrincipal() p: Principal, @Param() e: Mem0EventParams) {
    return this.mem0.event(p.tenantId, e.id);
  }

  /** Search (v3, and the older v2 route): the filter runs in Postgres, the ranking is the service's. */
  @RequireScopes('memory:read')
  @Post(['v3/memories/search', 'v2/memories/search'])
  @HttpCode(200)
  search(@CurrentPrincipal() p: Principal, @Body() dto: Mem0SearchDto) {
    return this.lookup.search(p.tenantId, dto);
  }

  /** getAll (v3, and the older v2 route): the client POSTs its filters here, with `page` / `page_size` in the query. */
  @RequireScopes('memory:read')
  @Post(['v3/memories', 'v2/memories'])
  @HttpCode(200)
  getAll(@CurrentPrincipal() p: Principal, @Body() dto: Mem0GetAllDto, @Query() q: Mem0PageDto, @Req() req: Request) {
    return this.lookup.getAll(p.tenantId, dto, q, `${req.protocol}://${req.get('host') ?? 'localhost'}${req.path}`);
  }

  @RequireScopes('memory:read')
  @Get('v1/memories/:id')
  get(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string) {
    return this.mem0.get(p.tenantId, id);
  }

  /** A correction: re-embedded, recorded as UPDATE; answers the updated memory. */
  @RequireScopes('memory:write')
  @Put('v1/memories/:id')
  update(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: Mem0UpdateDto) {
    return this.mem0.update(p.tenantId, id, dto);
  }

  @RequireScopes('memory:write')
  @Delete('v1/memories/:id')
  remove(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Query() q: Mem0DeleteDto) {
    if (q.delete_linked) throw new NotImplementedException('DELETE /v1/memories/{id}/: delete_linked is not supported (superseded facts are already never retrieved)');
    return this.mem0.remove(p.tenantId, id);
  }

  /** deleteAll: a user's memories, or only an agent's / a run's within them. */
  @RequireScopes('memory:write')
  @Delete('v1/memories')
  removeAll(@CurrentPrincipal() p: Principal, @Query() q: Mem0DeleteAllDto) {
    return this.mem0.removeAll(p.tenantId, q);
  }

  @RequireScopes('memory:read')
  @Get('v1/memories/:id/history')
  history(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string) {
    return this.mem0.history(p.tenantId, id);
  }

  @RequireScopes('memory:write')
  @Put('v1/batch')
  batchUpdate(@CurrentPrincipal() p: Principal, @Body() dto: Mem0BatchUpdateDto) {
    return this.mem0.batchUpdate(p.tenantId, dto);
  }

  @RequireScopes('memory:write')
  @Delete('v1/batch')
  batchDelete(@CurrentPrincipal() p: Principal, @Body() dto: Mem0BatchDeleteDto) {
    return this.mem0.batchDelete(p.tenantId, dto);
  }

  /** Builds the export now (every live memory of the user, with provenance), kept 7 days. */
  @RequireScopes('memory:read')
  @Post('v1/exports')
  @HttpCode(201)
  createExport(@CurrentPrincipal() p: Principal, @Body() dto: Mem0CreateExportDto) {
    return this.mem0.createExport(p.tenantId, dto);
  }

  /** By `memory_export_id`, or the latest export of `filters.user_id`. */
  @RequireScopes('memory:read')
  @Post('v1/exports/get')
  @HttpCode(200)
  getExport(@CurrentPrincipal() p: Principal, @Body() dto: Mem0GetExportDto) {
    return this.mem0.getExport(p.tenantId, dto);
  }

  /** `users()`: the tenant's users with memories. */
  @RequireScopes('memory:read')
  @Get('v1/entities')
  users(@CurrentPrincipal() p: Principal, @Query() q: Mem0PageDto, @Req() req: Request) {
    return this.mem0.users(p.tenantId, q, `${req.protocol}://${req.get('host') ?? 'localhost'}${req.path}`);
  }

  /** `deleteUsers({ userId })` (and the deprecated `deleteUser`): an erasure of the whole user (202-like: the hard delete follows). */
  @RequireScopes('memory:write')
  @Delete(['v2/entities/:type/:name', 'v1/entities/:type/:name'])
  removeUser(@CurrentPrincipal() p: Principal, @Param() e: Mem0EntityParams) {
    return this.mem0.removeUser(p.tenantId, e.type, e.name);
  }

  /** `getProject()`: the key's tenant is the project; its custom categories are served. */
  @RequireScopes('memory:read')
  @Get('api/v1/orgs/organizations/:org/projects/:project')
  project(@CurrentPrincipal() p: Principal) {
    return this.mem0.project(p.tenantId);
  }

  /** `updateProject({ customCategories })`: the categories every add without its own is matched against. */
  @RequireScopes('memory:write')
  @Patch('api/v1/orgs/organizations/:org/projects/:project')
  updateProject(@CurrentPrincipal() p: Principal, @Body() dto: Mem0ProjectUpdateDto) {
    refuse(dto, PROJECT_UNSUPPORTED, 'PATCH /api/v1/orgs/organizations/{org}/projects/{project}/');
    return this.mem0.updateProject(p.tenantId, dto);
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
              ? 'event listing (read one add\'s event at GET /v1/event/{event_id}/)'
              : 'entity listing and deletion (use DELETE /v1/memories/?user_id=…)';
    throw new NotImplementedException(`${req.method} ${route} is not supported by Frontier's Mem0 compatibility API: no ${what}`);
  }
}
