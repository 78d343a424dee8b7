import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ItemsService } from '@frontier/recsys-nest';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { presentUpsert, toItemInputs, UpsertItemsDto } from './dto/upsert-items.dto';

/** The item catalogue: each route calls one service method. */
@ApiTags('items')
@ApiBearerAuth()
@Controller('v1/items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  /** Inserts or replaces up to 1,000 items (all or nothing). */
  @RequireScopes('recsys:write')
  @Put()
  @HttpCode(200)
  upsert(@CurrentPrincipal() p: Principal, @Body() dto: UpsertItemsDto) {
    return this.items.upsert(p.tenantId, toItemInputs(dto)).then(presentUpsert);
  }

  /** Soft delete: no longer served; events about it stay valid. */
  @RequireScopes('recsys:write')
  @Delete(':id')
  remove(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.items.remove(p.tenantId, id);
  }
}
