import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { RedisClient } from '@frontier/platform-redis';
import { PrismaService } from '@frontier/platform-prisma';
import { Public } from '../auth/public.decorator';
import { Lifecycle } from '../lifecycle';
import { REDIS } from '../redis.provider';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorator';

interface Check {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

async function probe(fn: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)))]);
    return { status: 'up', latencyMs: +(performance.now() - t0).toFixed(2) };
  } catch (e) {
    return { status: 'down', latencyMs: +(performance.now() - t0).toFixed(2), error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Optional() private readonly lifecycle?: Lifecycle,
  ) {}

  /** Liveness: the process answers. Depends on nothing else. */
  @Public()
  @SkipRateLimit()
  @Get('healthz')
  @ApiOkResponse({ description: 'The process is alive' })
  healthz() {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * Readiness: Postgres and Redis really answer a round trip, and the process is not draining for
   * shutdown; otherwise 503 (with Retry-After) naming what is down.
   */
  @Public()
  @SkipRateLimit()
  @Get('readyz')
  @ApiOkResponse({ description: 'Postgres and Redis answer' })
  async readyz(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([probe(() => this.prisma.ping()), probe(() => (this.redis.status === 'ready' ? this.redis.ping() : Promise.reject(new Error(`connection ${this.redis.status}`))))]);
    const draining = this.lifecycle?.draining ?? false;
    const ready = postgres.status === 'up' && redis.status === 'up' && !draining;
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    if (!ready) res.setHeader('Retry-After', '2');
    return { status: ready ? 'ready' : draining ? 'draining' : 'not ready', checks: { postgres, redis } };
  }
}
