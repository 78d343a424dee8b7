import { Module, type DynamicModule } from '@nestjs/common';
import { RankingModule, RecsysDashboardModule, RecsysModule } from '@frontier/recsys-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import type { RecsysApiEnv } from './env';
import { DashboardController, ModelAdminController } from './dashboard.controller';
import { EventsController } from './events.controller';
import { ItemsController } from './items.controller';
import { rankingSettingsFromEnv } from './ranking.env';
import { RecommendationsController } from './recommendations.controller';

@Module({})
export class AppModule {
  static register(env: RecsysApiEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forHttp(platformSettings('recsys-api', env)), RecsysModule.register({ modelEnv }), RankingModule.forApi(rankingSettingsFromEnv(env)), RecsysDashboardModule.register()],
      controllers: [ItemsController, EventsController, RecommendationsController, DashboardController, ModelAdminController],
    };
  }
}
