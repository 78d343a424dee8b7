import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { SENSITIVE_POLICIES } from '@frontier/memory-data-access';
import { MemorySettingsService } from '@frontier/memory-nest';

export class MemorySettingsDto {
  @ApiPropertyOptional({ enum: SENSITIVE_POLICIES, description: 'Special-category facts (health, politics, religion, sexuality): allow (as extracted) | explicit-only (default: only when the user states them about themselves) | never' })
  @IsOptional()
  @IsIn([...SENSITIVE_POLICIES])
  sensitive_policy?: string;
}

/** The caller's tenant's memory settings. */
@ApiTags('memory')
@ApiBearerAuth()
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly settings: MemorySettingsService) {}

  @RequireScopes('memory:read')
  @Get()
  async get(@CurrentPrincipal() p: Principal) {
    return { sensitive_policy: (await this.settings.get(p.tenantId)).sensitivePolicy };
  }

  @RequireScopes('memory:admin')
  @Put()
  async set(@CurrentPrincipal() p: Principal, @Body() dto: MemorySettingsDto) {
    return { sensitive_policy: (await this.settings.set(p.tenantId, { ...(dto.sensitive_policy !== undefined ? { sensitivePolicy: dto.sensitive_policy } : {}) })).sensitivePolicy };
  }
}
