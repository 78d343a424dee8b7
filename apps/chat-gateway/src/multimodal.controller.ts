import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MultimodalService } from '@frontier/multimodal-nest';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { CreateItemDto } from './dto/create-item.dto';

/** Multimodal's routes: each calls one service method. */
@ApiTags('multimodal')
@ApiBearerAuth()
@Controller('v1/multimodal')
export class MultimodalController {
  constructor(private readonly service: MultimodalService) {}

  @RequireScopes('multimodal:write')
  @Post('items')
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateItemDto) {
    return this.service.create(p.tenantId, dto.title);
  }

  @RequireScopes('multimodal:read')
  @Get('items/:id')
  get(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.service.get(p.tenantId, id);
  }
}
