import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EventsService } from '@frontier/recsys-nest';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { IngestEventsDto, presentIngest, toEventInputs } from './dto/ingest-events.dto';

/** Event ingest: each route calls one service method. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /** Stores up to 1,000 events (all or nothing; a known event id is skipped); answers once they are durable in Postgres. */
  @RequireScopes('recsys:write')
  @Post()
  @HttpCode(200)
  ingest(@CurrentPrincipal() p: Principal, @Body() dto: IngestEventsDto) {
    return this.events.ingest(p.tenantId, toEventInputs(dto)).then(presentIngest);
  }
}
