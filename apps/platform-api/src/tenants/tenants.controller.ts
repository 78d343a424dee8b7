import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CurrentPrincipal, TenancyService, type Principal } from '@frontier/platform-nest';
import { CreateApiKeyDto } from '../dto/create-api-key.dto';
import { CreateTenantDto } from '../dto/create-tenant.dto';

const uuid = (field: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [`${field} must be a UUID`], fields: { [field]: [`${field} must be a UUID`] } }),
  });

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1')
export class TenantsController {
  constructor(private readonly tenancy: TenancyService) {}

  @AdminOnly()
  @Post('tenants')
  createTenant(@Body() dto: CreateTenantDto) {
    return this.tenancy.createTenant(dto.name);
  }

  @AdminOnly()
  @Post('tenants/:tenantId/api-keys')
  issueKey(@Param('tenantId', uuid('tenantId')) tenantId: string, @Body() dto: CreateApiKeyDto) {
    return this.tenancy.issueKey(tenantId, dto.name, dto.scopes);
  }

  @AdminOnly()
  @Get('tenants/:tenantId/api-keys')
  listKeys(@Param('tenantId', uuid('tenantId')) tenantId: string) {
    return this.tenancy.listKeys(tenantId);
  }

  @AdminOnly()
  @Delete('tenants/:tenantId/api-keys/:keyId')
  @HttpCode(204)
  async revokeKey(@Param('tenantId', uuid('tenantId')) tenantId: string, @Param('keyId', uuid('keyId')) keyId: string): Promise<void> {
    await this.tenancy.revokeKey(tenantId, keyId);
  }

  /** Who am I: the tenant and scopes behind the API key of this request. */
  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}
