import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecsysDashboardService, type CtrReport } from '@frontier/recsys-nest';
import type { LiveChange } from '@frontier/recsys-data-access';
import { AdminOnly, CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { CtrQueryDto, FlaggedQueryDto, ModelActionDto, ModelsQueryDto } from './dto/dashboard.dto';

/** A 400 naming the field, shaped like the shared validation layer's. */
const refuse = (field: string, message: string) => () => new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message], fields: { [field]: [message] } });
const uuid = (field: string) => new ParseUUIDPipe({ exceptionFactory: refuse(field, `${field} must be a UUID`) });
const versionNumber = (field: string) => new ParseIntPipe({ exceptionFactory: refuse(field, `${field} must be a version number`) });

const presentCtr = (r: CtrReport) => ({
  bucket: r.bucket,
  from: r.from.toISOString(),
  to: r.to.toISOString(),
  totals: r.totals,
  points: r.points.map((p) => ({ ...p, at: p.at.toISOString() })),
});

const presentChange = (c: LiveChange) => ({
  action: c.action,
  kind: c.kind,
  from: c.from ? { id: c.from.id, version: c.from.version } : null,
  to: { id: c.to.id, version: c.to.version },
  reason: c.reason,
  at: c.at.toISOString(),
});

/** The operator's view of the recommender (the console's Recommender page), for the key's tenant. */
@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('v1/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: RecsysDashboardService) {}

  /** Impressions, clicks, CTR and exploration share per hour or day. */
  @RequireScopes('recsys:read')
  @Get('ctr')
  ctr(@CurrentPrincipal() p: Principal, @Query() q: CtrQueryDto) {
    return this.dashboard.ctr(p.tenantId, q).then(presentCtr);
  }

  /** Items with flagged events (anomalies) and users flagged as bots. */
  @RequireScopes('recsys:read')
  @Get('flagged')
  flagged(@CurrentPrincipal() p: Principal, @Query() q: FlaggedQueryDto) {
    return this.dashboard.flagged(p.tenantId, q);
  }

  /** The model registry: versions (newest first) with their metrics, OPE estimates, CIs and diagnostics; the live one; the promotion log. */
  @RequireScopes('recsys:read')
  @Get('models')
  models(@CurrentPrincipal() p: Principal, @Query() q: ModelsQueryDto) {
    return this.dashboard.models(p.tenantId, q);
  }
}

/** Promote and roll back by hand: the operator token (ADMIN_TOKEN), the tenant in the path. */
@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('v1/admin/tenants/:tenantId/models')
export class ModelAdminController {
  constructor(private readonly dashboard: RecsysDashboardService) {}

  @AdminOnly()
  @Post(':version/promote')
  @HttpCode(200)
  promote(@Param('tenantId', uuid('tenantId')) tenantId: string, @Param('version', versionNumber('version')) version: number, @Body() dto: ModelActionDto) {
    return this.dashboard.promote(tenantId, version, dto).then(presentChange);
  }

  @AdminOnly()
  @Post('rollback')
  @HttpCode(200)
  rollback(@Param('tenantId', uuid('tenantId')) tenantId: string, @Body() dto: ModelActionDto) {
    return this.dashboard.rollback(tenantId, dto).then(presentChange);
  }
}
