import { Controller, Get, Header, Injectable, NotFoundException, Optional, Req, UnauthorizedException, type NestMiddleware } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { presentsToken } from '../auth/operator-token';
import { Public } from '../auth/public.decorator';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorator';
import { PlatformSettings } from '../settings';

/** One Prometheus registry per app (not the global one), so several apps can live in one process. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly httpErrors = new Counter({
    name: 'http_request_errors_total',
    help: 'HTTP responses with status >= 400',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** Times every request; labels by the matched route pattern, never the raw path (cardinality). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const stop = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const labels = { method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) };
      stop(labels);
      if (res.statusCode >= 400) this.metrics.httpErrors.inc(labels);
    });
    next();
  }
}

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Optional() private readonly settings?: PlatformSettings,
  ) {}

  /** Prometheus text; 404 when `METRICS_ENABLED=false`, 401 without the bearer `METRICS_TOKEN` when one is set. */
  @Public()
  @SkipRateLimit()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metricsText(@Req() req: Request): Promise<string> {
    const { enabled = true, token } = this.settings?.metrics ?? {};
    if (!enabled) throw new NotFoundException('metrics are disabled (METRICS_ENABLED=false)');
    if (token && !presentsToken(req, token)) throw new UnauthorizedException('metrics need "Authorization: Bearer <METRICS_TOKEN>"');
    return this.metrics.registry.metrics();
  }
}
