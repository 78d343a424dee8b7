import { Global, Inject, Injectable, Module, type DynamicModule, type MiddlewareConsumer, type NestModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypedErrorFilter } from './errors.filter';
import { PrismaModule } from '@frontier/platform-prisma';
import { QueueModule } from '@frontier/platform-queue';
import { ApiKeyUsageRecorder } from './auth/api-key.guard';
import { QueuedUsageRecorder } from './auth/usage.recorder';
import { ApiKeyGuard } from './auth/api-key.guard';
import { TenancyService } from './auth/tenancy.service';
import { HealthController } from './health/health.controller';
import { Lifecycle } from './lifecycle';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { HttpMetricsMiddleware, Metrics, MetricsController } from './metrics/metrics';
import { REDIS, redisProvider } from './redis.provider';
import { EVENT_BUS, EventBusCloser, eventBusProvider } from './event-bus.provider';
import { PlatformSettings } from './settings';
import { createValidationPipe } from './validation';
import type { RedisClient } from '@frontier/platform-redis';

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

const infrastructure = (s: PlatformSettings) => [
  PrismaModule.forRoot({ databaseUrl: s.databaseUrl, poolSize: s.databasePoolSize, connectTimeoutMs: s.databaseConnectTimeoutMs }),
  QueueModule.forRoot({ redisUrl: s.redisUrl, redisClusterNodes: s.redisClusterNodes, prefix: s.redisPrefix, commandTimeoutMs: s.redisCommandTimeoutMs }),
];

/**
 * What every Frontier HTTP app shares: validation as APP_PIPE, API-key auth then per-key rate
 * limits as APP_GUARDs (key usage recorded as a platform job), typed errors as APP_FILTER (driver
 * connection failures answered 503), Prisma, a request-path Redis client, the job producer
 * ({@link QueueModule}), /healthz, /readyz and /metrics. Workers use `forWorker` (no HTTP parts).
 * `extra` providers are added and exported (they may override the defaults).
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forHttp(settings: PlatformSettings, extra: Provider[] = []): DynamicModule {
    return {
      module: PlatformModule,
      imports: infrastructure(settings),
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PlatformSettings, useValue: settings },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // global guards run in this order: who is calling, then how often
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: TypedErrorFilter },
        redisProvider,
        RedisCloser,
        eventBusProvider,
        EventBusCloser,
        Lifecycle,
        Metrics,
        TenancyService,
        { provide: ApiKeyUsageRecorder, useClass: QueuedUsageRecorder },
        ...extra,
      ],
      exports: [PlatformSettings, REDIS, EVENT_BUS, Lifecycle, Metrics, TenancyService, PrismaModule, QueueModule, ApiKeyUsageRecorder, ...extra],
    };
  }

  static forWorker(settings: PlatformSettings): DynamicModule {
    return {
      module: PlatformModule,
      imports: infrastructure(settings),
      providers: [{ provide: PlatformSettings, useValue: settings }, redisProvider, RedisCloser, eventBusProvider, EventBusCloser, Lifecycle, TenancyService],
      exports: [PlatformSettings, REDIS, EVENT_BUS, Lifecycle, TenancyService, PrismaModule, QueueModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
