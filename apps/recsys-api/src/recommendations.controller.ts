import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RankingService } from '@frontier/recsys-nest';
import { CurrentPrincipal, RequireScopes, type Principal } from '@frontier/platform-nest';
import { presentRecommendation, RecommendDto, toRecommendRequest } from './dto/recommend.dto';

/** Ranking: one route, one service call. */
@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('v1/recommendations')
export class RecommendationsController {
  constructor(private readonly ranking: RankingService) {}

  /** k items for a user on a surface, each with the propensity it was shown with (every shown item is logged before the answer). */
  @RequireScopes('recsys:read')
  @Post()
  @HttpCode(200)
  recommend(@CurrentPrincipal() p: Principal, @Body() dto: RecommendDto) {
    return this.ranking.recommend(p.tenantId, toRecommendRequest(dto)).then(presentRecommendation);
  }
}
