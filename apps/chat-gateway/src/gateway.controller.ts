import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ChatService, KeySpendQueryDto, OpenAiErrorFilter, SpendService, UsageQueryDto, UsageService, VideoJobsService } from '@frontier/multimodal-nest';
import { BodyLimit, CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';

/** Images and clips arrive as data: URLs inside the JSON body: 48 MiB covers the media limits plus base64's 4/3. */
export const CHAT_BODY_LIMIT = 48 * 1024 * 1024;

/** The OpenAI-compatible routes: each calls one service method; errors answer in OpenAI's shape. */
@ApiTags('gateway')
@ApiBearerAuth()
@UseFilters(OpenAiErrorFilter)
@Controller('v1')
export class GatewayController {
  constructor(
    private readonly chat: ChatService,
    private readonly usage: UsageService,
    private readonly jobs: VideoJobsService,
    private readonly spend: SpendService,
  ) {}

  /**
   * Chat completions over text, images, audio and video; `stream: true` answers with SSE (`X-Frontier-Events: 1` adds named events).
   * A clip over the jobs' threshold is answered 202 with an async job (`X-Frontier-Webhook: <url>` is called, signed, when it ends).
   */
  @RequireScopes('multimodal:write')
  @Post('chat/completions')
  @HttpCode(200)
  @BodyLimit(CHAT_BODY_LIMIT)
  complete(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Headers('x-frontier-events') events: string | undefined,
    @Headers('x-frontier-webhook') webhook: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return this.chat.complete(p, body, res, events === '1' || events === 'true', webhook);
  }

  /** An async job: queued, running, completed (its result, and the file part that uses it) or failed. */
  @RequireScopes('multimodal:read')
  @Get('jobs/:id')
  job(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.jobs.get(p, id);
  }

  @RequireScopes('multimodal:read')
  @Get('models')
  models() {
    return this.chat.listModels();
  }

  /** Spend and units by modality, key or day. */
  @RequireScopes('multimodal:read')
  @Get('usage')
  usageSummary(@CurrentPrincipal() p: Principal, @Query() q: UsageQueryDto) {
    return this.usage.summary(p, q);
  }

  /** Per key of the caller's tenant: limits (own or default), spend today and this month, refused requests by reason and day. */
  @RequireScopes('multimodal:read')
  @Get('usage/keys')
  keySpend(@CurrentPrincipal() p: Principal, @Query() q: KeySpendQueryDto) {
    return this.spend.keys(p, q);
  }
}
