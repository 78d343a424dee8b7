import { Module, type DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BillingRepository, KeyLimitsRepository, SpendRepository, UsageRepository } from '@frontier/multimodal-data-access';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { BillingService } from './billing/billing.service';
import { UsagePartitionsService } from './billing/usage-partitions.service';
import { UsageService } from './billing/usage.service';
import { MULTIMODAL_CONFIG, type MultimodalConfig } from './config';
import { LimitsService } from './limits/limits.service';
import { RejectionsService } from './spend/rejections.service';
import { SpendService } from './spend/spend.service';

const repository = <T>(cls: new (prisma: PrismaService) => T) => ({ provide: cls, inject: [PrismaService], useFactory: (prisma: PrismaService) => new cls(prisma) });

/**
 * Multimodal wired for chat-gateway and multimodal-worker: the billing, usage and key-limit
 * repositories on the platform's Prisma client; BillingService (events → usage rows, reconciler),
 * UsageService (`GET /v1/usage`), SpendService (`GET /v1/usage/keys`), RejectionsService (refusals
 * counted per key, day and reason) and LimitsService (per-key RPM/TPM/budgets in the platform's
 * Redis, under REDIS_PREFIX). Needs `PlatformModule` (Prisma, Redis, JobQueue) in the app. Global:
 * register it once in the app; the scope's other modules inject its services.
 *
 *   MultimodalModule.register({ rpm: env.MULTIMODAL_RPM, tpm: env.MULTIMODAL_TPM, dailyBudgetUsd: env.MULTIMODAL_DAILY_BUDGET_USD })
 */
@Module({})
export class MultimodalModule {
  static register(config: MultimodalConfig = {}): DynamicModule {
    return {
      module: MultimodalModule,
      global: true,
      providers: [
        { provide: MULTIMODAL_CONFIG, useValue: config },
        repository(BillingRepository),
        repository(UsageRepository),
        repository(KeyLimitsRepository),
        repository(SpendRepository),
        BillingService,
        UsageService,
        UsagePartitionsService,
        SpendService,
        RejectionsService,
        {
          provide: LimitsService,
          inject: [REDIS, KeyLimitsRepository, BillingRepository, PlatformSettings],
          useFactory: (redis: Redis, keyLimits: KeyLimitsRepository, billing: BillingRepository, settings: PlatformSettings) =>
            new LimitsService(redis, keyLimits, billing, {
              prefix: settings.redisPrefix,
              defaults: { rpm: config.rpm ?? 0, tpm: config.tpm ?? 0, dailyBudgetUsd: config.dailyBudgetUsd ?? 0, monthlyBudgetUsd: config.monthlyBudgetUsd ?? 0 },
              ...(config.keyLimitsCacheMs !== undefined ? { keyLimitsCacheMs: config.keyLimitsCacheMs } : {}),
            }),
        },
      ],
      exports: [MULTIMODAL_CONFIG, BillingService, UsageService, UsagePartitionsService, SpendService, RejectionsService, LimitsService, BillingRepository, UsageRepository, KeyLimitsRepository],
    };
  }
}
