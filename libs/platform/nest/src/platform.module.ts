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
import { HttpMetricsMiddleware, Metrics, MetricsController } from './metrics/metrics';
import { REDIS, redisProvider } from './redis.provider';
import { PlatformSettings } from './settings';
import { createValidationPipe } from './validation';
import type { Redis } from 'ioredis';

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * What every Frontier HTTP app shares: validation as APP_PIPE, API-key auth as APP_GUARD (with
 * key usage recorded as a platform job), typed errors as APP_FILTER, Prisma, a Redis client, the
 * job producer ({@link QueueModule}), /healthz, /readyz and /metrics. Workers use `forWorker`
 * (no HTTP parts). `extra` providers are added and exported (they may override the defaults).
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forHttp(settings: PlatformSettings, extra: Provider[] = []): DynamicModule {
    return {
      module: PlatformModule,
      imports: [PrismaModule.forRoot({ databaseUrl: settings.databaseUrl }), QueueModule.forRoot({ redisUrl: settings.redisUrl, prefix: settings.redisPrefix })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PlatformSettings, useValue: settings },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: TypedErrorFilter },
        redisProvider,
        RedisCloser,
        Metrics,
        TenancyService,
        { provide: ApiKeyUsageRecorder, useClass: QueuedUsageRecorder },
        ...extra,
      ],
      exports: [PlatformSettings, REDIS, Metrics, TenancyService, PrismaModule, QueueModule, ApiKeyUsageRecorder, ...extra],
    };
  }

  static forWorker(settings: PlatformSettings): DynamicModule {
    return {
      module: PlatformModule,
      imports: [PrismaModule.forRoot({ databaseUrl: settings.databaseUrl }), QueueModule.forRoot({ redisUrl: settings.redisUrl, prefix: settings.redisPrefix })],
      providers: [{ provide: PlatformSettings, useValue: settings }, redisProvider, RedisCloser, TenancyService],
      exports: [PlatformSettings, REDIS, TenancyService, PrismaModule, QueueModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
